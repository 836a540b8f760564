using System.Text.Json;
using DoseWatch.Core.Abstractions;
using DoseWatch.Data.Repositories;

namespace DoseWatch.Web.Alerts;

/// <summary>
/// What a user does to an alert, from the API or the inbox: the lifecycle step in the alert's own history, one entry in
/// the audit trail (<c>alert.acknowledge</c>, <c>alert.resolve</c>, <c>alert.assign</c> with the old and new status or
/// assignee in Detail), and a notice to the live inboxes.
/// </summary>
public sealed class AlertActions(AlertRepository alerts, IAuditTrail audit, AlertFeed feed)
{
    public const string Acknowledge = "alert.acknowledge";
    public const string Resolve = "alert.resolve";
    public const string Assign = "alert.assign";

    public AlertRepository Alerts => alerts;

    public Task<AlertTransition> AcknowledgeAsync(long id, string actor, string? comment, CancellationToken cancellationToken = default) =>
        StepAsync(id, actor, Acknowledge, a => new { status = a.Status }, () => alerts.AcknowledgeAsync(id, actor, comment, cancellationToken), comment, cancellationToken);

    public Task<AlertTransition> ResolveAsync(long id, string actor, string? comment, CancellationToken cancellationToken = default) =>
        StepAsync(id, actor, Resolve, a => new { status = a.Status }, () => alerts.ResolveAsync(id, actor, comment, cancellationToken), comment, cancellationToken);

    public Task<AlertTransition> AssignAsync(long id, string actor, string? assignee, CancellationToken cancellationToken = default)
    {
        var name = string.IsNullOrWhiteSpace(assignee) ? null : assignee.Trim();
        return StepAsync(id, actor, Assign, a => new { assignee = a.Assignee }, () => alerts.AssignAsync(id, actor, name, cancellationToken), null, cancellationToken);
    }

    /// <summary>
    /// Acknowledges those of <paramref name="ids"/> that are new in one transaction; each moved alert gets its own audit
    /// entry (as if acknowledged alone) and the live inboxes one notice for all of them.
    /// </summary>
    public async Task<IReadOnlyList<long>> AcknowledgeManyAsync(IReadOnlyCollection<long> ids, string actor, string? comment, CancellationToken cancellationToken = default)
    {
        var moved = await alerts.AcknowledgeManyAsync(ids, actor, string.IsNullOrWhiteSpace(comment) ? null : comment.Trim(), cancellationToken);
        foreach (var id in moved)
        {
            var detail = JsonSerializer.Serialize(new { old = new { status = AlertStatuses.New }, @new = new { status = AlertStatuses.Acknowledged }, comment, bulk = true });
            await audit.AppendAsync(new AuditEvent(actor, Acknowledge, $"alert:{id}", detail), cancellationToken);
        }
        if (moved.Count > 0) feed.Publish(moved);
        return moved;
    }

    private async Task<AlertTransition> StepAsync(long id, string actor, string action, Func<StoredAlert, object> state,
        Func<Task<AlertTransition>> step, string? comment, CancellationToken ct)
    {
        var before = await alerts.GetAsync(id, ct);
        var result = await step();
        if (result != AlertTransition.Done) return result;
        var after = (await alerts.GetAsync(id, ct))!;
        var detail = JsonSerializer.Serialize(new { old = state(before!), @new = state(after), comment });
        await audit.AppendAsync(new AuditEvent(actor, action, $"alert:{id}", detail), ct);
        feed.Publish([id]);
        return result;
    }
}
