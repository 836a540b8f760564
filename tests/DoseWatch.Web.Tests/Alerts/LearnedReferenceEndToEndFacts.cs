using System.Globalization;
using System.Text.Json;
using DoseWatch.Data.Repositories;
using DoseWatch.Tests;

namespace DoseWatch.Web.Tests.Alerts;

/// <summary>
/// Issue #15 acceptance, end to end (storescu → inbox → extraction and analysis jobs → /api/v1/alerts): a CT scanner
/// sends 30 routine RDSRs of one protocol (copies of a real Siemens RDSR made at test time by pydicom with new UIDs and
/// CTDIvol × 0.90 … 1.10), then one at 5 × the usual CTDIvol and one at 100 kV: exactly one dose-outlier alert and one
/// kVp deviation, and no alert per study for the protocol name, whether the name maps to nothing (the reference is
/// learned from the raw name) or to a standard protocol. Runs on SQLite, and on PostgreSQL with DOSEWATCH_TEST_DATABASE=postgres.
/// </summary>
[Collection(nameof(AlertsAppFixture))]
public sealed class LearnedReferenceEndToEndFacts(AlertsAppFixture fixture) : IDisposable
{
    private const int Routine = 30;
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("dosewatch-learned-");

    public void Dispose() => _directory.Delete(recursive: true);

    [SamplesFact]
    public Task An_unmapped_name_learns_from_its_own_history() => RunAsync($"Thorax learn {Guid.NewGuid():N}"[..24], standard: null);

    [SamplesFact]
    public Task A_mapped_name_is_judged_against_its_standard_protocol() => RunAsync($"Chest mapped {Guid.NewGuid():N}"[..24], standard: "Chest learned E2E " + Guid.NewGuid().ToString("N")[..6]);

    private async Task RunAsync(string protocol, string? standard)
    {
        if (standard is not null) await fixture.MapAsync(protocol, standard);
        var series = new RdsrSeries(fixture, _directory);
        var routine = await series.WriteAsync(Enumerable.Range(0, Routine)
            .Select(i => FormattableString.Invariant($"routine{i:D2}:{0.90 + 0.02 * (i % 11):F2}:protocol={protocol}")).ToArray());
        await series.SendAsync(routine);
        await series.WaitExtractedAsync(routine, TimeSpan.FromSeconds(90));
        using var client = fixture.App.CreateHttpClient();
        await Task.Delay(2000); // the routine studies' analyses finish (each only learns or finds nothing)

        // One after the other, so that the outlier is judged against exactly the 30 routine studies.
        var outlier = Assert.Single(await series.WriteAsync($"outlier:5:protocol={protocol}"));
        await series.SendAsync([outlier]);
        var outlierPage = await RdsrSeries.WaitForAlertsAsync(client, $"type=dose-outlier&study={outlier.StudyInstanceUid}", TimeSpan.FromSeconds(30));
        var kvp = Assert.Single(await series.WriteAsync($"kvp:1:kvp=100:protocol={protocol}"));
        await series.SendAsync([kvp]);
        var kvpPage = await RdsrSeries.WaitForAlertsAsync(client, $"type=protocol-deviation&study={kvp.StudyInstanceUid}", TimeSpan.FromSeconds(30));
        await Task.Delay(1000); // anything else the two analyses raise is stored by now

        // Exactly one dose-outlier alert, on the outlier's scan, with the threshold computed here from pydicom's readings.
        var alert = Assert.Single(outlierPage.GetProperty("items").EnumerateArray());
        var scan = outlier.Events.Single(e => !e.Localizer);
        var logs = routine.Select(r => Math.Log(r.Events.Single(e => !e.Localizer).CtdiVolMGy!.Value)).ToList();
        var medianLog = RdsrSeries.Median(logs);
        var mad = RdsrSeries.Median(logs.Select(l => Math.Abs(l - medianLog)));
        Assert.Equal((scan.EventUid, "ctdivol", "mGy", standard), (alert.GetProperty("eventUid").GetString(), alert.GetProperty("quantity").GetString(),
            alert.GetProperty("unit").GetString(), alert.GetProperty("standardProtocol").GetString()));
        Assert.Equal(scan.CtdiVolMGy!.Value, alert.GetProperty("value").GetDouble(), 9);
        Assert.Equal(Math.Exp(medianLog) * Math.Exp((3.5 + 30.0 / Routine) * 1.4826 * Math.Max(mad, 0.01)), alert.GetProperty("threshold").GetDouble(), 6);
        var facts = alert.GetProperty("evidence").GetProperty("facts");
        Assert.Equal((standard is null ? "raw protocol name" : "standard protocol", Routine.ToString(CultureInfo.InvariantCulture)),
            (facts.GetProperty("referenceLearnedFrom").GetString(), facts.GetProperty("referenceStudies").GetString()));
        Assert.Contains(standard is null ? $"raw protocol name '{protocol}'" : $"standard protocol {standard}", alert.GetProperty("message").GetString());

        // Exactly one kVp deviation, naming 100 kV as pydicom wrote it; the kVp study raises no dose outlier.
        var deviation = Assert.Single(kvpPage.GetProperty("items").EnumerateArray());
        Assert.Equal(("kvp", kvp.Events.Single(e => !e.Localizer).Kvp.Single()), (deviation.GetProperty("quantity").GetString(), deviation.GetProperty("value").GetDouble()));
        Assert.Equal(standard is null ? "raw protocol name" : "standard protocol", deviation.GetProperty("evidence").GetProperty("facts").GetProperty("referenceLearnedFrom").GetString());
        Assert.Equal(0, (await RdsrSeries.AlertsAsync(client, $"type=dose-outlier&study={kvp.StudyInstanceUid}")).GetProperty("total").GetInt64());
        Assert.Equal(0, (await RdsrSeries.AlertsAsync(client, $"type=protocol-deviation&study={outlier.StudyInstanceUid}")).GetProperty("total").GetInt64());

        // No alert per study for the name: no routine study has a dose outlier or a deviation; at most one of them
        // carries the weekly digest of new names (only when the name is unmapped and no digest was raised this week).
        var routineAlerts = new List<JsonElement>();
        foreach (var study in routine)
            routineAlerts.AddRange((await RdsrSeries.AlertsAsync(client, $"study={study.StudyInstanceUid}")).GetProperty("items").EnumerateArray()
                .Where(a => a.GetProperty("type").GetString() is "dose-outlier" or "protocol-deviation"));
        Assert.All(routineAlerts, a => Assert.Equal("newProtocolNames", a.GetProperty("quantity").GetString()));
        Assert.True(routineAlerts.Count <= (standard is null ? 1 : 0), $"{routineAlerts.Count} alerts on the routine studies");
        if (standard is null)
        {
            var entry = Assert.Single(await fixture.Service<ProtocolRepository>().ReviewQueueAsync(), q => q.Name.RawName == protocol);
            Assert.Equal(Routine + 2, entry.Name.Occurrences);
        }
    }
}
