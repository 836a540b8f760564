using System.Security.Claims;
using System.Text.Json;
using DoseWatch.Core.Abstractions;
using DoseWatch.Data.Repositories;
using DoseWatch.Web.Access;
using Hangfire;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace DoseWatch.Web.Fhir;

/// <summary>One study's push to one FHIR server as the API and pages show it.</summary>
/// <param name="Status">pending (waiting for its first push or a retry), sent, or failed (no attempt left).</param>
/// <param name="ResourceLocation">Where the server keeps the Observation (its transaction answer's location).</param>
public sealed record FhirDeliveryDto(long Id, string StudyInstanceUid, string Target, string Status, int Attempts, string? LastError,
    DateTimeOffset? NextAttemptAt, int? AcceptedStatus, string? ResourceLocation, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? SentAt)
{
    public static FhirDeliveryDto From(FhirDelivery d) => new(d.Id, d.StudyInstanceUid, d.Target, d.Status, d.Attempts, d.LastError,
        d.Status == DeliveryStatuses.Pending ? d.NextAttemptAt : null, d.AcceptedStatus, d.ResourceLocation, d.CreatedAt, d.UpdatedAt, d.SentAt);
}

public sealed record FhirDeliveryPage(IReadOnlyList<FhirDeliveryDto> Items, long Total, int Page, int PageSize);

/// <summary>
/// The FHIR push's delivery records: a study's (its readers see whether and where its summary went), the list an
/// administrator filters by status, and the retry of a failed one (audited as <see cref="RetryAction"/>).
/// </summary>
public static class FhirDeliveriesApi
{
    public const string RetryAction = "fhir.push.retry";

    public static IEndpointRouteBuilder MapFhirDeliveriesApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/studies/{studyInstanceUid}/fhir-deliveries", OfStudyAsync).WithTags("FHIR push")
            .RequireAuthorization(AccessPolicies.Dashboards).WithName("ListStudyFhirDeliveries")
            .WithSummary("Where this study's Radiation Dose Summary was pushed, with each push's status");
        var api = endpoints.MapGroup("/api/v1/fhir-deliveries").WithTags("FHIR push").RequireAuthorization(AccessPolicies.Administration);
        api.MapGet("/", ListAsync).WithName("ListFhirDeliveries").WithSummary("Pushes to the FHIR server, newest change first; status=pending|sent|failed filters");
        api.MapPost("/{id:long}/retry", RetryAsync).WithName("RetryFhirDelivery").WithSummary("Push a study's summary again now (after a failure, or to resend)");
        return endpoints;
    }

    public static async Task<Ok<IReadOnlyList<FhirDeliveryDto>>> OfStudyAsync(string studyInstanceUid, FhirDeliveryRepository deliveries, CancellationToken cancellationToken) =>
        TypedResults.Ok<IReadOnlyList<FhirDeliveryDto>>((await deliveries.OfStudyAsync(studyInstanceUid, cancellationToken)).Select(FhirDeliveryDto.From).ToList());

    public static async Task<Results<Ok<FhirDeliveryPage>, ValidationProblem>> ListAsync(FhirDeliveryRepository deliveries, string? status = null,
        int page = 1, int pageSize = 50, CancellationToken cancellationToken = default)
    {
        if (status is not (null or DeliveryStatuses.Pending or DeliveryStatuses.Sent or DeliveryStatuses.Failed))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["status"] = ["status is pending, sent or failed."] });
        if (page < 1 || pageSize is < 1 or > 500)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["page"] = ["page from 1, pageSize 1 to 500."] });
        var (items, total) = await deliveries.ListAsync(status, (page - 1) * pageSize, pageSize, cancellationToken);
        return TypedResults.Ok(new FhirDeliveryPage(items.Select(FhirDeliveryDto.From).ToList(), total, page, pageSize));
    }

    public static async Task<Results<Accepted<FhirDeliveryDto>, NotFound, Conflict<string>>> RetryAsync(long id, FhirDeliveryRepository deliveries,
        IBackgroundJobClient jobs, IOptions<FhirPushOptions> options, IAuditTrail audit, TimeProvider clock, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (await deliveries.GetAsync(id, cancellationToken) is not { } delivery) return TypedResults.NotFound();
        if (options.Value.Target != delivery.Target)
            return TypedResults.Conflict($"{delivery.Target} is not the configured FHIR server (DoseWatch:FhirPush): nothing would send it.");
        await deliveries.RequestAsync(delivery.StudyInstanceUid, delivery.Target, clock.GetUtcNow(), cancellationToken);
        jobs.Enqueue<PushFhirJob>(job => job.Run(id, CancellationToken.None));
        await audit.AppendAsync(new AuditEvent(SignedInUser.Actor(user), RetryAction, $"POST /api/v1/fhir-deliveries/{id}/retry",
            JsonSerializer.Serialize(new { study = delivery.StudyInstanceUid, target = delivery.Target })), cancellationToken);
        return TypedResults.Accepted($"/api/v1/studies/{delivery.StudyInstanceUid}/fhir-deliveries",
            FhirDeliveryDto.From((await deliveries.GetAsync(id, cancellationToken))!));
    }
}

/// <summary>A delivery in words for the pages: no status keys or exception type names reach a person.</summary>
public static class FhirDeliveryWording
{
    public static string Status(FhirDelivery d) => d.Status switch
    {
        DeliveryStatuses.Sent => "Sent",
        DeliveryStatuses.Failed => $"Failed after {d.Attempts} attempt{(d.Attempts == 1 ? "" : "s")}",
        _ when d.Attempts == 0 => "Waiting to be sent",
        _ => $"Attempt {d.Attempts} failed; retrying {d.NextAttemptAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)} UTC",
    };

    /// <summary>The recorded error without the exception type it is stored with ("HttpRequestException: …").</summary>
    public static string? Error(FhirDelivery d) =>
        d.LastError is { } e && e.IndexOf(": ", StringComparison.Ordinal) is var i and > 0 && !e[..i].Contains(' ') ? e[(i + 2)..] : d.LastError;

    public static string When(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) ?? "";
}
