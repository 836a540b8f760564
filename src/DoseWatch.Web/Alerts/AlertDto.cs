using System.Text.Json;
using DoseWatch.Core.Analysis;
using DoseWatch.Data.Repositories;

namespace DoseWatch.Web.Alerts;

public sealed record AlertRuleDto(long Id, string Name);

/// <summary>An alert as the API and the webhook show it: study, event, rule, value against threshold, unit, evidence.</summary>
public sealed record AlertDto(
    long Id, string Type, string Status, string StudyInstanceUid, string? EventUid, AlertRuleDto Rule, string Quantity,
    double? Value, double? Threshold, string Unit, string Message, string? StandardProtocol, string DeviceKey, string? Modality,
    string? Assignee, string? Comment, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? AcknowledgedAt, DateTimeOffset? ResolvedAt,
    AlertEvidence? Evidence)
{
    public DateTimeOffset? AssignedAt { get; init; }
    public string? AssignedBy { get; init; }

    /// <summary>The study as a person recognises it (in lists; null where the study is not stored or not looked up).</summary>
    public AlertStudyDto? Study { get; init; }

    public static AlertDto From(StoredAlert a) => new(a.Id, a.Type, a.Status, a.StudyInstanceUid, a.EventUid, new AlertRuleDto(a.RuleId, a.RuleName),
        a.Quantity, a.Value, a.Threshold, a.Unit, a.Message, a.StandardProtocol, a.DeviceKey, a.Modality, a.Assignee, a.Comment,
        a.CreatedAt, a.UpdatedAt, a.AcknowledgedAt, a.ResolvedAt, JsonSerializer.Deserialize<AlertEvidence>(a.EvidenceJson))
    { AssignedAt = a.AssignedAt, AssignedBy = a.AssignedBy };
}

public sealed record AlertPageDto(IReadOnlyList<AlertDto> Items, long Total, int Page, int PageSize)
{
    public int Pages { get; init; }
}

/// <summary>Study date, accession number and device (station · model · manufacturer) of an alert's study.</summary>
public sealed record AlertStudyDto(DateOnly? StudyDate, string? AccessionNumber, string Device, string DeviceKey)
{
    public static AlertStudyDto From(AlertStudy s) => new(s.StudyDate, s.AccessionNumber, s.DeviceLabel, s.DeviceKey);
}

/// <summary>Body of the bulk acknowledge: the alerts and an optional comment.</summary>
public sealed record AlertBulkRequest(IReadOnlyList<long>? Ids, string? Comment);

/// <summary>What a bulk acknowledge did: the alerts it acknowledged and those it left (not new, or unknown).</summary>
public sealed record AlertBulkResultDto(IReadOnlyList<long> Acknowledged, IReadOnlyList<long> Skipped);

public sealed record AlertDeliveryDto(long Id, string Channel, string Target, string Status, int Attempts, string? LastError, DateTimeOffset NextAttemptAt, DateTimeOffset? SentAt)
{
    public static AlertDeliveryDto From(AlertDelivery d) => new(d.Id, d.Channel, d.Target, d.Status, d.Attempts, d.LastError, d.NextAttemptAt, d.SentAt);
}

/// <summary>One alert with everything kept about it: lifecycle history and deliveries.</summary>
public sealed record AlertDetailDto(AlertDto Alert, IReadOnlyList<AlertLifecycleEvent> History, IReadOnlyList<AlertDeliveryDto> Deliveries);

/// <summary>Body of acknowledge and resolve: why. Who is the signed-in user or API key.</summary>
public sealed record AlertActionRequest(string? Comment);

/// <summary>Body of assign: the user name to assign to (null or empty unassigns).</summary>
public sealed record AlertAssignRequest(string? Assignee);
