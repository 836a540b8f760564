// Firely's model types every element as nullable; presence is what the assertions below check.
#nullable disable warnings
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using DoseWatch.Core.Access;
using DoseWatch.Tests;
using DoseWatch.Web.Fhir;
using DoseWatch.Web.Tests.Jobs;
using Hangfire;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;
using Task = System.Threading.Tasks.Task;

namespace DoseWatch.Web.Tests.Fhir;

/// <summary>
/// The app with DoseWatch:FhirPush on, pushing to <see cref="LoopbackFhirServer"/> (no real FHIR server can be installed
/// here), in pseudonymous mode and asked to send identity (which that mode must refuse). Short retry backoff.
/// </summary>
public class FhirPushApp : IAsyncLifetime
{
    protected virtual string PrivacyMode => "Pseudonymous";

    public const string Token = "Bearer loopback-test-token";

    public string AeTitle { get; } = $"DW{Random.Shared.Next(100000, 999999)}";

    public int DicomPort { get; } = DoseWatchApp.FreeTcpPort();

    public DoseWatchApp App { get; private set; } = null!;

    public LoopbackFhirServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await LoopbackFhirServer.StartAsync();
        App = await DoseWatchApp.StartAsync(new Dictionary<string, string?>
        {
            ["Dicom:AeTitle"] = AeTitle,
            ["Dicom:Port"] = DicomPort.ToString(CultureInfo.InvariantCulture),
            ["DoseWatch:Jobs:QueuePollInterval"] = "00:00:00.200",
            ["DoseWatch:Privacy:Mode"] = PrivacyMode,
            ["DoseWatch:FhirPush:Enabled"] = "true",
            ["DoseWatch:FhirPush:BaseUrl"] = Server.BaseUrl + "/",
            ["DoseWatch:FhirPush:Authorization"] = Token,
            ["DoseWatch:FhirPush:SendPatientIdentity"] = "true",
            ["DoseWatch:FhirPush:SettleDelay"] = "00:00:00",
            ["DoseWatch:FhirPush:RetryBackoff"] = "00:00:01",
            ["DoseWatch:FhirPush:MaxAttempts"] = "3",
        });
    }

    public Task<string> SendAsync(string sample, string? intoStudy = null, params string[] alsoModify) =>
        FhirEndpointFacts.SendAsync(App, AeTitle, DicomPort, sample, intoStudy, alsoModify);

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Server.DisposeAsync();
    }
}

/// <summary>The same in identified mode: with SendPatientIdentity the push sends the patient's identity, audited.</summary>
public sealed class IdentifiedFhirPushApp : FhirPushApp
{
    protected override string PrivacyMode => "Identified";
}

/// <summary>
/// Identified mode with <c>SendPatientIdentity</c>: the Patient on the server carries the name and Patient ID that
/// dcmdump reads from the file, and each push is a disclosure in the audit trail by the actor <c>fhir-push</c>.
/// </summary>
public sealed class FhirPushIdentityFacts(IdentifiedFhirPushApp push) : IClassFixture<IdentifiedFhirPushApp>
{
    [SamplesFact]
    public async Task In_identified_mode_with_SendPatientIdentity_the_patients_identity_is_sent_and_audited()
    {
        var uid = await push.SendAsync(FhirEndpointFacts.Ct);
        using var admin = push.App.CreateHttpClient(Roles.Administrator);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (push.Server.ObservationsOf(uid).Count == 0 && DateTime.UtcNow < deadline) await Task.Delay(200);
        var (observation, _) = Assert.Single(push.Server.ObservationsOf(uid));
        Assert.True(push.Server.Rejected.IsEmpty, string.Join("\n", push.Server.Rejected));

        var dump = await Dcmtk.RunAsync("dcmdump", "-q", "+P", "0010,0010", "+P", "0010,0020", SharedSamples.Path_(FhirEndpointFacts.Ct));
        var values = FhirPushFacts.DumpedValues(dump);
        var (family, patientId) = (values[0].Split('^')[0], values[1]);
        var patient = Assert.Single(push.Server.All<Patient>(), p => $"Patient/{p.Resource.Id}" == observation.Subject.Reference).Resource;
        Assert.Equal(family, patient.Name[0].Family, ignoreCase: true);
        Assert.Contains(patient.Identifier, i => i.Value == patientId);

        var audit = push.App.Services.GetRequiredService<DoseWatch.Data.Audit.AuditLog>();
        var views = (await audit.QueryAsync(new DoseWatch.Data.Audit.AuditQuery(Actor: PushFhirJob.Actor, Action: DoseWatch.Web.Privacy.PatientIdentityDisclosure.ViewAction, PageSize: 500))).Items;
        Assert.Contains(views, e => e.Target == $"PUSH {push.Server.BaseUrl}" && e.Detail!.Contains(uid, StringComparison.Ordinal));
    }
}

