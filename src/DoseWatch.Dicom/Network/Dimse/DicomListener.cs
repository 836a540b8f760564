using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace DoseWatch.Dicom.Network.Dimse;

/// <summary>TLS settings of a DICOM TLS listener (PS3.15 Annex B.1, "The Basic TLS Secure Transport Connection Profile").</summary>
public sealed record DicomTlsSettings(X509Certificate2 Certificate, bool RequireClientCertificate);

/// <summary>
/// Accepts TCP (optionally TLS) connections and serves each one as an association on its own task, within
/// <see cref="ConnectionLimits"/>: a connection over the per-address or the pending ceiling is closed at once, an
/// association over capacity is answered with a transient A-ASSOCIATE-RJ (temporary congestion), except for known devices
/// while reserved slots are free. Connections closed by the limits, and those that end without ever associating
/// (silent, scanners, fuzzers; their records still go to <c>onEnded</c>), are counted per peer address
/// (<see cref="TakeRefusedConnections"/>) so that a service can log them in aggregate.
/// </summary>
public sealed class DicomListener : IDisposable
{
    private readonly TcpListener _listener;
    private readonly AssociationAcceptor _acceptor;
    private readonly ConnectionBudget _budget;
    private readonly DicomTlsSettings? _tls;
    private readonly Func<AssociationRecord, Task> _onEnded;

    public DicomListener(IPEndPoint endpoint, AssociationAcceptor acceptor, ConnectionLimits limits, DicomTlsSettings? tls, Func<AssociationRecord, Task> onEnded)
    {
        _listener = new TcpListener(endpoint);
        _acceptor = acceptor;
        _budget = new ConnectionBudget(limits);
        _tls = tls;
        _onEnded = onEnded;
    }

    /// <summary>The bound endpoint (the real port when 0 was asked for); valid after <see cref="Start"/>.</summary>
    public IPEndPoint LocalEndpoint => (IPEndPoint)_listener.LocalEndpoint;

    public int ActiveAssociations => _budget.Associations;

    public int PendingConnections => _budget.Pending;

    /// <summary>Connections closed by the limits or ended before any association since the last call, per peer address and reason.</summary>
    public IReadOnlyList<RefusedConnections> TakeRefusedConnections() => _budget.TakeRefused();

    public void Start() => _listener.Start(backlog: 128);

    /// <summary>Accepts until cancelled, then waits for the associations in progress to end.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var running = new HashSet<Task>();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                Socket socket;
                try { socket = await _listener.AcceptSocketAsync(ct).ConfigureAwait(false); }
                catch (OperationCanceledException) { break; }
                catch (SocketException) { continue; }
                var task = ServeAsync(socket, ct);
                lock (running) running.Add(task);
                _ = task.ContinueWith(t => { lock (running) running.Remove(t); }, TaskScheduler.Default);
            }
        }
        finally
        {
            _listener.Stop();
            Task[] left;
            lock (running) left = [.. running];
            await Task.WhenAll(left).ConfigureAwait(false);
        }
    }

    private async Task ServeAsync(Socket socket, CancellationToken ct)
    {
        var peer = socket.RemoteEndPoint as IPEndPoint;
        var address = peer?.Address is { } a ? (a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a) : IPAddress.None;
        if (_budget.TryOpen(address) is { } refusal)
        {
            socket.Dispose();
            _budget.CountRefused(address.ToString(), refusal);
            return;
        }
        using var slot = _budget.Open(address);
        try
        {
            socket.NoDelay = true;
            Stream transport = new NetworkStream(socket, ownsSocket: true);
            if (_tls is not null)
            {
                var ssl = await AuthenticateAsync(transport, ct).ConfigureAwait(false);
                if (ssl is null)
                {
                    _budget.CountRefused(address.ToString(), "TLS handshake failed");
                    return;
                }
                transport = ssl;
            }
            var record = await _acceptor.RunAsync(transport, peer, _tls is not null, slot, ct).ConfigureAwait(false);
            if (record.Outcome == AssociationOutcome.NoAssociation) _budget.CountRefused(address.ToString(), "closed or silent before an A-ASSOCIATE-RQ");
            await _onEnded(record).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            socket.Dispose();
        }
    }

    private async Task<SslStream?> AuthenticateAsync(Stream transport, CancellationToken ct)
    {
        var ssl = new SslStream(transport, leaveInnerStreamOpen: false, (_, cert, _, errors) => !_tls!.RequireClientCertificate || (cert is not null && errors == SslPolicyErrors.None));
        try
        {
            using var handshake = CancellationTokenSource.CreateLinkedTokenSource(ct);
            handshake.CancelAfter(TimeSpan.FromSeconds(30));
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificate = _tls!.Certificate,
                ClientCertificateRequired = _tls.RequireClientCertificate,
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            }, handshake.Token).ConfigureAwait(false);
            return ssl;
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            return null;
        }
    }

    public void Dispose() => _listener.Dispose();
}
