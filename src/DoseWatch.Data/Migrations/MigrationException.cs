namespace DoseWatch.Data.Migrations;

public enum MigrationFailure
{
    /// <summary>The database carries a version this build does not know: an older build must not touch it.</summary>
    DatabaseNewerThanCode,

    /// <summary>An applied script's text changed after it ran: forward-only means a new script instead.</summary>
    ChecksumMismatch,

    /// <summary>A script numbered below the newest applied one appeared later (usually a merge numbering clash).</summary>
    OutOfOrder,

    /// <summary>The script set itself is wrong (duplicate number, bad file name, missing dialect variant).</summary>
    InvalidScriptSet,

    /// <summary>A script failed while running; its transaction was rolled back.</summary>
    ScriptFailed,
}

public sealed class MigrationException(MigrationFailure failure, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public MigrationFailure Failure { get; } = failure;
}