/// <summary>
/// Issue #19 item 3 end to end: a real RDSR sent by storescu is pushed, once its records are saved, as a transaction of
/// conditional updates that the loopback server validates (Firely, base R4) and applies; the values on the server are
/// the REST API's; pushing again and a second dose object update the one Observation; a 503 is retried with the same
/// Idempotency-Key until it succeeds; a push that keeps failing is failed, visible on the API and the pages, and an
/// administrator's retry sends it; <c>dosewatch fhir-push --since</c> sends the history a server lacks.
/// </summary>
public sealed partial class FhirPushFacts(FhirPushApp push) : IClassFixture<FhirPushApp>
{
    private const string Ct = FhirEndpointFacts.Ct;
    private const string CtSiemens = "openrem/CT-RDSR-Siemens_Flash-TAP-SS.dcm";

    private LoopbackFhirServer Server => push.Server;

    private static async Task<JsonElement> DeliveryAsync(HttpClient client, string uid, Func<JsonElement, bool> until, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            var deliveries = await client.GetFromJsonAsync<JsonElement>($"/api/v1/studies/{uid}/fhir-deliveries");
            if (deliveries.GetArrayLength() == 1)
            {
                last = deliveries[0];
                if (until(last)) return last;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"the delivery of {uid} did not get there in {seconds} s: {last}");
    }

    private static bool Sent(JsonElement d) => d.GetProperty("status").GetString() == "sent";

    private void NothingRejected() => Assert.True(Server.Rejected.IsEmpty, "the server refused invalid R4:\n" + string.Join("\n---\n", Server.Rejected));

    [SamplesFact]
    public async Task A_received_RDSR_is_pushed_once_extracted_with_the_REST_APIs_values_and_no_direct_identifier()
    {
        var uid = await push.SendAsync(Ct);
        using var viewer = push.App.CreateHttpClient(Roles.Viewer);
        var delivery = await DeliveryAsync(viewer, uid, Sent);
        NothingRejected();

        var (observation, version) = Assert.Single(Server.ObservationsOf(uid));
        Assert.Equal(1, version);
        Assert.Equal($"Observation/{observation.Id}/_history/1", delivery.GetProperty("resourceLocation").GetString());
        var api = await viewer.GetFromJsonAsync<JsonElement>($"/api/v1/studies/{uid}");
        FhirEndpointFacts.AssertSameValues(api, observation);
        Assert.Equal("73569-6", observation.Code.Coding[0].Code);
        Assert.Equal("urn:oid:" + api.GetProperty("sourceObjects")[0].GetProperty("sopInstanceUid").GetString(), Assert.Single(observation.Identifier).Value);
        // The references the transaction made resolve to what the server holds.
        var imagingStudy = Assert.Single(Server.All<ImagingStudy>(), s => s.Resource.Identifier.Any(i => i.Value == "urn:oid:" + uid)).Resource;
        Assert.Equal($"ImagingStudy/{imagingStudy.Id}", observation.PartOf[0].Reference);
        var pseudonym = api.GetProperty("patient").GetProperty("pseudonym").GetString();
        var patient = Assert.Single(Server.All<Patient>(), p => p.Resource.Identifier.Any(i => i.Value == pseudonym)).Resource;
        Assert.Equal($"Patient/{patient.Id}", observation.Subject.Reference);

        // Pseudonymous mode, although the push is configured to send identity: none of the file's direct identifiers
        // (read by dcmdump now) is in anything sent, and the Patient is the pseudonym alone.
        Assert.Empty(patient.Name);
        Assert.Null(patient.BirthDate);
        Assert.Equal([pseudonym], patient.Identifier.Select(i => i.Value));
        var dump = await Dcmtk.RunAsync("dcmdump", "-q", "+P", "0010,0010", "+P", "0010,0020", "+P", "0010,0030", SharedSamples.Path_(Ct));
        var identifiers = DumpedValue().Matches(dump).Select(m => m.Groups[1].Value.Trim()).Where(v => v.Length > 2).ToList();
        Assert.NotEmpty(identifiers);
        foreach (var request in Server.Requests.Where(r => r.Body.Contains(uid, StringComparison.Ordinal)))
        {
            Assert.Equal(FhirPushApp.Token, request.Authorization);
            foreach (var value in identifiers.SelectMany(v => v.Split('^', StringSplitOptions.RemoveEmptyEntries)).Where(v => v.Length > 2))
                Assert.DoesNotContain(value, request.Body, StringComparison.OrdinalIgnoreCase);
        }
    }

