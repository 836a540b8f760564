using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using DoseWatch.Data;
using DoseWatch.Data.Repositories;
using DoseWatch.Tests;
using DoseWatch.Web.Tests.Jobs;
using Xunit.Abstractions;

namespace DoseWatch.Web.Tests.Alerts;

/// <summary>
/// Issue #6 acceptance, end to end: 40 RDSRs of one protocol with ordinary CTDIvol, then one far above, sent by DCMTK
/// storescu to the running app: exactly one dose-outlier alert, an e-mail at a real SMTP server and the JSON at a
/// webhook receiver; a study with a changed kVp and one with an unknown protocol name raise protocol-deviation.
/// The RDSRs are copies of a real Siemens RDSR written by pydicom (make_rdsr_series.py), which also reads back the
/// values the expectations are computed from.
/// </summary>
[Collection(nameof(AlertsAppFixture))]
public sealed class StorescuAlertFacts(AlertsAppFixture fixture, ITestOutputHelper output) : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("dosewatch-rdsr-series-");

    public void Dispose() => _directory.Delete(recursive: true);

    private sealed record Written(string Name, string File, string StudyInstanceUid, IReadOnlyList<WrittenEvent> Events);

    private sealed record WrittenEvent(string EventUid, string? Protocol, bool Localizer, double? CtdiVolMGy, IReadOnlyList<double> Kvp);

    private async Task<List<Written>> WriteAsync(params string[] specs)
    {
        var script = Path.Combine(SharedSamples.RepositoryRoot, "tests", "DoseWatch.Web.Tests", "Alerts", "make_rdsr_series.py");
        var stdout = await Dcmtk.RunAsync("/usr/bin/python3", [script, SharedSamples.Path_("openrem/CT-RDSR-Siemens-Multi-2.dcm"), _directory.FullName, .. specs]);
        var options = new JsonSerializerOptions { PropertyNameCaseInsensitive = true };
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith('{')).Select(l => JsonSerializer.Deserialize<Written>(l, options)!).ToList();
    }

    private Task SendAsync(IEnumerable<Written> files) =>
        Dcmtk.RunAsync("storescu", ["-aet", "MODALITY", "-aec", AlertsAppFixture.AeTitle, "127.0.0.1", fixture.DicomPort.ToString(System.Globalization.CultureInfo.InvariantCulture), .. files.Select(f => f.File)]);

    private static double Median(IEnumerable<double> values)
    {
        var s = values.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    private async Task<JsonElement> AlertsAsync(HttpClient client, string query) => await client.GetFromJsonAsync<JsonElement>("/api/v1/alerts?" + query);

    private async Task<JsonElement> WaitForAlertsAsync(HttpClient client, string query, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var page = await AlertsAsync(client, query);
            if (page.GetProperty("total").GetInt64() > 0 || DateTime.UtcNow > deadline) return page;
            await Task.Delay(50);
        }
    }

    [SamplesFact]
    public async Task Forty_ordinary_rdsrs_then_an_outlier_sent_by_storescu_raise_exactly_one_dose_outlier_alert()
    {
        await fixture.MapAsync("4DCT", "4DCT thorax");
        // Ordinary: CTDIvol × 0.90, 0.92, ..., 1.10 (11 factors) in turn; the outlier × 5.
        var ordinary = await WriteAsync(Enumerable.Range(0, 40).Select(i => FormattableString.Invariant($"ordinary{i:D2}:{0.90 + 0.02 * (i % 11):F2}")).ToArray());
        await SendAsync(ordinary);
        var doses = new DoseRecordRepository(fixture.Service<IDbConnectionFactory>());
        var deadline = DateTime.UtcNow.AddSeconds(60);
        foreach (var study in ordinary)
            while (await doses.GetStudyAsync(study.StudyInstanceUid) is null)
            {
                Assert.True(DateTime.UtcNow < deadline, "the 40 RDSRs were not all extracted within 60 s");
                await Task.Delay(100);
            }
        // Let the analyses of the ordinary studies finish (they raise no dose-outlier).
        using var client = fixture.App.CreateHttpClient();
        await Task.Delay(2000);
        foreach (var study in ordinary) Assert.Equal(0, (await AlertsAsync(client, $"type=dose-outlier&study={study.StudyInstanceUid}")).GetProperty("total").GetInt64());

        var outlier = Assert.Single(await WriteAsync("outlier:5"));
        var sent = Stopwatch.StartNew();
        await SendAsync([outlier]);
        var page = await WaitForAlertsAsync(client, $"type=dose-outlier&study={outlier.StudyInstanceUid}", TimeSpan.FromSeconds(30));
        var latency = sent.Elapsed;
        output.WriteLine($"storescu of the outlier → dose-outlier alert in the API: {latency.TotalMilliseconds:F0} ms (storescu process included)");

        var alert = Assert.Single(page.GetProperty("items").EnumerateArray());
        var outlierEvent = outlier.Events.Single(e => !e.Localizer);
        var history = ordinary.Select(o => o.Events.Single(e => !e.Localizer).CtdiVolMGy!.Value).ToList();
        var logs = history.Select(v => Math.Log(v)).ToList();
        var medianLog = Median(logs);
        var mad = Median(logs.Select(l => Math.Abs(l - medianLog)));
        Assert.Equal((outlierEvent.EventUid, "4DCT thorax", "mGy"),
            (alert.GetProperty("eventUid").GetString(), alert.GetProperty("standardProtocol").GetString(), alert.GetProperty("unit").GetString()));
        Assert.Equal(outlierEvent.CtdiVolMGy!.Value, alert.GetProperty("value").GetDouble(), 9);
        Assert.Equal(Math.Exp(medianLog) * Math.Exp(3.5 * 1.4826 * Math.Max(mad, 0.01)), alert.GetProperty("threshold").GetDouble(), 6);
        Assert.Equal(1, (await AlertsAsync(client, "type=dose-outlier&study=" + outlier.StudyInstanceUid)).GetProperty("total").GetInt64());

        var mail = await fixture.Smtp.WaitForMessageAsync(TimeSpan.FromSeconds(20), m => (m.Subject ?? "").Contains(outlier.StudyInstanceUid));
        Assert.Contains(alert.GetProperty("message").GetString()!, mail.TextBody);
        var hook = await fixture.Webhook.WaitForAsync(h => h.GetProperty("studyInstanceUid").GetString() == outlier.StudyInstanceUid && h.GetProperty("type").GetString() == "dose-outlier", TimeSpan.FromSeconds(20));
        Assert.Equal(alert.GetProperty("id").GetInt64(), hook.GetProperty("id").GetInt64());

        // Changed kVp and an unknown protocol name: protocol-deviation.
        var deviations = await WriteAsync("kvp:1:kvp=100", "name:1:protocol=4DCT experimental");
        await SendAsync(deviations);
        var kvp = await WaitForAlertsAsync(client, $"type=protocol-deviation&study={deviations[0].StudyInstanceUid}", TimeSpan.FromSeconds(30));
        var kvpAlert = Assert.Single(kvp.GetProperty("items").EnumerateArray());
        Assert.Equal(("kvp", deviations[0].Events.Single(e => !e.Localizer).Kvp.Single()), (kvpAlert.GetProperty("quantity").GetString(), kvpAlert.GetProperty("value").GetDouble()));
        var name = await WaitForAlertsAsync(client, $"type=protocol-deviation&study={deviations[1].StudyInstanceUid}", TimeSpan.FromSeconds(30));
        Assert.Equal("4DCT experimental", Assert.Single(name.GetProperty("items").EnumerateArray()).GetProperty("evidence").GetProperty("rawProtocol").GetString());
        Assert.Equal(0, (await AlertsAsync(client, "type=dose-outlier&study=" + deviations[0].StudyInstanceUid)).GetProperty("total").GetInt64());
    }
}
