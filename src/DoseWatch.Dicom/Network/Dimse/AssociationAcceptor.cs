using System.Net;
using DoseWatch.Dicom.Network.Acse;
using DoseWatch.Dicom.Network.Pdu;
using DoseWatch.Dicom.Network.UpperLayer;

namespace DoseWatch.Dicom.Network.Dimse;

/// <summary>
/// Serves one incoming association as a Verification and Storage SCP: negotiates it (ACSE), then answers C-ECHO and
/// C-STORE requests (PS3.4 Annexes A and B), streaming each data set to the <see cref="IStoreHandler"/>. The returned
/// record says how it ended; no exception escapes for anything the peer does.
/// </summary>
public sealed class AssociationAcceptor
{
    private readonly Func<AcceptorPolicy> _policy;
    private readonly IStoreHandler _store;
    private readonly UpperLayerOptions _ulOptions;

    public AssociationAcceptor(AcceptorPolicy policy, IStoreHandler store, UpperLayerOptions ulOptions)
        : this(() => policy, policy.MaxPduLength, store, ulOptions)
    {
    }

    /// <summary>
    /// An acceptor whose policy is read once per association request (an allow-list edited while running applies to the
    /// next association, not to those already open). The Maximum Length we receive is fixed here, as it sizes the reader.
    /// </summary>
    public AssociationAcceptor(Func<AcceptorPolicy> policy, uint maxPduLength, IStoreHandler store, UpperLayerOptions ulOptions)
    {
        _policy = policy;
        _store = store;
        _ulOptions = ulOptions with { MaxReceivePduLength = maxPduLength };
    }