    [SamplesFact]
    public async Task Pushing_again_and_a_second_dose_object_update_the_one_observation()
    {
        var uid = await push.SendAsync(Ct);
        using var admin = push.App.CreateHttpClient(Roles.Administrator);
        var first = await DeliveryAsync(admin, uid, Sent);

        // The same study again (an administrator's "send again"): conditional update, no second resource.
        using (var retry = await admin.PostAsync($"/api/v1/fhir-deliveries/{first.GetProperty("id").GetInt64()}/retry", null))
            Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        await DeliveryAsync(admin, uid, d => Sent(d) && d.GetProperty("resourceLocation").GetString()!.EndsWith("/_history/2", StringComparison.Ordinal));
        var (again, version) = Assert.Single(Server.ObservationsOf(uid));
        Assert.Equal(2, version);
        Assert.Single(Server.All<ImagingStudy>(), s => s.Resource.Identifier.Any(i => i.Value == "urn:oid:" + uid));

        // Another dose report of the same study: still one Observation, now identified by both reports, with the new totals.
        // Another scanner's report (other events, so other totals), given this study's patient as dcmdump reads them.
        var patient = DumpedValue().Matches(await Dcmtk.RunAsync("dcmdump", "-q", "+P", "0010,0010", "+P", "0010,0020", "+P", "0010,0030", SharedSamples.Path_(Ct)))
            .Select(m => m.Groups[1].Value).ToList();
        await push.SendAsync(CtSiemens, uid, "-m", $"(0010,0010)={patient[0]}", "-m", $"(0010,0020)={patient[1]}", "-m", $"(0010,0030)={patient[2]}");
        await DeliveryAsync(admin, uid, d => Sent(d) && d.GetProperty("resourceLocation").GetString()!.EndsWith("/_history/3", StringComparison.Ordinal));
        NothingRejected();
        var (updated, _) = Assert.Single(Server.ObservationsOf(uid));
        Assert.Equal(again.Id, updated.Id);
        var api = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/studies/{uid}");
        var reports = api.GetProperty("sourceObjects").EnumerateArray().Select(o => "urn:oid:" + o.GetProperty("sopInstanceUid").GetString()).Order(StringComparer.Ordinal);
        Assert.Equal(reports, updated.Identifier.Select(i => i.Value).Order(StringComparer.Ordinal));
        FhirEndpointFacts.AssertSameValues(api, updated);
        Assert.NotEqual(Components(again, "113813"), Components(updated, "113813"));
    }

    [SamplesFact]
    public async Task A_503_is_retried_with_the_same_idempotency_key_until_the_server_takes_it()
    {
        using var admin = push.App.CreateHttpClient(Roles.Administrator);
        // The study UID is known only once sent; the server is told to refuse its first two pushes before they arrive.
        var file = await CopyWithNewUidsAsync(Ct);
        try
        {
            var uid = await Dcmtk.ReadUidAsync(file, "0020,000d");
            Server.FailNext(uid, 2, 503);
            await Dcmtk.RunAsync("storescu", "-R", "-aec", push.AeTitle, "127.0.0.1", push.DicomPort.ToString(CultureInfo.InvariantCulture), file);
            var delivery = await DeliveryAsync(admin, uid, Sent, seconds: 90);
            Assert.Equal(3, delivery.GetProperty("attempts").GetInt32());
            Assert.Equal(200, delivery.GetProperty("acceptedStatus").GetInt32());
            var requests = Server.Requests.Where(r => r.Body.Contains(uid, StringComparison.Ordinal)).ToList();
            Assert.Equal([503, 503, 200], requests.Select(r => r.Status));
            Assert.Single(requests.Select(r => r.IdempotencyKey).Distinct());
            Assert.NotNull(requests[0].IdempotencyKey);
            Assert.Single(Server.ObservationsOf(uid));
            NothingRejected();
        }
        finally
        {
            File.Delete(file);
        }
    }

