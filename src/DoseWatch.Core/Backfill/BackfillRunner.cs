using System.Net.Sockets;
using DoseWatch.Dicom.Network.Acse;
using DoseWatch.Dicom.Network.Dimse;
using DoseWatch.Dicom.Network.QueryRetrieve;

namespace DoseWatch.Core.Backfill;

/// <summary>
/// Runs one back-fill by its id, safe to rerun (a Hangfire retry, a restart): C-FIND the studies of the date range,
/// then per study the series and images that can carry dose (<see cref="DoseCarrierSelection"/>), leave out what is
/// already stored, and C-MOVE the rest to DoseWatch's Store SCP, where they take the same path as a push. A C-FIND
/// the PACS answers with a warning or failure is written into the study's or the run's detail; it does not stop the run.
/// For a PACS that cannot move to a new AE the request says C-GET: the instances come back as C-STORE sub-operations on
/// the query association (PS3.4 C.4.3) and go to <paramref name="getStore"/>, the same inbox a push writes to.
/// </summary>
public sealed class BackfillRunner(IBackfillJournal journal, TimeProvider clock, IStoreHandler? getStore = null, TlsClientCredentials? tls = null)
{
    public async Task RunAsync(long backfillId, BackfillThrottle throttle, CancellationToken ct)
    {
        var request = await journal.GetRequestAsync(backfillId, ct) ?? throw new InvalidOperationException($"No back-fill {backfillId}");
        await journal.SetStatusAsync(backfillId, BackfillStatus.Running, null, ct);
        string? runDetail;
        try
        {
            await using (var qr = await ConnectAsync(request, ct))
            {
                runDetail = await FindStudiesAsync(qr, backfillId, request, ct);
                await qr.ReleaseAsync(ct);
            }
            foreach (var study in await journal.StudiesToDoAsync(backfillId, ct))
            {
                ct.ThrowIfCancellationRequested();
                BackfillStudyResult result;
                try
                {
                    // One association per study: a PACS that drops an idle or long association costs one study, not the run.
                    await using var qr = await ConnectAsync(request, ct);
                    result = await RetrieveStudyAsync(qr, request, study, throttle, ct);
                    await qr.ReleaseAsync(ct);
                }
                catch (Exception e) when (e is AssociationFailedException or DimseProtocolException or IOException or SocketException)
                {
                    result = new BackfillStudyResult(BackfillStudyOutcome.Failed, 0, 0, 0, e.Message);
                }
                await journal.SetStudyResultAsync(backfillId, study.StudyInstanceUid, result, ct);
                if (throttle.PauseBetweenStudies > TimeSpan.Zero) await Task.Delay(throttle.PauseBetweenStudies, clock, ct);
            }
        }
        catch (Exception e) when (e is AssociationFailedException or DimseProtocolException or IOException or SocketException)
        {
            await journal.SetStatusAsync(backfillId, BackfillStatus.Failed, $"{request.CalledAeTitle} at {request.Host}:{request.Port}: {e.Message}", ct);
            return;
        }
        await journal.SetStatusAsync(backfillId, BackfillStatus.Completed, runDetail, ct);
    }

    private Task<AssociationRequestor> ConnectAsync(BackfillRequest request, CancellationToken ct)
    {
        // C-GET: the storage classes DoseWatch keeps are proposed with our SCP role (PS3.7 D.3.3.4), so the PACS may
        // send the sub-operations back on this association.
        var rq = AssociationRequestor.QueryRetrieveRequest(request.CallingAeTitle, request.CalledAeTitle,
            request.Method == RetrieveMethod.Get ? SopClassUids.DefaultStorage : null, 128 * 1024);
        return request.Tls
            ? AssociationRequestor.ConnectTlsAsync(request.Host, request.Port, rq, tls, ct: ct)
            : AssociationRequestor.ConnectAsync(request.Host, request.Port, rq, ct: ct);
    }

    /// <summary>Records the studies of the date range (filtered by modality when the PACS says which are in a study); returns a C-FIND warning or failure in words.</summary>
    private async Task<string?> FindStudiesAsync(AssociationRequestor qr, long backfillId, BackfillRequest request, CancellationToken ct)
    {
        var found = await qr.FindAsync(StudyRootQuery.Studies(request.From, request.To), ct: ct);
        var studies = found.Matches.Select(StudyRootQuery.ReadStudy)
            .Where(s => request.Modalities.Count == 0 || s.ModalitiesInStudy.Count == 0 || s.ModalitiesInStudy.Intersect(request.Modalities, StringComparer.OrdinalIgnoreCase).Any())
            .Select(s => new BackfillStudy(s.StudyInstanceUid, s.StudyDate, s.AccessionNumber, string.Join('\\', s.ModalitiesInStudy)))
            .ToList();
        await journal.AddStudiesAsync(backfillId, studies, ct);
        return Unusual("study query", found);
    }

