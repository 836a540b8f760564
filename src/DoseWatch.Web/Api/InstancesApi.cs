using DoseWatch.Data.Repositories;
using DoseWatch.Web.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace DoseWatch.Web.Api;

/// <summary>One received instance in the inbox, as the API shows it (the file's location stays internal).</summary>
public sealed record InstanceDto(long Id, string SopClassUid, string SopInstanceUid, string StudyInstanceUid, string CallingAeTitle,
    string Peer, long SizeBytes, DateTimeOffset ReceivedAt, string Status, string? StatusReason, int Attempts, DateTimeOffset UpdatedAt,
    string? Modality, string? Device, string? AccessionNumber, string? StudyDate)
{
    public static InstanceDto From(InstanceRecord r) => new(r.Id, r.SopClassUid, r.SopInstanceUid, r.StudyInstanceUid, r.CallingAeTitle,
        r.Peer, r.SizeBytes, r.ReceivedAt, r.Status.ToName(), r.StatusReason, r.Attempts, r.UpdatedAt, r.Modality, r.Device, r.AccessionNumber, r.StudyDate);
}

public sealed record InstancePage(IReadOnlyList<InstanceDto> Items, long Total, int Page, int PageSize);

public static class InstancesApi
{
    public const int MaxPageSize = 500;

    /// <summary>Statuses by name, plus <c>inbox</c> for everything not yet finished.</summary>
    private static readonly Dictionary<string, InstanceStatus[]> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["inbox"] = [InstanceStatus.Received, InstanceStatus.Extracting],
    };

    public static IEndpointRouteBuilder MapInstancesApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/v1/instances").WithTags("Instances").RequireAuthorization(Access.AccessPolicies.Clinical);
        api.MapGet("/", ListAsync).WithName("ListInstances")
            .WithSummary("Received instances, newest first")
            .WithDescription("status: comma-separated statuses (received, extracting, extracted, not_dose, failed, quarantined) or 'inbox' (received and extracting); empty for all.");
        api.MapGet("/{id:long}", GetAsync).WithName("GetInstance");
        api.MapPost("/{id:long}/retry", RetryAsync).WithName("RetryInstance")
            .WithSummary("Extract again (after a fix): a quarantined file returns to the inbox");
        return endpoints;
    }

    public static async Task<Results<Ok<InstancePage>, ValidationProblem>> ListAsync(InstanceRepository inbox,
        string? status = null, int page = 1, int pageSize = 50, CancellationToken cancellationToken = default)
    {
        var errors = new Dictionary<string, string[]>();
        if (!TryParseStatuses(status, out var statuses, out var unknown))
            errors["status"] = [$"Unknown status '{unknown}'. Use {string.Join(", ", InstanceStatusNames.All)} or inbox."];
        if (page < 1) errors["page"] = ["page starts at 1."];
        if (pageSize is < 1 or > MaxPageSize) errors["pageSize"] = [$"pageSize must be between 1 and {MaxPageSize}."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var items = await inbox.ListAsync(statuses, (page - 1) * pageSize, pageSize, cancellationToken);
        var total = await inbox.CountAsync(statuses, cancellationToken);
        return TypedResults.Ok(new InstancePage(items.Select(InstanceDto.From).ToList(), total, page, pageSize));
    }

    public static async Task<Results<Ok<InstanceDto>, NotFound>> GetAsync(long id, InstanceRepository inbox, CancellationToken cancellationToken) =>
        await inbox.GetAsync(id, cancellationToken) is { } row ? TypedResults.Ok(InstanceDto.From(row)) : TypedResults.NotFound();

    public static async Task<Results<Accepted<InstanceDto>, NotFound, Conflict<ProblemDetails>>> RetryAsync(long id, InstanceRetry retry,
        CancellationToken cancellationToken)
    {
        var (result, row) = await retry.RetryAsync(id, cancellationToken);
        return result switch
        {
            RetryResult.NotFound => TypedResults.NotFound(),
            RetryResult.InFlight => InFlight(row!),
            _ => TypedResults.Accepted($"/api/v1/instances/{id}", InstanceDto.From(row!)),
        };
    }

    private static Conflict<ProblemDetails> InFlight(InstanceRecord row) => TypedResults.Conflict(new ProblemDetails
    {
        Title = "The instance is already waiting for extraction",
        Detail = $"Instance {row.Id} is {row.Status.ToName()}; retry applies to extracted, not_dose, failed or quarantined instances.",
        Status = StatusCodes.Status409Conflict,
    });

    private static bool TryParseStatuses(string? text, out IReadOnlyCollection<InstanceStatus> statuses, out string? unknown)
    {
        var set = new HashSet<InstanceStatus>();
        unknown = null;
        foreach (var part in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (Aliases.TryGetValue(part, out var many)) set.UnionWith(many);
            else if (InstanceStatusNames.TryParse(part, out var one)) set.Add(one);
            else { unknown = part; break; }
        }
        statuses = set;
        return unknown is null;
    }
}
