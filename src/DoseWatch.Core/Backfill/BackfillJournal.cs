namespace DoseWatch.Core.Backfill;

/// <summary>
/// A back-fill as requested: which PACS (host, port, called AE, over TLS or not), as whom, which study dates and
/// modalities, and how to retrieve: C-MOVE to <paramref name="MoveDestination"/> (DoseWatch's own Store SCP, which the
/// PACS must know by that title) or C-GET on the query association.
/// </summary>
public sealed record BackfillRequest(string Host, int Port, string CalledAeTitle, string CallingAeTitle, string MoveDestination,
    DateOnly From, DateOnly To, IReadOnlyList<string> Modalities, RetrieveMethod Method = RetrieveMethod.Move, bool Tls = false);

/// <summary>How a back-fill retrieves: C-MOVE to DoseWatch's Store SCP, or C-GET on the query association (PS3.4 C.4.3) for a PACS that cannot move to a new AE.</summary>
public enum RetrieveMethod { Move, Get }

public enum BackfillStatus { Running, Completed, Failed }

/// <summary>How one study of a back-fill ended; Pending until it was handled, Failed studies are tried again on a rerun.</summary>
public enum BackfillStudyOutcome { Pending, Retrieved, NothingToRetrieve, AlreadyStored, Failed }

/// <summary>A study found by the back-fill's C-FIND.</summary>
public sealed record BackfillStudy(string StudyInstanceUid, DateOnly? StudyDate, string? AccessionNumber, string ModalitiesInStudy);

/// <summary>What was done for one study: instances asked for, received, refused, and the reason in words.</summary>
public sealed record BackfillStudyResult(BackfillStudyOutcome Outcome, int Requested, int Retrieved, int Failed, string? Detail);

/// <summary>
/// The back-fill's state, kept in the database so a run can stop anywhere (restart, crash) and a rerun of the same id
/// carries on: studies are recorded once when found, each gets its outcome when done, and instances already in the
/// inbox are never asked for again.
/// </summary>
public interface IBackfillJournal
{
    Task<BackfillRequest?> GetRequestAsync(long backfillId, CancellationToken ct);

    Task SetStatusAsync(long backfillId, BackfillStatus status, string? detail, CancellationToken ct);

    /// <summary>Records studies as Pending; a study already recorded for this back-fill is left as it is.</summary>
    Task AddStudiesAsync(long backfillId, IReadOnlyList<BackfillStudy> studies, CancellationToken ct);

    /// <summary>Studies still Pending or Failed, oldest study date first.</summary>
    Task<IReadOnlyList<BackfillStudy>> StudiesToDoAsync(long backfillId, CancellationToken ct);

    Task SetStudyResultAsync(long backfillId, string studyInstanceUid, BackfillStudyResult result, CancellationToken ct);

    /// <summary>The SOP Instance UIDs among <paramref name="sopInstanceUids"/> that DoseWatch already holds.</summary>
    Task<IReadOnlySet<string>> KnownInstancesAsync(IReadOnlyCollection<string> sopInstanceUids, CancellationToken ct);
}

/// <summary>How hard a back-fill may load the PACS: instances per second (0 = unlimited) and a pause between studies.</summary>
public sealed record BackfillThrottle(double InstancesPerSecond = 0, TimeSpan PauseBetweenStudies = default);
