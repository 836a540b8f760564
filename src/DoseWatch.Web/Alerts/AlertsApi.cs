using System.Security.Claims;
using DoseWatch.Web.Access;
using DoseWatch.Core.Analysis;
using DoseWatch.Data.Repositories;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace DoseWatch.Web.Alerts;

public static class AlertsApi
{
    public const int MaxPageSize = AlertFilter.MaxPageSize;

    public static IEndpointRouteBuilder MapAlertsApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/v1/alerts").WithTags("Alerts").RequireAuthorization(Access.AccessPolicies.Alerts);
        api.MapGet("/", ListAsync).WithName("ListAlerts")
            .WithSummary("Alerts, newest first")
            .WithDescription("status: new, acknowledged or resolved; type: protocol-deviation, dose-outlier, notification-value, drl-exceeded, cumulative-dose, dose-check or peak-skin-dose; "
                + "modality; device (device key); from: ISO 8601 date or time, alerts raised at or after it; to: a date (that whole day, UTC, included) or a time (raised before it); "
                + "page (from 1) and pageSize (1-500, default 50); the answer has total and pages.");
        api.MapGet("/counts", CountsAsync).WithName("CountAlertsByType")
            .WithSummary("Alerts per type under the same filters as the list (its type filter left out)");
        api.MapPost("/acknowledge", AcknowledgeManyAsync).WithName("AcknowledgeAlerts")
            .WithSummary("Acknowledge several alerts: { \"ids\": [..], \"comment\": \"..\" }; those not new are skipped");
        api.MapGet("/{id:long}", GetAsync).WithName("GetAlert").WithSummary("One alert with its lifecycle history and deliveries");
        api.MapPost("/{id:long}/acknowledge", AcknowledgeAsync).WithName("AcknowledgeAlert");
        api.MapPost("/{id:long}/resolve", ResolveAsync).WithName("ResolveAlert").WithSummary("Resolve with a comment (required)");
        api.MapPost("/{id:long}/assign", AssignAsync).WithName("AssignAlert")
            .WithSummary("Assign to a user (assignee null or empty: unassign)");
        return endpoints;
    }

    public static async Task<Results<Ok<AlertPageDto>, ValidationProblem>> ListAsync(AlertRepository alerts,
        string? status = null, string? type = null, string? from = null, string? study = null, int? page = null, int? pageSize = null,
        string? assignee = null, string? modality = null, string? device = null, string? to = null, CancellationToken cancellationToken = default)
    {
        var (query, errors) = Filter(status, type, from, study, page, pageSize, assignee, modality, device, to).ToQuery();
        if (query is null) return TypedResults.ValidationProblem(errors);
        var result = await alerts.ListAsync(query, cancellationToken);
        return TypedResults.Ok(new AlertPageDto(
            result.Items.Select(a => AlertDto.From(a) with { Study = result.Studies.TryGetValue(a.StudyInstanceUid, out var s) ? AlertStudyDto.From(s) : null }).ToList(),
            result.Total, result.Page, result.PageSize) { Pages = result.Pages });
    }

    /// <summary>The number of alerts of each type under the list's filters (its type filter left out); every type is present, 0 when none.</summary>
    public static async Task<Results<Ok<Dictionary<string, long>>, ValidationProblem>> CountsAsync(AlertRepository alerts,
        string? status = null, string? type = null, string? from = null, string? study = null, string? assignee = null, string? modality = null,
        string? device = null, string? to = null, CancellationToken cancellationToken = default)
    {
        var (query, errors) = Filter(status, type, from, study, null, null, assignee, modality, device, to).ToQuery();
        if (query is null) return TypedResults.ValidationProblem(errors);
        var counts = await alerts.CountByTypeAsync(query, cancellationToken);
        return TypedResults.Ok(Enum.GetValues<RuleType>().Select(t => t.ToWire()).ToDictionary(t => t, t => counts.GetValueOrDefault(t)));
    }

    /// <summary>Acknowledges those of the ids that are new; the others (unknown, already acknowledged or resolved) are listed as skipped.</summary>
    public static async Task<Results<Ok<AlertBulkResultDto>, ValidationProblem>> AcknowledgeManyAsync([FromBody] AlertBulkRequest? request,
        AlertActions actions, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (request?.Ids is not { Count: > 0 } ids)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["ids"] = ["List the ids of the alerts to acknowledge."] });
        if (ids.Count > MaxPageSize)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["ids"] = [$"At most {MaxPageSize} alerts at a time."] });
        var moved = await actions.AcknowledgeManyAsync(ids, SignedInUser.Actor(user), request.Comment, cancellationToken);
        return TypedResults.Ok(new AlertBulkResultDto(moved, ids.Distinct().Except(moved).Order().ToList()));
    }

    private static AlertFilter Filter(string? status, string? type, string? from, string? study, int? page, int? pageSize, string? assignee,
        string? modality, string? device, string? to) =>
        new() { Status = status, Type = type, From = from, Study = study, Page = page, PageSize = pageSize, Assignee = assignee, Modality = modality, Device = device, To = to };

    public static async Task<Results<Ok<AlertDetailDto>, NotFound>> GetAsync(long id, AlertRepository alerts, CancellationToken cancellationToken) =>
        await alerts.GetAsync(id, cancellationToken) is { } alert
            ? TypedResults.Ok(new AlertDetailDto(AlertDto.From(alert), await alerts.HistoryAsync(id, cancellationToken),
                (await alerts.DeliveriesOfAsync(id, cancellationToken)).Select(AlertDeliveryDto.From).ToList()))
            : TypedResults.NotFound();

    public static Task<Results<Ok<AlertDto>, NotFound, Conflict<ProblemDetails>, ValidationProblem>> AcknowledgeAsync(long id,
        [FromBody] AlertActionRequest? request, AlertActions actions, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        ChangeAsync(id, actions, (actor, ct) => actions.AcknowledgeAsync(id, actor, request?.Comment, ct), SignedInUser.Actor(user), requireComment: false,
            request?.Comment, cancellationToken);

    public static Task<Results<Ok<AlertDto>, NotFound, Conflict<ProblemDetails>, ValidationProblem>> ResolveAsync(long id,
        [FromBody] AlertActionRequest? request, AlertActions actions, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        ChangeAsync(id, actions, (actor, ct) => actions.ResolveAsync(id, actor, request?.Comment, ct), SignedInUser.Actor(user), requireComment: true,
            request?.Comment, cancellationToken);

    public static Task<Results<Ok<AlertDto>, NotFound, Conflict<ProblemDetails>, ValidationProblem>> AssignAsync(long id,
        [FromBody] AlertAssignRequest? request, AlertActions actions, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        ChangeAsync(id, actions, (actor, ct) => actions.AssignAsync(id, actor, request?.Assignee, ct), SignedInUser.Actor(user), requireComment: false,
            null, cancellationToken);


    private static async Task<Results<Ok<AlertDto>, NotFound, Conflict<ProblemDetails>, ValidationProblem>> ChangeAsync(long id, AlertActions actions,
        Func<string, CancellationToken, Task<AlertTransition>> change, string actor, bool requireComment, string? comment, CancellationToken ct)
    {
        if (requireComment && string.IsNullOrWhiteSpace(comment))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["comment"] = ["A comment is required to resolve an alert."] });
        switch (await change(actor, ct))
        {
            case AlertTransition.NotFound:
                return TypedResults.NotFound();
            case AlertTransition.NotAllowed:
                var current = await actions.Alerts.GetAsync(id, ct);
                return TypedResults.Conflict(new ProblemDetails
                {
                    Title = "The alert cannot make that step",
                    Detail = $"Alert {id} is {current?.Status}.",
                    Status = StatusCodes.Status409Conflict,
                });
            default:
                return TypedResults.Ok(AlertDto.From((await actions.Alerts.GetAsync(id, ct))!));
        }
    }
}
