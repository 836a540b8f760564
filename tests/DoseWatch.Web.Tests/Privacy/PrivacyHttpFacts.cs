using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DoseWatch.Core.Access;
using DoseWatch.Data.Audit;
using DoseWatch.Tests;
using DoseWatch.Web.Privacy;
using DoseWatch.Web.Tests.Api;
using DoseWatch.Web.Tests.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace DoseWatch.Web.Tests.Privacy;

/// <summary>
/// Through HTTP with the test funnel's API key per role, on an app that received a real RDSR by storescu: who sees
/// the patient's identity (values checked against dcmdump of the sent file), who gets the pseudonym, what is audited,
/// and who may take the de-identified export.
/// </summary>
[Collection(nameof(DoseApp))]
public sealed class PrivacyHttpFacts(DoseApp dose)
{
    private const string Sample = "openrem/CT-RDSR-ToshibaPixelMed.dcm";

    private Task<string> SendAsync() => StoredSample.SendAsync(dose, Sample);

    private static async Task<string> DumpTextAsync(string tag)
    {
        var line = await Dcmtk.RunAsync("dcmdump", "-q", "+P", tag, SharedSamples.Path_(Sample));
        var start = line.IndexOf('[');
        return line[(start + 1)..line.IndexOf(']', start)].TrimEnd();
    }

    private async Task<long> ViewsAsync(string target) =>
        (await dose.App.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery(Action: PatientIdentityDisclosure.ViewAction, PageSize: 500)))
            .Items.Count(e => e.Target == target);

    [SamplesFact]
    public async Task Physicist_and_QA_see_the_identity_with_one_audit_entry_per_request_Viewer_and_Administrator_the_pseudonym()
    {
        var studyUid = await SendAsync();
        var target = $"GET /api/v1/studies/{studyUid}";
        var (name, id) = (await DumpTextAsync("0010,0010"), await DumpTextAsync("0010,0020"));

        foreach (var role in Roles.All)
        {
            var before = await ViewsAsync(target);
            using var client = dose.App.CreateHttpClient(role);
            var patient = (await client.GetFromJsonAsync<JsonElement>($"/api/v1/studies/{studyUid}")).GetProperty("patient");
            var after = await ViewsAsync(target);

            Assert.StartsWith("PSN-", patient.GetProperty("pseudonym").GetString());
            if (Roles.SeePatientIdentity.Contains(role))
            {
                Assert.Equal((name, id), (patient.GetProperty("name").GetString(), patient.GetProperty("id").GetString()));
                Assert.Equal(before + 1, after);
            }
            else
            {
                Assert.False(patient.TryGetProperty("name", out _), role);
                Assert.False(patient.TryGetProperty("id", out _), role);
                Assert.False(patient.TryGetProperty("birthDate", out _), role);
                Assert.Equal(before, after);
            }
        }
    }

    [SamplesFact]
    public async Task Only_a_physicist_takes_the_deidentified_export_and_it_is_audited()
    {
        await SendAsync();
        foreach (var role in Roles.All.Where(r => r != Roles.Physicist))
        {
            using var denied = dose.App.CreateHttpClient(role);
            Assert.Equal(HttpStatusCode.Forbidden, (await denied.GetAsync("/api/v1/exports/deidentified")).StatusCode);
        }
        using var anonymous = dose.App.CreateHttpClient(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/exports/deidentified")).StatusCode);

        using var client = dose.App.CreateHttpClient(Roles.Physicist);
        using var response = await client.GetAsync("/api/v1/exports/deidentified");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        using var zip = new ZipArchive(await response.Content.ReadAsStreamAsync());
        var names = zip.Entries.Select(e => e.FullName).ToList();
        Assert.Contains("studies.csv", names);
        Assert.Contains("events.csv", names);
        Assert.Contains(names, n => n.StartsWith("dicom/2.25.", StringComparison.Ordinal) && n.EndsWith(".dcm", StringComparison.Ordinal));
        var exports = await dose.App.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery(Action: DeidentifiedExportApi.AuditAction));
        Assert.NotEmpty(exports.Items);
    }
}
