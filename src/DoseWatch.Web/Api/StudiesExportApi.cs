using DoseWatch.Core.Abstractions;
using DoseWatch.Data;
using DoseWatch.Data.Repositories;
using DoseWatch.Web.Privacy;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DoseWatch.Web.Api;

/// <summary>
/// GET /api/v1/studies/export?format=csv|xlsx with the browser's filters (one row per study, events across), and
/// GET /api/v1/dashboards/ct/events.csv (the points of the CT page's charts). Physicists and administrators only
/// (AccessPolicies.Clinical); each study export is appended to the audit trail. Exports carry the patient pseudonym,
/// never name or ID (identity is for the screen, audited there; a research export is the de-identified one).
/// </summary>
public static class StudiesExportApi
{
    public static IEndpointRouteBuilder MapStudiesExportApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/studies/export", ExportStudies).WithTags("Studies").WithName("ExportStudies")
            .WithSummary("The filtered study list as CSV or XLSX (OpenREM-like: one row per study, events across).")
            .RequireAuthorization(Access.AccessPolicies.Clinical);
        app.MapGet("/api/v1/dashboards/ct/events.csv", ExportCtEvents).WithTags("Dashboards").WithName("ExportCtChartEvents")
            .WithSummary("The CT page's chart points: one row per CT event with CTDIvol or DLP, with its study.")
            .RequireAuthorization(Access.AccessPolicies.Clinical);
        return app;
    }

    public static async Task<Results<FileContentHttpResult, ValidationProblem>> ExportStudies(
        IDbConnectionFactory connections, IAuditTrail audit, HttpContext context, string? format, [AsParameters] StudyFilter filter,
        CancellationToken cancellationToken)
    {
        var (query, errors) = filter.Validate();
        format = (format ?? "csv").ToLowerInvariant();
        if (format is not ("csv" or "xlsx")) errors["format"] = ["format is csv or xlsx"];
        if (query is null || errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var studies = new List<StudyRecord>();
        var records = new DoseRecordRepository(connections);
        await foreach (var study in records.StreamStudiesAsync(query, StudyExport.MaximumStudies, cancellationToken))
            studies.Add(study);
        var alerts = new Dictionary<string, IReadOnlyList<StoredAlert>>(StringComparer.Ordinal);
        var repository = new AlertRepository(connections);
        foreach (var chunk in studies.Select(s => s.Study.StudyInstanceUid).Chunk(500))
            foreach (var (uid, list) in await repository.ForStudiesAsync(chunk, cancellationToken)) alerts[uid] = list;
        var pseudonyms = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var chunk in studies.Select(s => s.Study.StudyInstanceUid).Chunk(500))
            foreach (var (uid, patient) in await records.PatientIdentitiesAsync(chunk, cancellationToken)) pseudonyms[uid] = patient.Pseudonym;
        var skinDoses = await new SkinDoseRepository(connections).HeadlinesAsync(studies.Select(s => s.Study.StudyInstanceUid).ToList(), cancellationToken);
        var labels = await DeviceNameRepository.LabelsAsync(connections, studies.Select(s => s.Study.Device.Key).Distinct(StringComparer.Ordinal).ToList(), cancellationToken);
        var table = StudyExport.Build(studies, alerts, pseudonyms, skinDoses, labels);

        await audit.AppendAsync(new AuditEvent(PatientIdentityDisclosure.Actor(context.User), "export.studies", null,
            $"{format} {studies.Count} studies {filter.ToQueryString()}"), cancellationToken);
        if (studies.Count == StudyExport.MaximumStudies) context.Response.Headers["X-DoseWatch-Truncated"] = StudyExport.MaximumStudies.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);
        using var buffer = new MemoryStream();
        if (format == "csv")
        {
            await table.WriteCsvAsync(buffer, cancellationToken);
            return TypedResults.File(buffer.ToArray(), "text/csv; charset=utf-8", $"dosewatch-studies-{stamp}.csv");
        }
        table.WriteXlsx(buffer, "Studies");
        return TypedResults.File(buffer.ToArray(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"dosewatch-studies-{stamp}.xlsx");
    }

    public static async Task<Results<FileContentHttpResult, ValidationProblem>> ExportCtEvents(
        DashboardRepository dashboards, DateOnly? from, DateOnly? to, string? device, CancellationToken cancellationToken)
    {
        if (from is not { } f || to is not { } t || f > t)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["from"] = ["from and to (yyyy-MM-dd, from <= to) are required"] });
        // The CT page's device filter travels with its chart data link (issue #21); without it, every device.
        var protocols = await dashboards.CtProtocolDosesAsync(f, t, string.IsNullOrWhiteSpace(device) ? null : device, CtChart.MaximumProtocols, CtChart.MaximumValues, cancellationToken);
        // Localizers are not chart points (DashboardRepository); device, date and acquisition type say where each point is from.
        var table = new ExportTable(["Protocol", "Quantity", "Value", "Unit", "Study instance UID", "Device", "Study date", "Acquisition type"]);
        foreach (var p in protocols)
        {
            for (var i = 0; i < p.CtdiVolMGy.Count; i++) table.Add([p.Protocol, "CTDIvol", p.CtdiVolMGy[i], "mGy", .. Where(p.CtdiVolPoints.ElementAtOrDefault(i))]);
            for (var i = 0; i < p.DlpMGyCm.Count; i++) table.Add([p.Protocol, "DLP", p.DlpMGyCm[i], "mGy.cm", .. Where(p.DlpPoints.ElementAtOrDefault(i))]);
        }
        using var buffer = new MemoryStream();
        await table.WriteCsvAsync(buffer, cancellationToken);
        return TypedResults.File(buffer.ToArray(), "text/csv; charset=utf-8", $"dosewatch-ct-{f:yyyyMMdd}-{t:yyyyMMdd}.csv");
    }

    private static object?[] Where(CtChartPoint? point) => [point?.StudyInstanceUid, point?.Device, point?.StudyDate, point?.AcquisitionType];
}

/// <summary>The CT page's chart limits, shared by the page and its data export so that both show the same points.</summary>
public static class CtChart
{
    public const int MaximumProtocols = 20;
    public const int MaximumValues = 2000;
}
