// Firely's model types every element as nullable; presence is what the assertions below check.
#nullable disable warnings
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DoseWatch.Core.Access;
using DoseWatch.Data.Audit;
using DoseWatch.Fhir.Tests;
using DoseWatch.Tests;
using DoseWatch.Web.Privacy;
using DoseWatch.Web.Tests.Api;
using DoseWatch.Web.Tests.Jobs;
using DoseWatch.Web.Tests.Privacy;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Hl7.Fhir.Serialization;
using Microsoft.Extensions.DependencyInjection;

namespace DoseWatch.Web.Tests.Fhir;

/// <summary>
/// /fhir on the running app, with studies received by storescu: every response is valid R4 (Firely validator, base
/// R4, offline), the Observation carries the same values as GET /api/v1/studies/{uid} (units converted here), search
/// filters and pages, and patient identity follows the roles and is audited as on the REST API.
/// </summary>
[Collection(nameof(DoseApp))]
public sealed class FhirEndpointFacts(DoseApp dose)
{
    public const string Ct = "openrem/CT-RDSR-Toshiba_DoseCheck.dcm";
    public const string Rf = "openrem/RF-RDSR-Siemens-Zee.dcm";
    public const string Nm = "openrem/NM-RRDSR-Siemens.dcm";
    public const string Dx = "openrem/DX-RDSR-Canon_CXDI.dcm";

    /// <summary>
    /// Sends a copy of a sample under new Study/Series/SOP Instance UIDs (dcmodify), so that the study is this test's
    /// alone in the shared app (other facts save the same samples), with storescu proposing the file's own SOP class
    /// (storescu's default list lacks the RRDSR); returns the new Study Instance UID once the study is served.
    /// </summary>
    public static Task<string> SendAsync(DoseApp dose, string sample) => SendAsync(dose.App, dose.AeTitle, dose.DicomPort, sample);

    /// <param name="intoStudy">Send the copy as another dose object of this study (its Study Instance UID kept, new series and SOP Instance UIDs).</param>
    /// <param name="alsoModify">Further dcmodify arguments (e.g. <c>-m (0010,0010)=…</c>).</param>
    public static async Task<string> SendAsync(DoseWatchApp app, string aeTitle, int dicomPort, string sample, string? intoStudy = null, params string[] alsoModify)
    {
        var file = Path.Combine(Path.GetTempPath(), $"dw-fhir-{Guid.NewGuid():N}.dcm");
        File.Copy(SharedSamples.Path_(sample), file);
        try
        {
            if (intoStudy is null) await Dcmtk.RunAsync("dcmodify", "-nb", "-gst", "-gse", "-gin", file);
            else await Dcmtk.RunAsync("dcmodify", ["-nb", "-gse", "-gin", "-m", $"(0020,000d)={intoStudy}", .. alsoModify, file]);
            var studyUid = await Dcmtk.ReadUidAsync(file, "0020,000d");
            var sopUid = await Dcmtk.ReadUidAsync(file, "0008,0018");
            await Dcmtk.RunAsync("storescu", "-R", "-aec", aeTitle, "127.0.0.1", dicomPort.ToString(System.Globalization.CultureInfo.InvariantCulture), file);
            using var client = app.CreateHttpClient(Roles.Viewer);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            // The study is served, with this object among its sources (a second object joins a study already served).
            while (!await ServedWithAsync(client, studyUid, sopUid))
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"{sopUid} of {studyUid} not stored 30 s after storescu");
                await Task.Delay(100);
            }
            return studyUid;
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<bool> ServedWithAsync(HttpClient client, string studyUid, string sopUid)
    {
        using var response = await client.GetAsync($"/api/v1/studies/{studyUid}");
        return response.IsSuccessStatusCode && (await response.Content.ReadAsStringAsync()).Contains(sopUid, StringComparison.Ordinal);
    }

    public static async Task<T> GetFhirAsync<T>(HttpClient client, string url) where T : Resource
    {
        using var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {body}");
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        var resource = new FhirJsonDeserializer().Deserialize<T>(body);
        var errors = R4Validation.Errors(resource);
        Assert.True(errors.Count == 0, $"{url}:\n" + string.Join("\n", errors));
        return resource;
    }

    private static double? Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    private static List<double> Components(Observation o, string code) =>
        o.Component.Where(c => c.Code.Coding[0].Code == code).Select(c => (double)((Quantity)c.Value).Value!.Value).ToList();

    private static void Same(double? api, IReadOnlyList<double> fhir, string what)
    {
        if (api is null) { Assert.True(fhir.Count == 0, $"{what}: API has none, FHIR has {fhir.Count}"); return; }
        var value = Assert.Single(fhir);
        Assert.True(Math.Abs(api.Value - value) <= 1e-9 * Math.Max(1, Math.Abs(api.Value)), $"{what}: API {api}, FHIR {value}");
    }

