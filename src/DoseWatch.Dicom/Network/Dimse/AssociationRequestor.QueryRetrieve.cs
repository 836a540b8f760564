using DoseWatch.Dicom.Network.Acse;
using DoseWatch.Dicom.Network.Pdu;
using DoseWatch.Dicom.Network.QueryRetrieve;

namespace DoseWatch.Dicom.Network.Dimse;

/// <summary>The outcome of one C-FIND: every identifier answered with a Pending status, and how the query ended.</summary>
/// <param name="Status">The final response's status: Success, Cancel, a Warning or a Failure (PS3.4 Table C.4-1).</param>
/// <param name="Cancelled">True when we sent C-CANCEL (enough matches, or the caller's token).</param>
public sealed record FindResult(IReadOnlyList<DicomDataSet> Matches, DimseStatus Status, string? ErrorComment, bool Cancelled);

/// <summary>The sub-operation counts of a C-MOVE or C-GET (PS3.4 C.4.2.1.6, C.4.3.1.6) as of its latest response.</summary>
public sealed record RetrieveResult(DimseStatus Status, int Remaining, int Completed, int Failed, int Warning, IReadOnlyList<string> FailedSopInstanceUids, string? ErrorComment)
{
    /// <summary>Instances received on this association during a C-GET (the SCP's own count may differ if it lied).</summary>
    public int StoredHere { get; init; }
}

/// <summary>
/// The Query/Retrieve SCU (PS3.4 Annex C, PS3.7 §9.1.2–9.1.5): C-FIND, C-MOVE and C-GET with their Pending responses,
/// and C-CANCEL. Every message is read whole off the association, so identifiers and the C-STORE sub-operations of a
/// C-GET may arrive interleaved in any PDU layout.
/// </summary>
public sealed partial class AssociationRequestor
{
    /// <summary>The largest identifier data set we buffer; a C-FIND answer is a few hundred bytes.</summary>
    public const int MaxIdentifierLength = 1024 * 1024;

    private readonly Queue<(DimseCommand Command, DicomDataSet? DataSet)> _received = new();
    private DimseCommand? _awaitingData;
    private byte _dataContextId;
    private MemoryStream? _identifier;
    private IIncomingInstance? _incomingStore;
    private int _storedHere;

    /// <summary>
    /// An A-ASSOCIATE-RQ for Query/Retrieve: the Study Root FIND/MOVE/GET contexts, Verification, and (for C-GET) each
    /// storage SOP class we accept as SCP on this association, with a role selection item per storage class saying so
    /// (PS3.7 D.3.3.4, PS3.4 C.4.3.1).
    /// </summary>
    public static AAssociateRq QueryRetrieveRequest(string callingAe, string calledAe, IReadOnlyCollection<string>? storageSopClasses, uint maxPduLength)
    {
        IReadOnlyList<string> native = [DicomTransferSyntax.ExplicitVRLittleEndian.Uid, DicomTransferSyntax.ImplicitVRLittleEndian.Uid];
        var storage = storageSopClasses ?? [];
        var proposals = new List<(string, IReadOnlyList<string>)>
        {
            (SopClassUids.Verification, [DicomTransferSyntax.ImplicitVRLittleEndian.Uid]),
            (QueryRetrieveSopClassUids.StudyRootFind, native),
            (QueryRetrieveSopClassUids.StudyRootMove, native),
            (QueryRetrieveSopClassUids.StudyRootGet, native),
        };
        proposals.AddRange(storage.Select(uid => (uid, native)));
        var rq = AssociationNegotiation.BuildRequest(callingAe, calledAe, proposals, maxPduLength);
        if (storage.Count == 0) return rq;
        var items = rq.UserInformation.SubItems.ToList();
        // Role selection sub-items go after the implementation class UID (PS3.7 D.3.3.4, Table D.3-1 ordering).
        items.InsertRange(2, storage.Select(uid => new RoleSelectionSubItem(uid, ScuRole: false, ScpRole: true)));
        return rq with { UserInformation = new UserInformation(items) };
    }

