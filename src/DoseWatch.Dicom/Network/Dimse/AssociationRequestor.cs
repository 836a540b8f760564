using System.Net.Sockets;
using DoseWatch.Dicom.Network.Acse;
using DoseWatch.Dicom.Network.Pdu;
using DoseWatch.Dicom.Network.UpperLayer;

namespace DoseWatch.Dicom.Network.Dimse;

/// <summary>The peer refused the association (A-ASSOCIATE-RJ) or ended it unexpectedly.</summary>
public sealed class AssociationFailedException(string message, AAssociateRj? reject = null) : Exception(message)
{
    public AAssociateRj? Reject { get; } = reject;
}

/// <summary>
/// An association we requested (SCU side): C-ECHO and C-STORE here; C-FIND, C-MOVE, C-GET and C-CANCEL in
/// AssociationRequestor.QueryRetrieve.cs.
/// </summary>
public sealed partial class AssociationRequestor : IAsyncDisposable
{
    private readonly UpperLayerConnection _ul;
    private readonly CommandAssembler _commands = new();
    private ushort _messageId;

    private AssociationRequestor(UpperLayerConnection ul, AAssociateRq request, AAssociateAc accepted, IReadOnlyList<PresentationContext> contexts)
    {
        _ul = ul;
        Request = request;
        Accepted = accepted;
        Contexts = contexts;
    }

    /// <summary>What we asked for (AE titles, proposed contexts, role selections).</summary>
    public AAssociateRq Request { get; }

    /// <summary>The peer's A-ASSOCIATE-AC (its answers to our role selections among them).</summary>
    public AAssociateAc Accepted { get; }

    public IReadOnlyList<PresentationContext> Contexts { get; }

    public long BytesSent => _ul.BytesSent;