    /// <summary>The Observation's components equal GET /api/v1/studies/{uid}'s values, units converted here (also for what the FHIR push sent).</summary>
    internal static void AssertSameValues(JsonElement api, Observation o)
    {
        var totals = api.GetProperty("totals");
        const double MilliPerUnit = 1000; // Gy·cm² → mGy.cm2 and Gy → mGy
        Same(Number(totals, "dlpTotalMGyCm"), Components(o, "113813"), "DLP total");
        Same(Number(totals, "dapTotalGyCm2") * MilliPerUnit, Components(o, "113722"), "DAP total");
        Same(Number(totals, "doseRpTotalGy") * MilliPerUnit, Components(o, "113725"), "dose at RP total");
        Same(Number(totals, "fluoroTimeTotalS"), Components(o, "113730"), "fluoroscopy time");
        Same(Number(totals, "agdTotalMGy"), Components(o, "111637"), "AGD");
        var reported = api.GetProperty("sourceObjects")[0].GetProperty("reported");
        Same(Number(reported, "fluoroDapTotalGyCm2") * MilliPerUnit, Components(o, "113726"), "fluoro DAP total");
        Same(Number(reported, "acquisitionDapTotalGyCm2") * MilliPerUnit, Components(o, "113727"), "acquisition DAP total");
        var events = api.GetProperty("events").EnumerateArray().Where(e => e.GetProperty("countedInTotals").GetBoolean()).ToList();
        Assert.Equal(events.Select(e => Number(e, "ctdiVolMGy")).OfType<double>(), Components(o, "113830"));
        Assert.Equal(events.Select(e => Number(e, "administeredActivityMBq")).OfType<double>(), Components(o, "113507"));
    }

    [SamplesTheory]
    [InlineData(Ct)]
    [InlineData(Rf)]
    [InlineData(Nm)]
    [InlineData(Dx)]
    public async Task The_observation_carries_the_REST_APIs_values_in_the_IGs_units(string sample)
    {
        var uid = await SendAsync(dose, sample);
        using var client = dose.App.CreateHttpClient(Roles.Viewer);
        var api = await client.GetFromJsonAsync<JsonElement>($"/api/v1/studies/{uid}");
        var o = await GetFhirAsync<Observation>(client, $"/fhir/Observation/{uid}");

        AssertSameValues(api, o);

        Assert.Equal($"ImagingStudy/{uid}", o.PartOf[0].Reference);
        Assert.Equal("urn:oid:" + api.GetProperty("sourceObjects")[0].GetProperty("sopInstanceUid").GetString(), Assert.Single(o.Identifier).Value);
        Assert.Equal($"Patient/{api.GetProperty("patient").GetProperty("pseudonym").GetString()}", o.Subject.Reference);
        Assert.Equal(api.GetProperty("accessionNumber").GetString()?.Trim(), o.BasedOn.FirstOrDefault()?.Identifier.Value);
        Assert.Equal($"Device/{api.GetProperty("device").GetProperty("deviceId").GetInt64()}", o.Device.Reference);
    }

