using System.IO.Compression;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using DoseWatch.Core.Abstractions;
using DoseWatch.Core.Access;
using DoseWatch.Core.Privacy;
using DoseWatch.Data;
using DoseWatch.Data.Export;
using DoseWatch.Dicom.Deidentification;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DoseWatch.Web.Privacy;

/// <summary>
/// GET /api/v1/exports/deidentified?from=YYYY-MM-DD&amp;to=YYYY-MM-DD: a zip of the de-identified DICOM objects and
/// studies.csv / events.csv (<see cref="DeidentifiedExport"/>), for physicists only. Each export has its own random
/// key, so two exports cannot be linked; objects that could not be exported are listed in <c>skipped.txt</c>; each export is appended to the audit trail as <c>export.deidentified</c>.
/// </summary>
public static class DeidentifiedExportApi
{
    public const string AuditAction = "export.deidentified";

    public static IEndpointRouteBuilder MapDeidentifiedExportApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/exports/deidentified", ExportAsync).WithTags("Exports").WithName("ExportDeidentified")
            .WithSummary("De-identified research export (PS3.15 Basic profile, modified dates): DICOM objects and CSV in a zip.")
            .RequireAuthorization(Access.AccessPolicies.Research);
        return app;
    }

    public static async Task<Results<FileStreamHttpResult, ValidationProblem>> ExportAsync(
        IDbConnectionFactory connections, StoredObjectCipher storedObjects, IAuditTrail audit, ClaimsPrincipal user, DateOnly? from, DateOnly? to, CancellationToken cancellationToken)
    {
        if (from is { } f && to is { } t && f > t) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["from"] = ["from is after to"] });
        // Built in a temporary file (deleted when the response is done): objects can be many, memory stays flat.
        var buffer = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
        try
        {
            DeidentifiedExportSummary summary;
            using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
            {
                summary = await new DeidentifiedExport(connections, storedObjects).WriteAsync(new Deidentifier(RandomNumberGenerator.GetBytes(32)), from, to,
                    name => zip.CreateEntry(name, CompressionLevel.Fastest).Open(), cancellationToken);
                // Objects that could not be exported (unreadable, an invalid UID) are named in the zip, one line each.
                if (summary.Skipped.Count > 0)
                {
                    await using var skipped = new StreamWriter(zip.CreateEntry("skipped.txt", CompressionLevel.Fastest).Open());
                    foreach (var line in summary.Skipped) await skipped.WriteLineAsync(line);
                }
            }
            await audit.AppendAsync(new AuditEvent(PatientIdentityDisclosure.Actor(user), AuditAction, "GET /api/v1/exports/deidentified",
                JsonSerializer.Serialize(new { from, to, summary.Studies, summary.Events, summary.Objects, skipped = summary.Skipped.Count })), cancellationToken);
            buffer.Position = 0;
            return TypedResults.File(buffer, "application/zip", $"dosewatch-deidentified-{DateTime.UtcNow:yyyyMMdd-HHmmss}.zip");
        }
        catch
        {
            await buffer.DisposeAsync();
            throw;
        }
    }
}
