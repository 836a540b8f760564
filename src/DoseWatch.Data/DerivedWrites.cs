namespace DoseWatch.Data;

/// <summary>
/// Marks the calling flow's writes as derived from received files that are already durable: what the extraction
/// workers save, analyse and record for a claimed batch. On SQLite those connections commit without waiting for the
/// disk (synchronous=NORMAL); everything else (the inbox intake, people's edits, the audit trail) keeps waiting for it
/// (FULL). Issue #18: with every one of a batch's commits waiting on an fsync of the write-ahead log, and the write lock
/// held meanwhile, extraction fell behind a steady 50 instances/s.
/// Why nothing is lost: a process crash loses nothing either way (the operating system has the writes). A power cut
/// can lose the last derived commits, but the write-ahead log is recovered as a prefix (its frames are checksummed in
/// sequence, and any later FULL commit syncs all before it), so the instance rows those commits would have marked
/// extracted are still unextracted and are extracted again; every step is idempotent.
/// </summary>
public static class DerivedWrites
{
    private static readonly AsyncLocal<bool> InScope = new();

    /// <summary>Whether connections opened now (in this async flow) are for derived data.</summary>
    public static bool Active => InScope.Value;

    /// <summary>From here until the scope is disposed, in this flow and the tasks it starts, writes are derived data.</summary>
    public static Scope Begin()
    {
        var previous = InScope.Value;
        InScope.Value = true;
        return new Scope(previous);
    }

    public readonly struct Scope(bool previous) : IDisposable
    {
        public void Dispose() => InScope.Value = previous;
    }
}
