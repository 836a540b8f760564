using System.Globalization;
using DoseWatch.Core.Backfill;
using DoseWatch.Data.Repositories;
using DoseWatch.Web.Dicom;
using DoseWatch.Web.Jobs;
using Hangfire;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace DoseWatch.Web.Api;

/// <summary>
/// A back-fill to start: the PACS to query and the study dates (inclusive), optionally some modalities, how to retrieve
/// (<c>move</c>, the default, or <c>get</c> for a PACS that cannot move to a new AE) and whether to call it over TLS.
/// </summary>
public sealed record BackfillStart(string? Host, int? Port, string? CalledAeTitle, DateOnly? From, DateOnly? To, IReadOnlyList<string>? Modalities,
    string? RetrieveMethod = null, bool? Tls = null);

public sealed record BackfillStarted(long Id);

public sealed record BackfillStudyDto(string StudyInstanceUid, DateOnly? StudyDate, string? AccessionNumber, string Modalities, string Outcome,
    int Requested, int Retrieved, int Failed, string? Detail);

public sealed record BackfillDto(long Id, string Status, string? Detail, string Host, int Port, string CalledAeTitle, DateOnly From, DateOnly To,
    IReadOnlyList<string> Modalities, int Studies, int StudiesDone, int InstancesRetrieved, int InstancesFailed,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, IReadOnlyList<BackfillStudyDto> StudyOutcomes);

public static class BackfillsApi
{
    public static IEndpointRouteBuilder MapBackfillsApi(this IEndpointRouteBuilder endpoints)
    {
        // Starting one loads a PACS: administrators (and their API keys) only, for reading as well.
        var api = endpoints.MapGroup("/api/v1/backfills").WithTags("Back-fills").RequireAuthorization(Access.AccessPolicies.Administration);
        api.MapPost("/", StartAsync).WithName("StartBackfill")
            .WithSummary("Find the studies of a date range on a PACS and retrieve their dose objects into DoseWatch")
            .WithDescription("The PACS must know DoseWatch's AE title as a move destination. Answers the back-fill's id; follow it with GET.");
        api.MapGet("/{id:long}", GetAsync).WithName("GetBackfill").WithSummary("Status (running, completed, failed), counts and each study's outcome");
        return endpoints;
    }

    public static async Task<Results<Accepted<BackfillStarted>, ValidationProblem>> StartAsync(BackfillStart body, BackfillRepository journal,
        IBackgroundJobClient jobs, IOptions<DicomScpOptions> dicom, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(body.Host)) errors["host"] = ["host is required."];
        if (body.Port is not (>= 1 and <= 65535)) errors["port"] = ["port must be a TCP port (1-65535)."];
        if (string.IsNullOrWhiteSpace(body.CalledAeTitle) || body.CalledAeTitle.Length > 16 || body.CalledAeTitle.Contains('\\'))
            errors["calledAeTitle"] = ["calledAeTitle is the PACS's AE title: 1 to 16 characters, no backslash."];
        if (body.From is null) errors["from"] = ["from (first study date, yyyy-mm-dd) is required."];
        if (body.To is null) errors["to"] = ["to (last study date, yyyy-mm-dd) is required."];
        if (body.From is { } f && body.To is { } t && t < f) errors["to"] = ["to is before from."];
        if (body.Modalities?.FirstOrDefault(m => m.Length is 0 or > 16 || !m.All(char.IsAsciiLetterOrDigit)) is { } bad)
            errors["modalities"] = [$"'{bad}' is not a modality code such as CT, DX, MG."];
        if (body.RetrieveMethod is not (null or "move" or "get")) errors["retrieveMethod"] = ["retrieveMethod is move (C-MOVE to DoseWatch) or get (C-GET)."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var ae = dicom.Value.AeTitle;
        var request = new BackfillRequest(body.Host!.Trim(), body.Port!.Value, body.CalledAeTitle!.Trim(), ae, ae, body.From!.Value, body.To!.Value,
            (body.Modalities ?? []).Select(m => m.ToUpperInvariant()).Distinct().ToList(), DicomNodeRepository.ParseMethod(body.RetrieveMethod ?? "move"), body.Tls ?? false);
        var id = await journal.CreateAsync(request, cancellationToken);
        jobs.Enqueue<BackfillJob>(job => job.Run(id, CancellationToken.None));
        return TypedResults.Accepted($"/api/v1/backfills/{id.ToString(CultureInfo.InvariantCulture)}", new BackfillStarted(id));
    }

    public static async Task<Results<Ok<BackfillDto>, NotFound>> GetAsync(long id, BackfillRepository journal, CancellationToken cancellationToken)
    {
        if (await journal.GetAsync(id, cancellationToken) is not { } b) return TypedResults.NotFound();
        var studies = await journal.StudiesAsync(id, cancellationToken);
        return TypedResults.Ok(new BackfillDto(b.Id, b.Status.ToString().ToLowerInvariant(), b.Detail, b.Request.Host, b.Request.Port, b.Request.CalledAeTitle,
            b.Request.From, b.Request.To, b.Request.Modalities, b.Studies, b.StudiesDone, b.InstancesRetrieved, b.InstancesFailed, b.CreatedAt, b.UpdatedAt,
            studies.Select(s => new BackfillStudyDto(s.Study.StudyInstanceUid, s.Study.StudyDate, s.Study.AccessionNumber, s.Study.ModalitiesInStudy,
                OutcomeName(s.Result.Outcome), s.Result.Requested, s.Result.Retrieved, s.Result.Failed, s.Result.Detail)).ToList()));
    }

    /// <summary>The outcome as the API names it (snake_case, as stored).</summary>
    public static string OutcomeName(BackfillStudyOutcome outcome) => outcome switch
    {
        BackfillStudyOutcome.NothingToRetrieve => "nothing_to_retrieve",
        BackfillStudyOutcome.AlreadyStored => "already_stored",
        _ => outcome.ToString().ToLowerInvariant(),
    };
}