    /// <param name="admission">Asked once the caller is known; a refusal is answered with a transient reject (temporary congestion). Null admits every caller.</param>
    public async Task<AssociationRecord> RunAsync(Stream transport, IPEndPoint? peer, bool tls, IAssociationAdmission? admission, CancellationToken ct)
    {
        var record = new AssociationRecord { StartedAt = DateTimeOffset.UtcNow, PeerAddress = peer?.Address.ToString() ?? "", PeerPort = peer?.Port ?? 0, Tls = tls };
        await using var ul = new UpperLayerConnection(transport, isAssociationRequestor: false, _ulOptions, ct);
        var session = new Session(this, ul, record, peer);
        try
        {
            ul.TransportConnectionIndication();
            await session.RunAsync(admission, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            record.Outcome = record.Outcome == AssociationOutcome.NoAssociation ? AssociationOutcome.NoAssociation : AssociationOutcome.TransportClosed;
            record.Detail ??= e.Message;
        }
        catch (Exception e)
        {
            // A fault on our side (e.g. the inbox not writable): abort this association, keep serving the others.
            record.Outcome = AssociationOutcome.Aborted;
            record.Detail = $"{e.GetType().Name}: {e.Message}";
            try { await ul.AbortAsync().ConfigureAwait(false); } catch (Exception) { /* the transport is closed on dispose */ }
        }
        finally
        {
            await session.DiscardPendingAsync().ConfigureAwait(false);
            record.BytesReceived = ul.BytesReceived;
            record.EndedAt = DateTimeOffset.UtcNow;
        }
        return record;
    }

    /// <summary>State of one association: the negotiated contexts and the message being received.</summary>
    private sealed class Session(AssociationAcceptor owner, UpperLayerConnection ul, AssociationRecord record, IPEndPoint? peer)
    {
        private readonly CommandAssembler _commands = new();
        private Dictionary<byte, PresentationContext> _contexts = [];
        private AssociationParties? _parties;
        private DimseCommand? _awaitingData;
        private byte _dataContextId;
        private IIncomingInstance? _instance;

        public async Task RunAsync(IAssociationAdmission? admission, CancellationToken ct)
        {
            var first = await ul.ReceiveAsync().ConfigureAwait(false);
            if (first.Kind != UlIndicationKind.AssociateRequested)
            {
                await EndAsync(first).ConfigureAwait(false);
                return;
            }
            if (!await NegotiateAsync((AAssociateRq)first.Pdu!, admission, ct).ConfigureAwait(false)) return;
            while (true)
            {
                var indication = await ul.ReceiveAsync().ConfigureAwait(false);
                if (indication.Kind == UlIndicationKind.Data)
                {
                    if (!await OnDataAsync((PDataTf)indication.Pdu!, ct).ConfigureAwait(false)) return;
                    continue;
                }
                if (indication.Kind == UlIndicationKind.ReleaseRequested)
                {
                    await ReleaseAsync(ct).ConfigureAwait(false);
                    return;
                }
                await EndAsync(indication).ConfigureAwait(false);
                return;
            }
        }

        private async Task<bool> NegotiateAsync(AAssociateRq rq, IAssociationAdmission? admission, CancellationToken ct)
        {
            record.CallingAeTitle = rq.CallingAeTitle;
            record.CalledAeTitle = rq.CalledAeTitle;
            var result = AssociationNegotiation.Negotiate(rq, owner._policy(), peer?.Address);
            if (result is AssociationAccepted admissible && admission is not null && !admission.TryAdmit(admissible.Caller))
                result = new AssociationRejected(AAssociateRj.TemporaryCongestion(), "maximum number of associations reached");
            if (result is AssociationRejected rejected)
            {
                record.Outcome = AssociationOutcome.Rejected;
                record.Detail = rejected.Reason;
                await ul.SendAsync(rejected.Response, ct).ConfigureAwait(false);
                await ul.WaitForCloseAsync().ConfigureAwait(false);
                return false;
            }
            var accepted = (AssociationAccepted)result;
            record.Caller = accepted.Caller;
            record.AcceptedContexts = accepted.Contexts;
            _contexts = accepted.Contexts.ToDictionary(c => c.Id);
            _parties = new AssociationParties(rq.CallingAeTitle, rq.CalledAeTitle, peer, accepted.Caller);
            await ul.SendAsync(accepted.Response, ct).ConfigureAwait(false);
            return true;
        }

        /// <summary>Handles every PDV of one P-DATA-TF; false when the association had to be aborted.</summary>
        private async Task<bool> OnDataAsync(PDataTf pdata, CancellationToken ct)
        {
            try
            {
                foreach (var pdv in pdata.Pdvs)
                {
                    if (!_contexts.ContainsKey(pdv.PresentationContextId))
                        throw new DimseProtocolException($"PDV on presentation context {pdv.PresentationContextId}, which was not accepted");
                    if (pdv.IsCommand) await OnCommandFragmentAsync(pdv, ct).ConfigureAwait(false);
                    else await OnDataFragmentAsync(pdv, ct).ConfigureAwait(false);
                }
                return true;
            }
            catch (DimseProtocolException e)
            {
                record.Outcome = AssociationOutcome.Aborted;
                record.Detail = e.Message;
                await DiscardPendingAsync().ConfigureAwait(false);
                await ul.SendAsync(AAbort.ByServiceProvider(AbortReason.UnexpectedPduParameter), ct).ConfigureAwait(false);
                await ul.WaitForCloseAsync().ConfigureAwait(false);
                return false;
            }
        }

        private async ValueTask OnCommandFragmentAsync(Pdv pdv, CancellationToken ct)
        {
            if (_awaitingData is not null) throw new DimseProtocolException("Command fragment received while a data set was expected");
            var command = _commands.Add(pdv.PresentationContextId, pdv.Fragment.Span, pdv.IsLastFragment);
            if (command is null) return;
            if (command.HasDataSet)
            {
                await BeginDataSetAsync(command, pdv.PresentationContextId, ct).ConfigureAwait(false);
                return;
            }
            var response = command.CommandField != CommandField.CEchoRq
                ? DimseCommand.FailureRsp(command, DimseStatus.UnrecognizedOperation)
                : DimseCommand.CEchoRsp(command, command.HasValidUids ? DimseStatus.Success : DimseStatus.SopClassNotSupported);
            if (command.CommandField == CommandField.CEchoRq) record.Echoes++;
            await DimseSender.SendCommandAsync(ul, pdv.PresentationContextId, response, ct).ConfigureAwait(false);
        }

        private async ValueTask BeginDataSetAsync(DimseCommand command, byte contextId, CancellationToken ct)
        {
            _awaitingData = command;
            _dataContextId = contextId;
            if (command.CommandField != CommandField.CStoreRq) return;  // answered with a failure once its data set is in
            var context = _contexts[contextId];
            // A UID with a byte outside the UI repertoire: nothing can be stored under it (PS3.7 C.4.2, "cannot understand").
            if (!command.HasValidUids)
            {
                _instance = new RefusedInstance(DimseStatus.ErrorCannotUnderstand);
                return;
            }
            // The data set is drained and answered "SOP class not supported" when the command's class is not the context's.
            if (command.AffectedSopClassUid != context.AbstractSyntax)
            {
                _instance = new RefusedInstance(DimseStatus.SopClassNotSupported);
                return;
            }
            _instance = await owner._store.BeginAsync(new IncomingStore(command, context, _parties!), ct).ConfigureAwait(false);
        }

        private async ValueTask OnDataFragmentAsync(Pdv pdv, CancellationToken ct)
        {
            if (_awaitingData is null) throw new DimseProtocolException("Data set fragment without a command announcing it");
            if (pdv.PresentationContextId != _dataContextId)
                throw new DimseProtocolException($"Data fragment on context {pdv.PresentationContextId}, command was on {_dataContextId}");
            if (_instance is not null) await _instance.WriteAsync(pdv.Fragment, ct).ConfigureAwait(false);
            if (pdv.IsLastFragment) await CompleteMessageAsync(ct).ConfigureAwait(false);
        }

        private async ValueTask CompleteMessageAsync(CancellationToken ct)
        {
            var command = _awaitingData!;
            _awaitingData = null;
            DimseCommand response;
            if (_instance is null)
            {
                response = DimseCommand.FailureRsp(command, DimseStatus.UnrecognizedOperation);
            }
            else
            {
                var instance = _instance;
                _instance = null;
                await using (instance.ConfigureAwait(false))
                {
                    var status = await instance.CompleteAsync(ct).ConfigureAwait(false);
                    Count(status);
                    response = DimseCommand.CStoreRsp(command, status);
                }
            }
            await DimseSender.SendCommandAsync(ul, _dataContextId, response, ct).ConfigureAwait(false);
        }

        private void Count(DimseStatus status)
        {
            if (status.IsSuccess) record.InstancesStored++;
            else record.FailedInstances++;
            // Named in the log as what it is, e.g. a full disk, rather than left to a count of failures.
            if (status.Code is >= 0xA700 and <= 0xA7FF) record.Detail ??= $"storage out of resources (disk full or failing): instances answered {status}";
        }

        private async Task ReleaseAsync(CancellationToken ct)
        {
            await DiscardPendingAsync().ConfigureAwait(false);
            record.Outcome = AssociationOutcome.Released;
            await ul.SendAsync(new AReleaseRp(), ct).ConfigureAwait(false);
            await ul.WaitForCloseAsync().ConfigureAwait(false);
        }

        private async Task EndAsync(UlIndication indication)
        {
            var associated = _parties is not null;
            record.Outcome = indication.Kind switch
            {
                UlIndicationKind.AbortedByPeer => AssociationOutcome.AbortedByPeer,
                UlIndicationKind.AbortedLocally => AssociationOutcome.Aborted,
                _ when !associated => AssociationOutcome.NoAssociation,
                _ => AssociationOutcome.TransportClosed,
            };
            record.Detail = indication.Detail ?? indication.Kind.ToString();
            if (ul.State == UlState.Sta13) await ul.WaitForCloseAsync().ConfigureAwait(false);
        }

        /// <summary>A data set cut off by release, abort or disconnect is discarded: nothing partial is kept.</summary>
        public async Task DiscardPendingAsync()
        {
            var instance = Interlocked.Exchange(ref _instance, null);
            if (instance is not null) await instance.DisposeAsync().ConfigureAwait(false);
            _awaitingData = null;
        }
    }
}
