namespace DoseWatch.Core.Abstractions;

/// <summary>
/// Turns one received instance into dose records. Called by the extraction job; must be idempotent (the same
/// instance twice gives one record), because a job can run again after a crash or a retry.
/// Expected problems with the file are answered with an outcome; exceptions mean "try again later"
/// (<see cref="IOException"/>, database errors) or a bug (anything else: the file is quarantined with the message).
/// </summary>
public interface IDoseExtraction
{
    Task<ExtractionOutcome> ExtractAsync(InstanceToExtract instance, CancellationToken cancellationToken);
}

/// <summary>An inbox entry handed to the extractor. <paramref name="Path"/> is a readable Part 10 file.</summary>
public sealed record InstanceToExtract(
    long InstanceId,
    string Path,
    string SopClassUid,
    string SopInstanceUid,
    string StudyInstanceUid,
    string CallingAeTitle,
    DateTimeOffset ReceivedAt);

public enum ExtractionStatus
{
    /// <summary>Dose data stored (or already stored: idempotent).</summary>
    Extracted,

    /// <summary>Recognised and set aside: not a dose object (e.g. a text SR).</summary>
    NotDoseObject,

    /// <summary>Cannot be extracted as it is (unreadable, unsupported, inconsistent): the file goes to quarantine.</summary>
    Rejected,
}

/// <summary>What became of an instance. <see cref="Reason"/> is shown to users (UI, API, quarantine note).</summary>
public sealed record ExtractionOutcome(ExtractionStatus Status, string? Reason = null)
{
    public static ExtractionOutcome Extracted(string? summary = null) => new(ExtractionStatus.Extracted, summary);

    public static ExtractionOutcome NotDoseObject(string reason) => new(ExtractionStatus.NotDoseObject, reason);

    public static ExtractionOutcome Rejected(string reason) => new(ExtractionStatus.Rejected, reason);
}
