using System.Diagnostics;
using System.Text.Json;
using DoseWatch.Data.Repositories;
using DoseWatch.Tests;
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

    private RdsrSeries Series => new(fixture, _directory);

    private Task<List<WrittenRdsr>> WriteAsync(params string[] specs) => Series.WriteAsync(specs);

    private Task SendAsync(IEnumerable<WrittenRdsr> files) => Series.SendAsync(files);

    private static double Median(IEnumerable<double> values) => RdsrSeries.Median(values);

    private static Task<JsonElement> AlertsAsync(HttpClient client, string query) => RdsrSeries.AlertsAsync(client, query);

    private static Task<JsonElement> WaitForAlertsAsync(HttpClient client, string query, TimeSpan timeout) => RdsrSeries.WaitForAlertsAsync(client, query, timeout);

    [SamplesFact]
    public async Task Forty_ordinary_rdsrs_then_an_outlier_sent_by_storescu_raise_exactly_one_dose_outlier_alert()
    {
        await fixture.MapAsync("4DCT", "4DCT thorax");
        // Ordinary: CTDIvol × 0.90, 0.92, ..., 1.10 (11 factors) in turn; the outlier × 5.
        var ordinary = await WriteAsync(Enumerable.Range(0, 40).Select(i => FormattableString.Invariant($"ordinary{i:D2}:{0.90 + 0.02 * (i % 11):F2}")).ToArray());
        await SendAsync(ordinary);
        await Series.WaitExtractedAsync(ordinary, TimeSpan.FromSeconds(60));
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
        // The limit for n = 40 earlier studies is 3.5 + 30/40 (OutlierScore.SmallSampleAllowance).
        Assert.Equal(Math.Exp(medianLog) * Math.Exp((3.5 + 30.0 / 40) * 1.4826 * Math.Max(mad, 0.01)), alert.GetProperty("threshold").GetDouble(), 6);
        Assert.Equal(1, (await AlertsAsync(client, "type=dose-outlier&study=" + outlier.StudyInstanceUid)).GetProperty("total").GetInt64());

        var mail = await fixture.Smtp.WaitForMessageAsync(TimeSpan.FromSeconds(20), m => (m.Subject ?? "").Contains(outlier.StudyInstanceUid));
        Assert.Contains(alert.GetProperty("message").GetString()!, mail.TextBody);
        var hook = await fixture.Webhook.WaitForAsync(h => h.GetProperty("studyInstanceUid").GetString() == outlier.StudyInstanceUid && h.GetProperty("type").GetString() == "dose-outlier", TimeSpan.FromSeconds(20));
        Assert.Equal(alert.GetProperty("id").GetInt64(), hook.GetProperty("id").GetInt64());

        // Changed kVp: protocol-deviation. An unknown protocol name: an entry in the review queue, no alert of its own
        // (at most the weekly digest of new names, issue #15).
        var deviations = await WriteAsync("kvp:1:kvp=100", "name:1:protocol=4DCT experimental");
        await SendAsync(deviations);
        var kvp = await WaitForAlertsAsync(client, $"type=protocol-deviation&study={deviations[0].StudyInstanceUid}", TimeSpan.FromSeconds(30));
        var kvpAlert = Assert.Single(kvp.GetProperty("items").EnumerateArray());
        Assert.Equal(("kvp", deviations[0].Events.Single(e => !e.Localizer).Kvp.Single()), (kvpAlert.GetProperty("quantity").GetString(), kvpAlert.GetProperty("value").GetDouble()));
        var protocols = fixture.Service<ProtocolRepository>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(await protocols.ReviewQueueAsync()).Any(q => q.Name.RawName == "4DCT experimental"))
        {
            Assert.True(DateTime.UtcNow < deadline, "the unknown name did not reach the review queue within 30 s");
            await Task.Delay(100);
        }
        var name = await AlertsAsync(client, $"type=protocol-deviation&study={deviations[1].StudyInstanceUid}");
        Assert.All(name.GetProperty("items").EnumerateArray(), a => Assert.Equal("newProtocolNames", a.GetProperty("quantity").GetString()));
        Assert.Equal(0, (await AlertsAsync(client, "type=dose-outlier&study=" + deviations[0].StudyInstanceUid)).GetProperty("total").GetInt64());
    }
}
