using System.Security.Claims;
using DoseWatch.Web.Access;
using DoseWatch.Core.Analysis;
using DoseWatch.Data.Repositories;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace DoseWatch.Web.Alerts;

public static class AlertsApi
{
    public const int MaxPageSize = 500;

    public static IEndpointRouteBuilder MapAlertsApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/v1/alerts").WithTags("Alerts").RequireAuthorization(Access.AccessPolicies.Alerts);
        api.MapGet("/", ListAsync).WithName("ListAlerts")
            .WithSummary("Alerts, newest first")
            .WithDescription("status: new, acknowledged or resolved; type: protocol-deviation, dose-outlier, notification-value, drl-exceeded, cumulative-dose or dose-check; from: ISO 8601 time, alerts raised at or after it.");
        api.MapGet("/{id:long}", GetAsync).WithName("GetAlert").WithSummary("One alert with its lifecycle history and deliveries");
        api.MapPost("/{id:long}/acknowledge", AcknowledgeAsync).WithName("AcknowledgeAlert");
        api.MapPost("/{id:long}/resolve", ResolveAsync).WithName("ResolveAlert").WithSummary("Resolve with a comment (required)");
        api.MapPost("/{id:long}/assign", AssignAsync).WithName("AssignAlert")
            .WithSummary("Assign to a user (assignee null or empty: unassign)");
        return endpoints;
    }

    public static async Task<Results<Ok<AlertPageDto>, ValidationProblem>> ListAsync(AlertRepository alerts,
        string? status = null, string? type = null, string? from = null, string? study = null, int page = 1, int pageSize = 50,
        string? assignee = null, CancellationToken cancellationToken = default)
    {
        var errors = new Dictionary<string, string[]>();
        if (status is not null && !AlertStatuses.All.Contains(status)) errors["status"] = [$"Unknown status '{status}'. Use {string.Join(", ", AlertStatuses.All)}."];
        if (type is not null && !RuleTypes.TryParse(type, out _))
            errors["type"] = [$"Unknown type '{type}'. Use {string.Join(", ", Enum.GetValues<RuleType>().Select(t => t.ToWire()))}."];
        DateTimeOffset? fromTime = null;
        if (from is not null)
        {
            if (DateTimeOffset.TryParse(from, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed)) fromTime = parsed;
            else errors["from"] = [$"'{from}' is not an ISO 8601 date or time."];
        }
        if (page < 1) errors["page"] = ["page starts at 1."];
        if (pageSize is < 1 or > MaxPageSize) errors["pageSize"] = [$"pageSize must be between 1 and {MaxPageSize}."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var result = await alerts.ListAsync(new AlertQuery(status, type?.ToLowerInvariant(), fromTime, study, page, pageSize, assignee), cancellationToken);
        return TypedResults.Ok(new AlertPageDto(result.Items.Select(AlertDto.From).ToList(), result.Total, result.Page, result.PageSize));
    }

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
