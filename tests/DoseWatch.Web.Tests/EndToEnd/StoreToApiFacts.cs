using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DoseWatch.Tests;
using DoseWatch.Web.Tests.Jobs;

namespace DoseWatch.Web.Tests.EndToEnd;

/// <summary>
/// The whole product path with nothing scripted: DCMTK storescu → our Store SCP → durable inbox → Hangfire job → real
/// extraction → SQLite → REST API. Expected values come from pydicom (tests/DoseWatch.Core.Tests/independent/read_dose.py)
/// reading the same file at test time; units are checked to be the canonical ones before comparing.
/// </summary>
public sealed class StoreToApiFacts : IAsyncLifetime
{
    private readonly string _aeTitle = $"DW{Random.Shared.Next(100000, 999999)}";
    private readonly int _dicomPort = DoseWatchApp.FreeTcpPort();
    private DoseWatchApp _app = null!;

    public async Task InitializeAsync() => _app = await DoseWatchApp.StartAsync(new Dictionary<string, string?>
    {
        ["Dicom:AeTitle"] = _aeTitle,
        ["Dicom:Port"] = _dicomPort.ToString(),
        ["DoseWatch:Jobs:QueuePollInterval"] = "00:00:00.200",
    });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [SamplesTheory]
    [InlineData("openrem/CT-RDSR-Siemens-Multi-2.dcm")]
    [InlineData("openrem/CT-RDSR-GEPixelMed.dcm")]
    public async Task A_ct_rdsr_sent_by_storescu_is_served_by_the_api_with_pydicoms_values(string sample)
    {
        var path = SharedSamples.Path_(sample);
        var independent = PydicomReading(path);
        var studyUid = independent.GetProperty("studyInstanceUid").GetString()!;

        var sent = Stopwatch.StartNew();
        await Dcmtk.RunAsync("storescu", "-aet", "E2E_SCU", "-aec", _aeTitle, "127.0.0.1", _dicomPort.ToString(), path);
        var study = await WaitForStudyAsync(studyUid, TimeSpan.FromSeconds(30));
        // Latency is measured by the benchmark; here it is only reported, so a loaded CI machine cannot make this flaky.
        Console.WriteLine($"{sample}: C-STORE to queryable in {sent.ElapsedMilliseconds} ms");

        var expectedEvents = ExpectedCtEvents(independent);
        var events = study.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(expectedEvents.Count, events.Count);
        foreach (var (uid, ctdiVolMGy, dlpMGyCm) in expectedEvents)
        {
            var e = Assert.Single(events, x => x.GetProperty("irradiationEventUid").GetString() == uid);
            AssertSame(ctdiVolMGy, e.GetProperty("ctdiVolMGy"));
            AssertSame(dlpMGyCm, e.GetProperty("dlpMGyCm"));
        }
        Assert.Equal(independent.GetProperty("manufacturer").GetString(), study.GetProperty("device").GetProperty("manufacturer").GetString());
    }

    [SamplesFact]
    public async Task A_non_dose_sr_is_set_aside_with_its_reason_and_no_study_appears()
    {
        var path = SharedSamples.Path_("openrem/ESR_non-dose.dcm");
        var independent = PydicomReading(path);
        var sop = independent.GetProperty("sopInstanceUid").GetString()!;

        await Dcmtk.RunAsync("storescu", "-aet", "E2E_SCU", "-aec", _aeTitle, "127.0.0.1", _dicomPort.ToString(), path);

        using var client = _app.CreateHttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonElement row;
        while (true)
        {
            var page = await client.GetFromJsonAsync<JsonElement>("/api/v1/instances?status=not_dose");
            var match = page.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("sopInstanceUid").GetString() == sop).ToList();
            if (match.Count == 1) { row = match[0]; break; }
            Assert.True(DateTime.UtcNow < deadline, "the non-dose SR never reached status not_dose");
            await Task.Delay(100);
        }
        Assert.False(string.IsNullOrWhiteSpace(row.GetProperty("statusReason").GetString()));
        var studyUid = independent.GetProperty("studyInstanceUid").GetString()!;
        using var response = await client.GetAsync($"/api/v1/studies/{studyUid}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static void AssertSame(double? expected, JsonElement actual)
    {
        if (expected is null) { Assert.Equal(JsonValueKind.Null, actual.ValueKind); return; }
        Assert.True(Math.Abs(expected.Value - actual.GetDouble()) <= 1e-9 * Math.Max(1, Math.Abs(expected.Value)), $"expected {expected}, API has {actual}");
    }

    private async Task<JsonElement> WaitForStudyAsync(string studyUid, TimeSpan timeout)
    {
        using var client = _app.CreateHttpClient();
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using var response = await client.GetAsync($"/api/v1/studies/{studyUid}");
            if (response.IsSuccessStatusCode)
            {
                var study = await response.Content.ReadFromJsonAsync<JsonElement>();
                if (study.GetProperty("events").GetArrayLength() > 0) return study;
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"study {studyUid} not queryable after {timeout}");
            await Task.Delay(50);
        }
    }

    private static JsonElement PydicomReading(string path)
    {
        var script = Path.Combine(SharedSamples.RepositoryRoot, "tests", "DoseWatch.Core.Tests", "independent", "read_dose.py");
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(path);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), "read_dose.py timed out");
        Assert.True(process.ExitCode == 0, $"read_dose.py failed: {stderr.Result}");
        return JsonDocument.Parse(stdout.Result).RootElement.Clone();
    }

    /// <summary>Per CT irradiation event (TID 10013): its UID, Mean CTDIvol (113830, DCM) and DLP (113838, DCM), in mGy and mGy·cm.</summary>
    private static List<(string Uid, double? CtdiVolMGy, double? DlpMGyCm)> ExpectedCtEvents(JsonElement reading)
    {
        var result = new List<(string, double?, double?)>();
        foreach (var ev in reading.GetProperty("events").EnumerateArray())
        {
            var items = ev.GetProperty("items").EnumerateArray().ToList();
            string? uid = null;
            double? ctdi = null, dlp = null;
            foreach (var item in items)
            {
                var concept = item.GetProperty("concept");
                var key = (concept.GetProperty("code").GetString(), concept.GetProperty("scheme").GetString());
                if (key == ("113769", "DCM")) uid = item.GetProperty("text").GetString();
                else if (key == ("113830", "DCM")) ctdi = Num(item, "mGy");
                else if (key == ("113838", "DCM")) dlp = Num(item, "mGy.cm");
            }
            result.Add((uid ?? throw new InvalidOperationException("an event without an Irradiation Event UID"), ctdi, dlp));
        }
        return result;
    }

    // The canonical units are the ones these samples use; any other unit would need an explicit conversion here.
    private static double? Num(JsonElement item, string canonicalUcum)
    {
        var values = item.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToList();
        if (values.Count == 0) return null;
        Assert.Equal(canonicalUcum, item.GetProperty("unit").GetString());
        return values[0];
    }
}