    private async Task<BackfillStudyResult> RetrieveStudyAsync(AssociationRequestor qr, BackfillRequest request, BackfillStudy study, BackfillThrottle throttle, CancellationToken ct)
    {
        var notes = new List<string>();
        var seriesFind = await qr.FindAsync(StudyRootQuery.Series(study.StudyInstanceUid), ct: ct);
        AddNote(notes, Unusual("series query", seriesFind));
        var series = seriesFind.Matches.Select(StudyRootQuery.ReadSeries)
            .Where(s => request.Modalities.Count == 0 || s.Modality is "SR" or "OT" or "SC" || request.Modalities.Contains(s.Modality ?? "", StringComparer.OrdinalIgnoreCase))
            .Where(DoseCarrierSelection.MayCarryDose)
            .ToList();
        var instances = new Dictionary<string, IReadOnlyList<InstanceMatch>>();
        foreach (var s in series)
        {
            var imageFind = await qr.FindAsync(StudyRootQuery.Instances(study.StudyInstanceUid, s.SeriesInstanceUid), ct: ct);
            AddNote(notes, Unusual($"image query of series {s.SeriesNumber?.ToString() ?? s.SeriesInstanceUid}", imageFind));
            instances[s.SeriesInstanceUid] = imageFind.Matches.Select(StudyRootQuery.ReadInstance).ToList();
        }
        var picks = DoseCarrierSelection.Select(series, instances);
        var wanted = picks.SelectMany(p => p.SopInstanceUids).ToList();
        if (wanted.Count == 0) return new BackfillStudyResult(BackfillStudyOutcome.NothingToRetrieve, 0, 0, 0, Detail(["no dose report or dose-bearing image", .. notes]));
        var known = await journal.KnownInstancesAsync(wanted, ct);
        if (known.Count == wanted.Count) return new BackfillStudyResult(BackfillStudyOutcome.AlreadyStored, 0, 0, 0, Detail([$"all {wanted.Count} already stored", .. notes]));

        int requested = 0, retrieved = 0, failed = 0;
        foreach (var pick in picks)
        {
            var missing = pick.SopInstanceUids.Where(u => !known.Contains(u)).ToList();
            if (missing.Count == 0) continue;
            requested += missing.Count;
            var identifier = StudyRootQuery.Retrieve(study.StudyInstanceUid, pick.Series.SeriesInstanceUid, missing);
            var result = request.Method == RetrieveMethod.Get
                ? await qr.GetAsync(identifier, getStore ?? throw new InvalidOperationException("A C-GET back-fill needs a store for the instances it receives"), ct: ct)
                : await qr.MoveAsync(identifier, request.MoveDestination, ct: ct);
            retrieved += result.Completed + result.Warning;
            failed += result.Failed;
            if (result.Status.Category is StatusCategory.Failure or StatusCategory.Warning or StatusCategory.Cancel)
                notes.Add($"{(request.Method == RetrieveMethod.Get ? "C-GET" : "move")} of {pick.Reason} ended {Describe(result.Status)}{(result.ErrorComment is { } c ? $": {c}" : "")}");
            if (throttle.InstancesPerSecond > 0) await Task.Delay(TimeSpan.FromSeconds(missing.Count / throttle.InstancesPerSecond), clock, ct);
        }
        var outcome = failed == 0 && retrieved == requested ? BackfillStudyOutcome.Retrieved : BackfillStudyOutcome.Failed;
        if (known.Count > 0) notes.Insert(0, $"{known.Count} already stored");
        return new BackfillStudyResult(outcome, requested, retrieved, failed, Detail(notes));
    }

    private static string? Unusual(string what, FindResult result) => result.Status.Category switch
    {
        StatusCategory.Success or StatusCategory.Cancel => null,
        _ => $"{what} ended {Describe(result.Status)}{(result.ErrorComment is { } c ? $": {c}" : "")} after {result.Matches.Count} matches",
    };

    /// <summary>A status in words (PS3.4 C.4.1.1.4, C.4.2.1.5) for the outcome list.</summary>
    public static string Describe(DimseStatus status) => status.Code switch
    {
        0xA700 or 0xA701 or 0xA702 => "with a refusal: the PACS is out of resources",
        0xA801 => "with a refusal: the PACS does not know the move destination AE title",
        0xA900 => "with a failure: the PACS says the query does not match the information model",
        0xB000 => "with a warning: some sub-operations failed",
        0x0122 => "with a failure: the PACS does not support this query",
        _ when status.Category == StatusCategory.Warning => $"with a warning (status 0x{status.Code:X4})",
        _ when status.Category == StatusCategory.Cancel => "cancelled",
        _ => $"with a failure (status 0x{status.Code:X4})",
    };

    private static void AddNote(List<string> notes, string? note)
    {
        if (note is not null) notes.Add(note);
    }

    private static string? Detail(IEnumerable<string> notes) => string.Join("; ", notes) is { Length: > 0 } s ? s : null;
}
