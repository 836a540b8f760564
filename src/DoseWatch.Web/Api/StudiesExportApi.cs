using System.Security.Claims;
using DoseWatch.Core.Abstractions;
using DoseWatch.Core.Access;
using DoseWatch.Data;
using DoseWatch.Data.Repositories;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DoseWatch.Web.Api;

/// <summary>
/// GET /api/v1/studies/export?format=csv|xlsx with the browser's filters (one row per study, events across), and
/// GET /api/v1/dashboards/ct/events.csv (the points of the CT page's charts). Physicists and administrators only;
/// each study export is appended to the audit trail when one is registered.
/// </summary>
public static class StudiesExportApi
{
    public static IEndpointRouteBuilder MapStudiesExportApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/studies/export", ExportStudies).WithTags("Studies").WithName("ExportStudies")
            .WithSummary("The filtered study list as CSV or XLSX (OpenREM-like: one row per study, events across).")
            .RequireRolesOnceSignInExists(app, Roles.Physicist, Roles.Administrator);
        app.MapGet("/api/v1/dashboards/ct/events.csv", ExportCtEvents).WithTags("Dashboards").WithName("ExportCtChartEvents")
            .WithSummary("The CT page's chart points: one row per CT event with CTDIvol or DLP, with its study.")
            .RequireRolesOnceSignInExists(app, Roles.Physicist, Roles.Administrator);
        return app;
    }

    public static async Task<Results<FileContentHttpResult, ValidationProblem>> ExportStudies(
        IDbConnectionFactory connections, IServiceProvider services, HttpContext context, string? format, [AsParameters] StudyFilter filter,
        CancellationToken cancellationToken)
    {
        var (query, errors) = filter.Validate();
        format = (format ?? "csv").ToLowerInvariant();
        if (format is not ("csv" or "xlsx")) errors["format"] = ["format is csv or xlsx"];
        if (query is null || errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var studies = new List<StudyRecord>();
        await foreach (var study in new DoseRecordRepository(connections).StreamStudiesAsync(query, StudyExport.MaximumStudies, cancellationToken))
            studies.Add(study);
        var alerts = new Dictionary<string, IReadOnlyList<StoredAlert>>(StringComparer.Ordinal);
        var repository = new AlertRepository(connections);
        foreach (var chunk in studies.Select(s => s.Study.StudyInstanceUid).Chunk(500))
            foreach (var (uid, list) in await repository.ForStudiesAsync(chunk, cancellationToken)) alerts[uid] = list;
        var table = StudyExport.Build(studies, alerts);

        if (services.GetService<IAuditTrail>() is { } audit)
            await audit.AppendAsync(new AuditEvent(Actor(context.User), "export.studies", null, $"{format} {studies.Count} studies {filter.ToQueryString()}"), cancellationToken);
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
        DashboardRepository dashboards, DateOnly? from, DateOnly? to, CancellationToken cancellationToken)
    {
        if (from is not { } f || to is not { } t || f > t)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["from"] = ["from and to (yyyy-MM-dd, from <= to) are required"] });
        var protocols = await dashboards.CtProtocolDosesAsync(f, t, CtChart.MaximumProtocols, CtChart.MaximumValues, cancellationToken);
        var table = new ExportTable(["Protocol", "Quantity", "Value", "Unit", "Study instance UID"]);
        foreach (var p in protocols)
        {
            for (var i = 0; i < p.CtdiVolMGy.Count; i++) table.Add(p.Protocol, "CTDIvol", p.CtdiVolMGy[i], "mGy", p.CtdiVolStudyUids.ElementAtOrDefault(i));
            for (var i = 0; i < p.DlpMGyCm.Count; i++) table.Add(p.Protocol, "DLP", p.DlpMGyCm[i], "mGy.cm", p.DlpStudyUids.ElementAtOrDefault(i));
        }
        using var buffer = new MemoryStream();
        await table.WriteCsvAsync(buffer, cancellationToken);
        return TypedResults.File(buffer.ToArray(), "text/csv; charset=utf-8", $"dosewatch-ct-{f:yyyyMMdd}-{t:yyyyMMdd}.csv");
    }

    private static string Actor(ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true ? user.Identity.Name ?? "unknown" : "anonymous";
}

internal static class RoleRequirements
{
    /// <summary>
    /// Requires one of <paramref name="roles"/>. Until sign-in exists (issue #7) no authentication scheme is registered,
    /// and a role requirement would turn every request into a 500 (nothing to challenge with); once a scheme is
    /// registered the requirement is always attached, so the roles are enforced and the route-table matrix sees them.
    /// </summary>
    public static TBuilder RequireRolesOnceSignInExists<TBuilder>(this TBuilder builder, IEndpointRouteBuilder app, params string[] roles)
        where TBuilder : IEndpointConventionBuilder
    {
        var schemes = app.ServiceProvider.GetService<Microsoft.AspNetCore.Authentication.IAuthenticationSchemeProvider>();
        var signInExists = schemes is not null && schemes.GetAllSchemesAsync().GetAwaiter().GetResult().Any();
        return signInExists ? builder.RequireAuthorization(policy => policy.RequireRole(roles)) : builder;
    }
}

/// <summary>The CT page's chart limits, shared by the page and its data export so that both show the same points.</summary>
public static class CtChart
{
    public const int MaximumProtocols = 20;
    public const int MaximumValues = 2000;
}
