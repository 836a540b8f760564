namespace DoseWatch.Data.Repositories;

/// <summary>Alert lifecycle: new → acknowledged → resolved (or new → resolved); nothing is deleted.</summary>
public static class AlertStatuses
{
    public const string New = "new";
    public const string Acknowledged = "acknowledged";
    public const string Resolved = "resolved";
    public static readonly IReadOnlyList<string> All = [New, Acknowledged, Resolved];
}

/// <summary>A stored alert. <see cref="EventUid"/> is null for study-level findings; <see cref="EvidenceJson"/> is the serialised AlertEvidence.</summary>
public sealed record StoredAlert(
    long Id, string StudyInstanceUid, string? EventUid, long RuleId, string RuleName, string Type, string Quantity,
    double? Value, double? Threshold, string Unit, string Message, string EvidenceJson, string? StandardProtocol, string DeviceKey, string? Modality,
    string Status, string? Assignee, string? Comment, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? AcknowledgedAt, DateTimeOffset? ResolvedAt)
{
    public DateTimeOffset? AssignedAt { get; init; }
    public string? AssignedBy { get; init; }
}

/// <summary>
/// Filters of the inbox and GET /api/v1/alerts, all optional: <see cref="From"/> is inclusive and <see cref="Before"/>
/// exclusive on the creation time; <see cref="Modality"/> and <see cref="DeviceKey"/> are the study's as the alert stored them.
/// </summary>
public sealed record AlertQuery(string? Status = null, string? Type = null, DateTimeOffset? From = null, string? StudyInstanceUid = null, int Page = 1, int PageSize = 50,
    string? Assignee = null)
{
    public string? Modality { get; init; }
    public string? DeviceKey { get; init; }
    public DateTimeOffset? Before { get; init; }
}

/// <summary>
/// One page of alerts, the number matching the filters, and the studies the page's alerts are about (by UID; a study
/// deleted since is absent).
/// </summary>
public sealed record AlertPage(IReadOnlyList<StoredAlert> Items, long Total, int Page, int PageSize)
{
    public IReadOnlyDictionary<string, AlertStudy> Studies { get; init; } = new Dictionary<string, AlertStudy>();

    public int Pages => PageSize <= 0 ? 0 : (int)((Total + PageSize - 1) / PageSize);
}

/// <summary>What a person recognises a study by in the inbox: date, accession number and the device.</summary>
public sealed record AlertStudy(string StudyInstanceUid, DateOnly? StudyDate, string? AccessionNumber, string? Manufacturer, string? Model, string? StationName, string DeviceKey,
    string? DeviceDisplayName = null)
{
    /// <summary>The device's display name, else station · model · manufacturer, as the study browser's device list names a device.</summary>
    public string DeviceLabel => new DeviceChoice(DeviceKey, null, Manufacturer, Model, StationName, DeviceDisplayName).Label;
}

/// <summary>One step of an alert's history: raised, acknowledged, resolved, assigned.</summary>
public sealed record AlertLifecycleEvent(long Id, long AlertId, DateTimeOffset At, string Actor, string Action, string Status, string? Comment);

/// <summary>What a lifecycle request did.</summary>
public enum AlertTransition { Done, NotFound, NotAllowed }

/// <summary>
/// Who is told about which alerts: channel "email" (target an address) or "webhook" (target a URL); a null filter
/// matches everything. <see cref="DigestMinutes"/> &gt; 0 holds e-mails that long so a burst becomes one message.
/// </summary>
public sealed record AlertSubscription(long Id, string Channel, string Target, long? RuleId = null, string? DeviceKey = null, string? Modality = null,
    string? Type = null, int DigestMinutes = 0, bool Enabled = true);

public static class DeliveryStatuses
{
    public const string Pending = "pending";
    public const string Sent = "sent";
    public const string Failed = "failed";
}

public sealed record AlertDelivery(long Id, long AlertId, long SubscriptionId, string Channel, string Target, string Status, int Attempts,
    string? LastError, DateTimeOffset NextAttemptAt, DateTimeOffset CreatedAt, DateTimeOffset? SentAt)
{
    /// <summary>Sent as the webhook's Idempotency-Key header: the same on every attempt of this delivery.</summary>
    public string IdempotencyKey { get; init; } = "";

    /// <summary>HTTP status of the answer that accepted a webhook delivery.</summary>
    public int? AcceptedStatus { get; init; }
}

/// <summary>An open (new or acknowledged) alert as a dashboard marks its study or event: link, colour by type, reason on hover.</summary>
public sealed record AlertMarker(long AlertId, string StudyInstanceUid, string? EventUid, string Type, string RuleName, string Message, string Status);
