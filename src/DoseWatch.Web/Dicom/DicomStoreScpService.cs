using System.Net;
using System.Security.Cryptography.X509Certificates;
using DoseWatch.Dicom.Network.Dimse;
using DoseWatch.Dicom.Network.UpperLayer;
using Microsoft.Extensions.Options;

namespace DoseWatch.Web.Dicom;

/// <summary>
/// The product's Store SCP: a plain DICOM listener on <c>Dicom:Port</c> and, when enabled, a TLS listener on
/// <c>Dicom:Tls:Port</c>, both storing into the inbox. Every finished association goes to the log and the journal.
/// The listeners are bound in <see cref="StartAsync"/>, so the ports are known once the host has started.
/// </summary>
public sealed class DicomStoreScpService(
    IOptions<DicomScpOptions> options,
    InboxSpool inbox,
    IEnumerable<IAssociationJournal> journals,
    CallingAeAllowList allowList,
    ILogger<DicomStoreScpService> logger) : BackgroundService
{
    private readonly List<DicomListener> _listeners = [];

    /// <summary>The bound plain endpoint (its port is the real one when 0 was configured).</summary>
    public IPEndPoint? PlainEndpoint { get; private set; }

    public IPEndPoint? TlsEndpoint { get; private set; }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        await allowList.ReloadAsync(cancellationToken);
        // The allow-list is read per association request (edited in the browser, applied without a restart).
        var policy = o.ToPolicy();
        var acceptor = new AssociationAcceptor(() => policy with { CallingAeAccess = allowList.Current }, policy.MaxPduLength, inbox.Store, new UpperLayerOptions
        {
            ArtimTimeout = TimeSpan.FromSeconds(o.ArtimTimeoutSeconds),
            AssociateRequestTimeout = TimeSpan.FromSeconds(o.AssociationRequestTimeoutSeconds),
            IdleTimeout = TimeSpan.FromSeconds(o.IdleTimeoutSeconds),
        });
        var address = IPAddress.Parse(o.BindAddress);
        try
        {
            PlainEndpoint = Listen(new IPEndPoint(address, o.Port), acceptor, null);
            if (o.Tls.Enabled)
                TlsEndpoint = Listen(new IPEndPoint(address, o.Tls.Port), acceptor, new DicomTlsSettings(o.Tls.LoadCertificate(), o.Tls.RequireClientCertificate));
        }
        catch (System.Net.Sockets.SocketException e)
        {
            // The web application stays up (dashboards, API) when the DICOM port is taken; the failure is logged loudly.
            logger.LogCritical(e, "DICOM Store SCP could not listen on {Address}:{Port}; no instances will be received", o.BindAddress, o.Port);
            await base.StartAsync(cancellationToken);
            return;
        }
        logger.LogInformation("DICOM Store SCP {AeTitle} listening on {Endpoint}{Tls}; inbox {Inbox}",
            o.AeTitle, PlainEndpoint, TlsEndpoint is null ? "" : $" and TLS {TlsEndpoint}", inbox.Directory);
        await base.StartAsync(cancellationToken);
    }

    private IPEndPoint Listen(IPEndPoint endpoint, AssociationAcceptor acceptor, DicomTlsSettings? tls)
    {
        var listener = new DicomListener(endpoint, acceptor, options.Value.ToLimits(), tls, RecordAsync);
        listener.Start();
        _listeners.Add(listener);
        return listener.LocalEndpoint;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll([.. _listeners.Select(l => l.RunAsync(stoppingToken)), ReportRefusedConnectionsAsync(stoppingToken), ReloadAllowListAsync(stoppingToken)]);

    /// <summary>Edits made on another application node (same database) reach this one's allow-list within the interval.</summary>
    private async Task ReloadAllowListAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(CallingAeAllowList.ReloadInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await allowList.ReloadAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>How often connections closed by the limits or ended without an association are logged, one line per peer address.</summary>
    public static readonly TimeSpan RefusedConnectionsReportInterval = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Scanners, fuzzers and idle sockets are logged in aggregate (a flood must not add one association row per
    /// connection): each interval, one warning per peer address and reason with the count.
    /// </summary>
    private async Task ReportRefusedConnectionsAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RefusedConnectionsReportInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) ReportRefusedConnections();
        }
        catch (OperationCanceledException)
        {
        }
        ReportRefusedConnections();
    }

    /// <summary>Logs and clears the counts now (also called at shutdown).</summary>
    public void ReportRefusedConnections()
    {
        foreach (var listener in _listeners)
            foreach (var r in listener.TakeRefusedConnections())
                logger.LogWarning("DICOM: {Count} connection(s) from {Peer} on {Endpoint} without an association: {Reason}",
                    r.Count, r.PeerAddress, listener.LocalEndpoint, r.Reason);
    }

    private async Task RecordAsync(AssociationRecord r)
    {
        // No A-ASSOCIATE-RQ ever came (scanner, fuzzer, idle socket): counted by the listener and logged in aggregate,
        // not one journal row each.
        if (r.Outcome == AssociationOutcome.NoAssociation) return;
        var level = r.Outcome is AssociationOutcome.Released or AssociationOutcome.Rejected ? LogLevel.Information : LogLevel.Warning;
        logger.Log(level,
            "DICOM association {CallingAe}->{CalledAe} from {Peer}:{PeerPort}{Unknown}: {Outcome}; {Instances} stored, {Failed} failed, {Echoes} echoes, {Bytes} bytes in {DurationMs:F0} ms; contexts [{Contexts}] {Detail}",
            r.CallingAeTitle, r.CalledAeTitle, r.PeerAddress, r.PeerPort, r.Caller == DoseWatch.Dicom.Network.Acse.CallerVerdict.UnknownAccepted ? " (unknown device)" : "",
            r.Outcome, r.InstancesStored, r.FailedInstances, r.Echoes, r.BytesReceived, r.Duration.TotalMilliseconds,
            string.Join(", ", r.AcceptedContexts.Select(c => c.ToString())), r.Detail);
        foreach (var journal in journals)
        {
            try
            {
                await journal.RecordAsync(r, CancellationToken.None);
            }
            catch (Exception e)
            {
                logger.LogError(e, "Association {AssociationId} could not be journaled", r.Id);
            }
        }
    }


    public override void Dispose()
    {
        foreach (var l in _listeners) l.Dispose();
        base.Dispose();
    }
}