    [SamplesFact]
    public async Task A_push_that_keeps_failing_is_shown_failed_and_an_administrator_retries_it()
    {
        using var admin = push.App.CreateHttpClient(Roles.Administrator);
        var file = await CopyWithNewUidsAsync(Ct);
        string uid;
        try
        {
            uid = await Dcmtk.ReadUidAsync(file, "0020,000d");
            Server.FailNext(uid, 3, 503); // MaxAttempts is 3
            await Dcmtk.RunAsync("storescu", "-R", "-aec", push.AeTitle, "127.0.0.1", push.DicomPort.ToString(CultureInfo.InvariantCulture), file);
        }
        finally
        {
            File.Delete(file);
        }
        var failed = await DeliveryAsync(admin, uid, d => d.GetProperty("status").GetString() == "failed", seconds: 90);
        Assert.Equal(3, failed.GetProperty("attempts").GetInt32());
        Assert.Contains("503", failed.GetProperty("lastError").GetString());
        Assert.Empty(Server.ObservationsOf(uid));

        // The administrator's list, filtered to failures, has it; the sent ones are not there.
        var list = await admin.GetFromJsonAsync<JsonElement>("/api/v1/fhir-deliveries?status=failed");
        var row = Assert.Single(list.GetProperty("items").EnumerateArray(), d => d.GetProperty("studyInstanceUid").GetString() == uid);
        Assert.All(list.GetProperty("items").EnumerateArray(), d => Assert.Equal("failed", d.GetProperty("status").GetString()));
        // The pages say so in words (no status key, no exception type): the study page and the deliveries page.
        var studyPage = await admin.GetStringAsync($"/studies/{uid}");
        Assert.Contains("Sent to FHIR servers", studyPage);
        Assert.Contains("Failed after 3 attempts", studyPage);
        Assert.Contains("503", studyPage);
        Assert.DoesNotContain("HttpRequestException", studyPage);
        var deliveriesPage = await admin.GetStringAsync("/admin/fhir-deliveries?status=failed");
        Assert.Contains(uid, deliveriesPage);
        Assert.Contains("Failed after 3 attempts", deliveriesPage);
        Assert.Contains("data-action=\"retry\"", deliveriesPage);
        using (var viewer = push.App.CreateHttpClient(Roles.Viewer))
            Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync("/api/v1/fhir-deliveries?status=failed")).StatusCode);

        // The server is back (no failure left for it): the retry sends it.
        using (var retry = await admin.PostAsync($"/api/v1/fhir-deliveries/{row.GetProperty("id").GetInt64()}/retry", null))
            Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        await DeliveryAsync(admin, uid, Sent);
        Assert.Single(Server.ObservationsOf(uid));
        NothingRejected();
    }

    [SamplesFact]
    public async Task The_fhir_push_command_sends_the_history_a_server_lacks()
    {
        var uid = await push.SendAsync(Ct);
        using var admin = push.App.CreateHttpClient(Roles.Administrator);
        await DeliveryAsync(admin, uid, Sent);
        var api = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/studies/{uid}");
        var studyDate = DateOnly.Parse(api.GetProperty("studyDate").GetString()!, CultureInfo.InvariantCulture);
        // A new, empty server at the configured address: DoseWatch's history is not there.
        Server.Clear();

        var output = await Dcmtk.RunAsync("dotnet", [ModalityDemoApp.CliAssembly(), "fhir-push",
            "--since", studyDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "--until", studyDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            "--target", Server.BaseUrl, .. DatabaseArguments()]);
        // Every study of that day DoseWatch lists (this test's and the other facts' copies of the same sample) is queued.
        var sameDay = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/studies?from={studyDate:yyyy-MM-dd}&to={studyDate:yyyy-MM-dd}&pageSize=500");
        var expected = sameDay.GetProperty("total").GetInt32();
        Assert.Contains($"fhir-push: {expected} stud", output);
        // The catch-up job runs every minute; run it now rather than wait.
        push.App.Services.GetRequiredService<IRecurringJobManager>().Trigger(PushFhirJob.RecurringJobId);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (Server.ObservationsOf(uid).Count == 0 && DateTime.UtcNow < deadline) await Task.Delay(200);
        Assert.Single(Server.ObservationsOf(uid));
        await DeliveryAsync(admin, uid, Sent);
        NothingRejected();

        // Usage errors: exit 2 with the reason.
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => Dcmtk.RunAsync("dotnet", ModalityDemoApp.CliAssembly(), "fhir-push", "--since", "yesterday"));
        Assert.Contains("exited 2", refused.Message);
        Assert.Contains("is not a date", refused.Message);
    }

    private IEnumerable<string> DatabaseArguments()
    {
        var configuration = push.App.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>();
        return string.Equals(configuration["DoseWatch:Database:Provider"], "PostgreSql", StringComparison.OrdinalIgnoreCase)
            ? ["--postgres", configuration["DoseWatch:Database:ConnectionString"]!]
            : ["--data", push.App.DataDirectory];
    }

    private static List<decimal> Components(Observation o, string code) =>
        o.Component.Where(c => c.Code.Coding[0].Code == code).Select(c => ((Quantity)c.Value).Value!.Value).ToList();

    private static async Task<string> CopyWithNewUidsAsync(string sample)
    {
        var file = Path.Combine(Path.GetTempPath(), $"dw-push-{Guid.NewGuid():N}.dcm");
        File.Copy(SharedSamples.Path_(sample), file);
        await Dcmtk.RunAsync("dcmodify", "-nb", "-gst", "-gse", "-gin", file);
        return file;
    }

    /// <summary>The values of the PN, LO and DA elements dcmdump printed, in its order.</summary>
    internal static List<string> DumpedValues(string dump) => DumpedValue().Matches(dump).Select(m => m.Groups[1].Value).ToList();

    [GeneratedRegex(@"\) (?:PN|LO|DA) \[([^\]]*)\]")]
    private static partial Regex DumpedValue();
}