    [SamplesFact]
    public async Task Search_filters_by_study_dose_report_patient_date_modality_and_device()
    {
        var ct = await SendAsync(dose, Ct);
        var rf = await SendAsync(dose, Rf);
        using var client = dose.App.CreateHttpClient(Roles.Viewer);
        var o = await GetFhirAsync<Observation>(client, $"/fhir/Observation/{ct}");
        var date = ((FhirDateTime)o.Effective).Value[..10];

        async Task<IReadOnlyList<string>> Ids(string query) =>
            (await GetFhirAsync<Bundle>(client, "/fhir/Observation?" + query)).Entry.Select(e => e.Resource.Id).ToList();

        Assert.Equal([ct], await Ids($"code=73569-6&part-of=ImagingStudy/{ct}"));
        Assert.Equal([ct], await Ids($"code=http://loinc.org|73569-6&focus={ct}"));
        Assert.Equal([ct], await Ids($"part-of:identifier=urn:dicom:uid|urn:oid:{ct}"));
        Assert.Equal([ct], await Ids($"identifier={Uri.EscapeDataString(o.Identifier[0].Value)}&code=73569-6"));
        Assert.Contains(ct, await Ids($"{"patient"}={Uri.EscapeDataString(o.Subject.Reference)}&_count=100"));
        Assert.Contains(ct, await Ids($"patient.identifier={Uri.EscapeDataString(o.Subject.Identifier.System + "|" + o.Subject.Identifier.Value)}&_count=100"));
        Assert.Equal([ct], await Ids($"part-of={ct}&date={date}"));
        Assert.Equal([ct], await Ids($"part-of={ct}&date=ge{date}&date=le{date}"));
        Assert.Empty(await Ids($"part-of={ct}&date=gt{date}"));
        Assert.Empty(await Ids($"part-of={ct}&date=lt{date}"));
        Assert.Equal([ct], await Ids($"part-of={ct}&modality=CT"));
        Assert.Empty(await Ids($"part-of={ct}&modality=RF"));
        Assert.Equal([rf], await Ids($"part-of={rf}&modality=RF"));
        Assert.Equal([ct], await Ids($"part-of={ct}&{o.Device.Reference.Replace("Device/", "device=Device/", StringComparison.Ordinal)}"));
        Assert.Empty(await Ids($"part-of={ct}&code=1234-5"));

        using var unknown = await client.GetAsync($"/fhir/Observation?colour=blue");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal(OperationOutcome.IssueType.NotSupported, new FhirJsonDeserializer().Deserialize<OperationOutcome>(await unknown.Content.ReadAsStringAsync()).Issue[0].Code);
        using var missing = await client.GetAsync("/fhir/Observation/1.2.3.4.5.6.7.8.9");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [SamplesFact]
    public async Task Search_pages_with_next_links_until_every_match_is_seen_once()
    {
        var sent = new[] { await SendAsync(dose, Ct), await SendAsync(dose, Rf), await SendAsync(dose, Dx) };
        using var client = dose.App.CreateHttpClient(Roles.Viewer);
        var seen = new List<string>();
        var url = "/fhir/Observation?code=73569-6&_count=2";
        int? total = null;
        for (var pages = 0; url is not null; pages++)
        {
            Assert.True(pages < 200, "more pages than studies");
            var bundle = await GetFhirAsync<Bundle>(client, url);
            Assert.Equal(Bundle.BundleType.Searchset, bundle.Type);
            total ??= bundle.Total;
            Assert.Equal(total, bundle.Total);
            Assert.True(bundle.Entry.Count <= 2);
            Assert.All(bundle.Entry, e => Assert.Equal(Bundle.SearchEntryMode.Match, e.Search.Mode));
            seen.AddRange(bundle.Entry.Select(e => e.Resource.Id));
            url = bundle.Link.FirstOrDefault(l => l.Relation == "next")?.Url is { } next ? new Uri(next).PathAndQuery : null;
        }
        Assert.Equal(total, seen.Count);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.All(sent, uid => Assert.Contains(uid, seen));
    }

    [SamplesFact]
    public async Task Identity_is_shown_to_the_roles_that_see_it_and_audited_others_get_the_pseudonym_only()
    {
        var uid = await SendAsync(dose, Ct);
        var target = $"GET /fhir/Observation/{uid}";
        var audit = dose.App.Services.GetRequiredService<AuditLog>();
        async Task<int> ViewsAsync() => (await audit.QueryAsync(new AuditQuery(Action: PatientIdentityDisclosure.ViewAction, PageSize: 500))).Items.Count(e => e.Target == target);
        var name = (await Dcmtk.RunAsync("dcmdump", "-q", "+P", "0010,0010", SharedSamples.Path_(Ct))).Split('[', ']')[1].Trim();
        var family = name.Split('^')[0];
        Assert.False(string.IsNullOrWhiteSpace(family));

        foreach (var role in Roles.All)
        {
            using var client = dose.App.CreateHttpClient(role);
            var before = await ViewsAsync();
            var body = await client.GetStringAsync($"/fhir/Observation/{uid}");
            var after = await ViewsAsync();
            if (Roles.SeePatientIdentity.Contains(role))
            {
                Assert.Contains(family, body, StringComparison.OrdinalIgnoreCase);
                Assert.Equal(before + 1, after);
            }
            else
            {
                Assert.DoesNotContain(family, body, StringComparison.OrdinalIgnoreCase);
                Assert.Equal(before, after);
            }
            Assert.Contains("PSN-", body);
        }

        // Searching by a Patient ID is a use of identity, as on /api/v1/studies?patientId=.
        using var viewer = dose.App.CreateHttpClient(Roles.Viewer);
        using var forbidden = await viewer.GetAsync("/fhir/Observation?patient.identifier=12345");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    [Fact]
    public async Task Metadata_declares_the_producer_grouped_with_a_server_and_its_search_parameters()
    {
        using var client = dose.App.CreateHttpClient(Roles.Viewer);
        var capability = await GetFhirAsync<CapabilityStatement>(client, "/fhir/metadata");
        Assert.Equal(FHIRVersion.N4_0_1, capability.FhirVersion);
        Assert.Contains("http://hl7.org/fhir/uv/radiation-dose-summary/CapabilityStatement/RDSP", capability.Instantiates);
        Assert.Contains("http://hl7.org/fhir/uv/radiation-dose-summary/ImplementationGuide/hl7.fhir.uv.radiation-dose-summary", capability.ImplementationGuide);
        var rest = Assert.Single(capability.Rest);
        Assert.Equal(CapabilityStatement.RestfulCapabilityMode.Server, rest.Mode);
        var observation = Assert.Single(rest.Resource, r => r.Type == "Observation");
        Assert.Equal("http://hl7.org/fhir/uv/radiation-dose-summary/StructureDefinition/radiation-dose-summary", observation.Profile);
        Assert.Equal([CapabilityStatement.TypeRestfulInteraction.Read, CapabilityStatement.TypeRestfulInteraction.SearchType], observation.Interaction.Select(i => i.Code!.Value));
        foreach (var p in new[] { "code", "patient", "identifier", "part-of", "date", "modality", "device" })
            Assert.Contains(observation.SearchParam, s => s.Name == p);

        using var anonymous = dose.App.CreateHttpClient(role: null, followRedirects: false);
        using var response = await anonymous.GetAsync("/fhir/metadata");
        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
    }
}