    /// <summary>Opens a TCP connection (Nagle off) and negotiates the association.</summary>
    public static async Task<AssociationRequestor> ConnectAsync(string host, int port, AAssociateRq request, UpperLayerOptions? options = null, CancellationToken ct = default)
    {
        var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(host, port, ct).ConfigureAwait(false);
        }
        catch
        {
            client.Dispose();
            throw;
        }
        return await AssociateAsync(client.GetStream(), request, options, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Opens a TCP connection, then TLS 1.2/1.3 (PS3.15 B.1, the Basic TLS Secure Transport profile) with the server's
    /// certificate checked as <paramref name="credentials"/> say (the machine's trust store by default), presenting
    /// their client certificate when the server asks, then negotiates.
    /// </summary>
    public static async Task<AssociationRequestor> ConnectTlsAsync(string host, int port, AAssociateRq request,
        TlsClientCredentials? credentials = null, UpperLayerOptions? options = null, CancellationToken ct = default)
    {
        credentials ??= TlsClientCredentials.MachineTrust;
        var client = new TcpClient { NoDelay = true };
        System.Net.Security.SslStream? ssl = null;
        try
        {
            await client.ConnectAsync(host, port, ct).ConfigureAwait(false);
            ssl = new System.Net.Security.SslStream(client.GetStream(), leaveInnerStreamOpen: false, credentials.ValidatePeer);
            await ssl.AuthenticateAsClientAsync(new System.Net.Security.SslClientAuthenticationOptions
            {
                TargetHost = host,
                ClientCertificates = credentials.ClientCertificate is { } mine ? [mine] : null,
                EnabledSslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13,
            }, ct).ConfigureAwait(false);
        }
        catch
        {
            if (ssl is not null) await ssl.DisposeAsync().ConfigureAwait(false);
            client.Dispose();
            throw;
        }
        return await AssociateAsync(ssl, request, options, ct).ConfigureAwait(false);
    }

    /// <summary>Negotiates over an already open transport (e.g. a TLS stream).</summary>
    public static async Task<AssociationRequestor> AssociateAsync(Stream transport, AAssociateRq request, UpperLayerOptions? options = null, CancellationToken ct = default)
    {
        var ul = new UpperLayerConnection(transport, isAssociationRequestor: true, options ?? new UpperLayerOptions(), ct);
        try
        {
            await ul.SendAsync(request, ct).ConfigureAwait(false);
            var answer = await ul.ReceiveAsync().ConfigureAwait(false);
            switch (answer.Kind)
            {
                case UlIndicationKind.AssociateAccepted:
                    var ac = (AAssociateAc)answer.Pdu!;
                    return new AssociationRequestor(ul, request, ac, AssociationNegotiation.AcceptedContexts(request, ac));
                case UlIndicationKind.AssociateRejected:
                    var rj = (AAssociateRj)answer.Pdu!;
                    throw new AssociationFailedException(AssociateRejectExplanation.Describe(rj, request), rj);
                default:
                    throw new AssociationFailedException($"Association failed: {answer}");
            }
        }
        catch
        {
            await ul.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task<DimseStatus> EchoAsync(CancellationToken ct = default)
    {
        var context = FindContext(SopClassUids.Verification, null)
            ?? throw new InvalidOperationException("Verification was not accepted on this association");
        var rq = DimseCommand.CEchoRq(NextMessageId());
        await DimseSender.SendCommandAsync(_ul, context.Id, rq, ct).ConfigureAwait(false);
        return (await ReceiveResponseAsync(rq, ct).ConfigureAwait(false)).Status;
    }

    /// <summary>Sends a Part 10 file's data set as stored (no transcoding): its SOP class must have been accepted in its own transfer syntax.</summary>
    public async Task<DimseStatus> StoreFileAsync(string path, CancellationToken ct = default)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.SequentialScan);
        var meta = await FileMetaHeader.ReadAsync(file, ct).ConfigureAwait(false);
        file.Position = meta.DataSetOffset;
        return await StoreAsync(meta.SopClassUid, meta.SopInstanceUid, meta.TransferSyntaxUid, file, ct).ConfigureAwait(false);
    }

    /// <summary>C-STORE of a bare data set read from <paramref name="dataSet"/> to its end, encoded in <paramref name="transferSyntaxUid"/>.</summary>
    public async Task<DimseStatus> StoreAsync(string sopClassUid, string sopInstanceUid, string transferSyntaxUid, Stream dataSet, CancellationToken ct = default)
    {
        var context = FindContext(sopClassUid, transferSyntaxUid)
            ?? throw new InvalidOperationException($"No accepted presentation context for {sopClassUid} in {transferSyntaxUid}");
        var rq = DimseCommand.CStoreRq(NextMessageId(), sopClassUid, sopInstanceUid);
        await DimseSender.SendCommandAsync(_ul, context.Id, rq, ct).ConfigureAwait(false);
        await DimseSender.SendDataSetAsync(_ul, context.Id, dataSet, ct).ConfigureAwait(false);
        return (await ReceiveResponseAsync(rq, ct).ConfigureAwait(false)).Status;
    }

    public PresentationContext? FindContext(string abstractSyntax, string? transferSyntaxUid) =>
        Contexts.FirstOrDefault(c => c.AbstractSyntax == abstractSyntax && (transferSyntaxUid is null || c.TransferSyntax.Uid == transferSyntaxUid));

    /// <summary>Reads PDUs until the response to <paramref name="request"/> is complete; data sets attached to responses are skipped.</summary>
    private async Task<DimseCommand> ReceiveResponseAsync(DimseCommand request, CancellationToken ct)
    {
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var indication = await _ul.ReceiveAsync().ConfigureAwait(false);
            if (indication.Kind != UlIndicationKind.Data)
                throw new AssociationFailedException($"Association ended while waiting for the response to {request.CommandField}: {indication}");
            foreach (var pdv in ((PDataTf)indication.Pdu!).Pdvs)
            {
                if (!pdv.IsCommand) continue;
                var command = _commands.Add(pdv.PresentationContextId, pdv.Fragment.Span, pdv.IsLastFragment);
                if (command is not null && command.MessageIdBeingRespondedTo == request.MessageId && command.Status.Category != StatusCategory.Pending)
                    return command;
            }
        }
    }

    private ushort NextMessageId() => ++_messageId == 0 ? ++_messageId : _messageId;

    /// <summary>A-RELEASE: waits for the peer's A-RELEASE-RP, then closes.</summary>
    public async Task ReleaseAsync(CancellationToken ct = default)
    {
        await _ul.SendAsync(new AReleaseRq(), ct).ConfigureAwait(false);
        while (true)
        {
            var indication = await _ul.ReceiveAsync().ConfigureAwait(false);
            if (indication.IsTerminal) return;
        }
    }

    public Task AbortAsync() => _ul.AbortAsync().AsTask();

    public ValueTask DisposeAsync() => _ul.DisposeAsync();
}
