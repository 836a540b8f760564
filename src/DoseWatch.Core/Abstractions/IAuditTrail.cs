namespace DoseWatch.Core.Abstractions;

/// <summary>
/// Append-only record of who did what (issue #7): sign-ins, views of identified patient data, exports, setting and
/// rule changes, alert actions, device changes. The store chains each entry to the previous one by hash, so an
/// edited or deleted row is detectable; callers only ever append.
/// </summary>
public interface IAuditTrail
{
    Task AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default);
}

/// <param name="Actor">User name or <c>apikey:NAME</c>; <c>system</c> for the product itself.</param>
/// <param name="Action">Dotted verb, e.g. <c>auth.sign-in</c>, <c>patient.view</c>, <c>export.deidentified</c>,
/// <c>rule.update</c>, <c>alert.acknowledge</c>, <c>device.update</c>.</param>
/// <param name="Target">What was acted on (study UID, rule id, user name...), or null.</param>
/// <param name="Detail">Short free text or JSON: old and new values for changes, the reason for failures.</param>
public sealed record AuditEvent(string Actor, string Action, string? Target = null, string? Detail = null);
