using System.Security.Claims;
using System.Text.Json;
using DoseWatch.Core.Abstractions;
using DoseWatch.Core.Analysis;
using DoseWatch.Data.Repositories;
using DoseWatch.Web.Access;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace DoseWatch.Web.Alerts;

/// <summary>A subscription as the API takes it: who gets which alerts (null scope fields match every alert).</summary>
public sealed record AlertSubscriptionRequest(string? Channel, string? Target, long? RuleId = null, string? DeviceKey = null, string? Modality = null,
    string? Type = null, int DigestMinutes = 0);

/// <summary>Who is notified of alerts by e-mail or webhook; every change is in the audit trail.</summary>
public static class AlertSubscriptionsApi
{
    public const string Create = "subscription.create";
    public const string Delete = "subscription.delete";
    public const int MaxDigestMinutes = 24 * 60;

    public static IEndpointRouteBuilder MapAlertSubscriptionsApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/v1/alerts/subscriptions").WithTags("Alerts").RequireAuthorization(AccessPolicies.Clinical);
        api.MapGet("/", ListAsync).WithName("ListAlertSubscriptions");
        api.MapPost("/", CreateAsync).WithName("CreateAlertSubscription");
        api.MapDelete("/{id:long}", DeleteAsync).WithName("DeleteAlertSubscription");
        return endpoints;
    }

    public static async Task<Ok<IReadOnlyList<AlertSubscription>>> ListAsync(AlertRepository alerts, CancellationToken cancellationToken) =>
        TypedResults.Ok(await alerts.ListSubscriptionsAsync(cancellationToken));

    public static async Task<Results<Created<AlertSubscription>, ValidationProblem>> CreateAsync([FromBody] AlertSubscriptionRequest request,
        AlertRepository alerts, IAuditTrail audit, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var (created, errors) = await SubscribeAsync(request, SignedInUser.Actor(user), alerts, audit, cancellationToken);
        return created is null ? TypedResults.ValidationProblem(errors) : TypedResults.Created($"/api/v1/alerts/subscriptions/{created.Id}", created);
    }

    public static async Task<Results<NoContent, NotFound>> DeleteAsync(long id, AlertRepository alerts, IAuditTrail audit, ClaimsPrincipal user,
        CancellationToken cancellationToken) =>
        await UnsubscribeAsync(id, SignedInUser.Actor(user), alerts, audit, cancellationToken) ? TypedResults.NoContent() : TypedResults.NotFound();

    /// <summary>Validates and stores a subscription and audits it (the API and the /rules page both come here); errors by field otherwise.</summary>
    public static async Task<(AlertSubscription? Created, Dictionary<string, string[]> Errors)> SubscribeAsync(AlertSubscriptionRequest request, string actor,
        AlertRepository alerts, IAuditTrail audit, CancellationToken cancellationToken)
    {
        var errors = Validate(request);
        if (errors.Count > 0) return (null, errors);
        var created = await alerts.AddSubscriptionAsync(new AlertSubscription(0, request.Channel!, request.Target!.Trim(), request.RuleId,
            Blank(request.DeviceKey), Blank(request.Modality), Blank(request.Type)?.ToLowerInvariant(), request.DigestMinutes), cancellationToken);
        await audit.AppendAsync(new AuditEvent(actor, Create, Target(created.Id), JsonSerializer.Serialize(created, JsonSerializerOptions.Web)), cancellationToken);
        return (created, errors);
    }

    /// <summary>Ends an active subscription and audits it; false when there is none with that id.</summary>
    public static async Task<bool> UnsubscribeAsync(long id, string actor, AlertRepository alerts, IAuditTrail audit, CancellationToken cancellationToken)
    {
        var before = (await alerts.ListSubscriptionsAsync(cancellationToken)).FirstOrDefault(s => s.Id == id);
        if (before is null || !await alerts.EndSubscriptionAsync(id, cancellationToken)) return false;
        await audit.AppendAsync(new AuditEvent(actor, Delete, Target(id), JsonSerializer.Serialize(before, JsonSerializerOptions.Web)), cancellationToken);
        return true;
    }

    private static string Target(long id) => FormattableString.Invariant($"subscription:{id}");

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static Dictionary<string, string[]> Validate(AlertSubscriptionRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        var target = request.Target?.Trim() ?? "";
        switch (request.Channel)
        {
            case "email" when !System.Net.Mail.MailAddress.TryCreate(target, out _):
                errors["target"] = [$"'{target}' is not an e-mail address."];
                break;
            case "webhook" when !Uri.TryCreate(target, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"):
                errors["target"] = [$"'{target}' is not an absolute http or https URL."];
                break;
            case "email" or "webhook":
                break;
            default:
                errors["channel"] = ["channel is 'email' or 'webhook'."];
                break;
        }
        if (Blank(request.Type) is { } type && !RuleTypes.TryParse(type, out _))
            errors["type"] = [$"Unknown type '{type}'. Use {string.Join(", ", Enum.GetValues<RuleType>().Select(t => t.ToWire()))}."];
        if (request.DigestMinutes is < 0 or > MaxDigestMinutes) errors["digestMinutes"] = [$"digestMinutes must be between 0 and {MaxDigestMinutes}."];
        return errors;
    }
}
