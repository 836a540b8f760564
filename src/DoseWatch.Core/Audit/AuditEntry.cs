namespace DoseWatch.Core.Audit;

/// <summary>One stored row of the audit log: the event, its position in the chain and the hashes that link it.</summary>
public sealed record AuditEntry(
    long Id,
    DateTimeOffset At,
    string Actor,
    string Action,
    string? Target,
    string? Detail,
    string PrevHash,
    string Hash);