    /// <summary>True when the peer accepted that we act as SCP for <paramref name="sopClassUid"/> (the C-STORE sub-operations of a C-GET).</summary>
    public bool AcceptedScpRole(string sopClassUid) =>
        Accepted.UserInformation.RoleSelections.Any(r => r.SopClassUid == sopClassUid && r.ScpRole);

    /// <summary>
    /// C-FIND: sends <paramref name="identifier"/> (the keys to match and to return) and collects the Pending answers.
    /// After <paramref name="maxMatches"/> answers, or once <paramref name="ct"/> is cancelled, a C-CANCEL is sent and
    /// the SCP's final response is still awaited so the association stays usable. A Warning or Failure final status is
    /// returned, never thrown: what was matched before it is kept.
    /// </summary>
    public async Task<FindResult> FindAsync(DicomDataSet identifier, string sopClassUid = QueryRetrieveSopClassUids.StudyRootFind, int? maxMatches = null, CancellationToken ct = default)
    {
        var context = RequireContext(sopClassUid);
        var rq = QueryRetrieveCommands.CFindRq(NextMessageId(), sopClassUid);
        await SendRequestAsync(context, rq, identifier).ConfigureAwait(false);
        var matches = new List<DicomDataSet>();
        var cancelled = false;
        while (true)
        {
            var (response, dataSet) = await NextResponseAsync(rq, store: null).ConfigureAwait(false);
            if (response.Status.Category != StatusCategory.Pending)
                return new FindResult(matches, response.Status, response.ErrorComment, cancelled);
            if (dataSet is not null) matches.Add(dataSet);
            if (!cancelled && (matches.Count >= maxMatches || ct.IsCancellationRequested))
            {
                cancelled = true;
                await CancelAsync(context, rq).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// C-MOVE: asks the SCP to send the matching instances to <paramref name="destinationAe"/> on an association of its
    /// own (usually DoseWatch's Store SCP, which the PACS must know by that AE title). <paramref name="progress"/> sees
    /// each Pending response's counts. Cancelling <paramref name="ct"/> sends C-CANCEL and waits for the final response.
    /// </summary>
    public async Task<RetrieveResult> MoveAsync(DicomDataSet identifier, string destinationAe, IProgress<RetrieveResult>? progress = null, CancellationToken ct = default)
    {
        var context = RequireContext(QueryRetrieveSopClassUids.StudyRootMove);
        var rq = QueryRetrieveCommands.CMoveRq(NextMessageId(), QueryRetrieveSopClassUids.StudyRootMove, destinationAe);
        await SendRequestAsync(context, rq, identifier).ConfigureAwait(false);
        return await RetrieveResponsesAsync(context, rq, store: null, progress, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// C-GET: the SCP sends the matching instances back on this association as C-STORE sub-operations, which are
    /// handed to <paramref name="store"/> exactly as the Store SCP hands a pushed instance, and answered with its status.
    /// The association must have been requested with <see cref="QueryRetrieveRequest"/> naming their SOP classes.
    /// </summary>
    public async Task<RetrieveResult> GetAsync(DicomDataSet identifier, IStoreHandler store, IProgress<RetrieveResult>? progress = null, CancellationToken ct = default)
    {
        var context = RequireContext(QueryRetrieveSopClassUids.StudyRootGet);
        var rq = QueryRetrieveCommands.CGetRq(NextMessageId(), QueryRetrieveSopClassUids.StudyRootGet);
        await SendRequestAsync(context, rq, identifier).ConfigureAwait(false);
        return await RetrieveResponsesAsync(context, rq, store, progress, ct).ConfigureAwait(false);
    }

    private async Task<RetrieveResult> RetrieveResponsesAsync(PresentationContext context, DimseCommand rq, IStoreHandler? store, IProgress<RetrieveResult>? progress, CancellationToken ct)
    {
        _storedHere = 0;
        var cancelled = false;
        while (true)
        {
            var (response, dataSet) = await NextResponseAsync(rq, store).ConfigureAwait(false);
            var result = ReadCounts(response, dataSet) with { StoredHere = _storedHere };
            if (response.Status.Category != StatusCategory.Pending) return result;
            progress?.Report(result);
            if (!cancelled && ct.IsCancellationRequested)
            {
                cancelled = true;
                await CancelAsync(context, rq).ConfigureAwait(false);
            }
        }
    }

    private static RetrieveResult ReadCounts(DimseCommand response, DicomDataSet? dataSet)
    {
        int Count(DicomTag tag) => response.Elements.GetUInt16(tag) ?? 0;
        var failedUids = dataSet?.GetStrings(QueryRetrieveTags.FailedSopInstanceUidList) ?? [];
        return new RetrieveResult(response.Status, Count(CommandTags.NumberOfRemainingSuboperations), Count(CommandTags.NumberOfCompletedSuboperations),
            Count(CommandTags.NumberOfFailedSuboperations), Count(CommandTags.NumberOfWarningSuboperations), failedUids, response.ErrorComment);
    }

    private PresentationContext RequireContext(string sopClassUid) =>
        FindContext(sopClassUid, null) ?? throw new InvalidOperationException($"The peer did not accept {sopClassUid} on this association");

    private async Task SendRequestAsync(PresentationContext context, DimseCommand rq, DicomDataSet identifier)
    {
        if (!identifier.Contains(QueryRetrieveTags.QueryRetrieveLevel))
            throw new ArgumentException("The identifier needs a Query/Retrieve Level (0008,0052)", nameof(identifier));
        await DimseSender.SendCommandAsync(_ul, context.Id, rq, CancellationToken.None).ConfigureAwait(false);
        using var encoded = new MemoryStream(DicomWriter.Encode(identifier, context.TransferSyntax), writable: false);
        await DimseSender.SendDataSetAsync(_ul, context.Id, encoded, CancellationToken.None).ConfigureAwait(false);
    }

    private Task CancelAsync(PresentationContext context, DimseCommand rq) =>
        DimseSender.SendCommandAsync(_ul, context.Id, QueryRetrieveCommands.CCancelRq(rq.MessageId), CancellationToken.None).AsTask();

    /// <summary>The next response to <paramref name="rq"/>; a response to anything else is a protocol error (we have one request outstanding).</summary>
    private async Task<(DimseCommand Command, DicomDataSet? DataSet)> NextResponseAsync(DimseCommand rq, IStoreHandler? store)
    {
        var expected = (CommandField)((ushort)rq.CommandField | 0x8000);
        var message = await NextMessageAsync(store).ConfigureAwait(false);
        if (message.Command.CommandField != expected || message.Command.MessageIdBeingRespondedTo != rq.MessageId)
        {
            await AbortAsync().ConfigureAwait(false);
            throw new DimseProtocolException($"Expected {expected} to message {rq.MessageId}, received {message.Command}");
        }
        return message;
    }

    /// <summary>
    /// Reads PDUs until one whole DIMSE message (other than a C-STORE sub-operation) is in. A PDU's fragments are only
    /// valid until the next read, so each PDU is consumed entirely; messages it completes beyond the first wait in a queue.
    /// </summary>
    private async Task<(DimseCommand Command, DicomDataSet? DataSet)> NextMessageAsync(IStoreHandler? store)
    {
        try
        {
            while (_received.Count == 0)
            {
                var indication = await _ul.ReceiveAsync().ConfigureAwait(false);
                if (indication.Kind != UpperLayer.UlIndicationKind.Data)
                    throw new AssociationFailedException($"Association ended while waiting for a response: {indication}");
                foreach (var pdv in ((PDataTf)indication.Pdu!).Pdvs)
                {
                    var context = Contexts.FirstOrDefault(c => c.Id == pdv.PresentationContextId)
                        ?? throw new DimseProtocolException($"PDV on presentation context {pdv.PresentationContextId}, which was not accepted");
                    if (pdv.IsCommand) await OnCommandAsync(pdv, context, store).ConfigureAwait(false);
                    else await OnDataAsync(pdv, context).ConfigureAwait(false);
                }
            }
            return _received.Dequeue();
        }
        catch (DimseProtocolException)
        {
            await DiscardIncomingStoreAsync().ConfigureAwait(false);
            await AbortAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async ValueTask OnCommandAsync(Pdv pdv, PresentationContext context, IStoreHandler? store)
    {
        if (_awaitingData is not null) throw new DimseProtocolException("Command fragment received while a data set was expected");
        var command = _commands.Add(pdv.PresentationContextId, pdv.Fragment.Span, pdv.IsLastFragment);
        if (command is null) return;
        if (!command.HasDataSet)
        {
            if (command.CommandField == CommandField.CStoreRq) throw new DimseProtocolException("C-STORE-RQ without a data set");
            _received.Enqueue((command, null));
            return;
        }
        _awaitingData = command;
        _dataContextId = context.Id;
        if (command.CommandField != CommandField.CStoreRq)
        {
            _identifier = new MemoryStream();
            return;
        }
        // A C-STORE sub-operation of our C-GET (or one we did not ask for: refused once its data set is in).
        _incomingStore = store is null || command.AffectedSopClassUid != context.AbstractSyntax
            ? null
            : await store.BeginAsync(new IncomingStore(command, context, new AssociationParties(Request.CalledAeTitle, Request.CallingAeTitle, null, CallerVerdict.Known)), CancellationToken.None).ConfigureAwait(false);
    }

    private async ValueTask OnDataAsync(Pdv pdv, PresentationContext context)
    {
        if (_awaitingData is not { } command) throw new DimseProtocolException("Data set fragment without a command announcing it");
        if (context.Id != _dataContextId) throw new DimseProtocolException($"Data fragment on context {context.Id}, command was on {_dataContextId}");
        if (_identifier is not null)
        {
            if (_identifier.Length + pdv.Fragment.Length > MaxIdentifierLength)
                throw new DimseProtocolException($"Identifier larger than {MaxIdentifierLength} bytes");
            _identifier.Write(pdv.Fragment.Span);
        }
        else if (_incomingStore is not null)
        {
            await _incomingStore.WriteAsync(pdv.Fragment, CancellationToken.None).ConfigureAwait(false);
        }
        if (!pdv.IsLastFragment) return;
        _awaitingData = null;
        if (_identifier is { } identifier)
        {
            _identifier = null;
            identifier.Position = 0;
            DicomDataSet dataSet;
            try
            {
                dataSet = DicomReader.ReadDataSet(identifier, context.TransferSyntax);
            }
            catch (DicomFormatException e)
            {
                throw new DimseProtocolException($"Unreadable identifier in {command.CommandField}: {e.Message}");
            }
            _received.Enqueue((command, dataSet));
            return;
        }
        await CompleteIncomingStoreAsync(command, context).ConfigureAwait(false);
    }

    private async ValueTask CompleteIncomingStoreAsync(DimseCommand command, PresentationContext context)
    {
        var status = DimseStatus.SopClassNotSupported;
        if (Interlocked.Exchange(ref _incomingStore, null) is { } instance)
        {
            await using (instance.ConfigureAwait(false))
                status = await instance.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
        }
        if (status.Category is StatusCategory.Success or StatusCategory.Warning) _storedHere++;
        await DimseSender.SendCommandAsync(_ul, context.Id, DimseCommand.CStoreRsp(command, status), CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>An instance cut off by an abort is discarded, as on the Store SCP.</summary>
    private async ValueTask DiscardIncomingStoreAsync()
    {
        if (Interlocked.Exchange(ref _incomingStore, null) is { } instance) await instance.DisposeAsync().ConfigureAwait(false);
        _awaitingData = null;
        _identifier = null;
    }
}
