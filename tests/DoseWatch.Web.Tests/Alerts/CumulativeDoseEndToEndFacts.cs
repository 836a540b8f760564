using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using DoseWatch.Core.Access;
using DoseWatch.Core.Analysis;
using DoseWatch.Data;
using DoseWatch.Data.Repositories;
using DoseWatch.Tests;
using DoseWatch.Web.Alerts;
using DoseWatch.Web.Tests.Jobs;

namespace DoseWatch.Web.Tests.Alerts;

/// <summary>
/// Issue #6, cumulative per-patient dose end to end: a real GE fluoroscopy RDSR copied three times by DCMTK dcmodify
/// into one patient's three studies (same Patient ID, new Study/Series/SOP Instance UIDs, dates 20 days apart), sent
/// one by one with storescu. pydicom reads the three files (fluoro_event_doses.py) and the test converts its units:
/// the expected sums and the threshold of the Ka,r rule (between two and three studies' worth) come from that reading.
/// Exactly one cumulative-dose alert appears, on the third study, with the sum of the three.
/// </summary>
[Collection(nameof(AlertsAppFixture))]
public sealed class CumulativeDoseEndToEndFacts(AlertsAppFixture fixture) : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("dosewatch-cumulative-");

    public void Dispose() => _directory.Delete(recursive: true);

    private sealed record Reading(string File, string StudyInstanceUid, string PatientId, string StudyDate, IReadOnlyList<EventReading> Events, AccumulatedReading Accumulated);

    private sealed record AccumulatedReading(Measured? DoseRp, Measured? Dap, Measured? FluoroTime);

    private sealed record EventReading(string? Type, Measured? DoseRp, Measured? Dap, Measured? Duration);

    private sealed record Measured(double Value, string? Unit);

    /// <summary>
    /// Per-study totals in DoseWatch's units: Ka,r in Gy, DAP in Gy·cm², fluoroscopy time in s; the device's accumulated
    /// values where the report gives them (issue #15 item 5), else the sums over its events (fluoroscopy events for time).
    /// </summary>
    private static (double DoseRpGy, double DapGyCm2, double FluoroS) Totals(Reading r) =>
        (r.Accumulated.DoseRp is { } rp ? Gy(rp) : r.Events.Sum(e => e.DoseRp is { } d ? Gy(d) : 0),
         r.Accumulated.Dap is { } dap ? GyCm2(dap) : r.Events.Sum(e => e.Dap is { } d ? GyCm2(d) : 0),
         r.Accumulated.FluoroTime is { } time ? Seconds(time) : r.Events.Where(e => e.Type is "P5-06000" or "44491008").Sum(e => e.Duration is { } d ? Seconds(d) : 0));

    private static double Gy(Measured m) => m.Unit switch { "Gy" => m.Value, "mGy" => m.Value / 1000, _ => throw new InvalidDataException($"Ka,r unit {m.Unit}") };

    // 1 m² = 10,000 cm².
    private static double GyCm2(Measured m) => m.Unit switch
    {
        "Gy.m2" or "Gym2" => m.Value * 10_000, "Gy.cm2" => m.Value, "dGy.cm2" => m.Value / 10, "mGy.cm2" => m.Value / 1000, _ => throw new InvalidDataException($"DAP unit {m.Unit}"),
    };

    private static double Seconds(Measured m) => m.Unit switch { "s" => m.Value, "ms" => m.Value / 1000, "min" => m.Value * 60, _ => throw new InvalidDataException($"duration unit {m.Unit}") };

    [SamplesFact]
    public async Task Three_fluoroscopy_studies_of_one_patient_sent_by_storescu_raise_one_cumulative_dose_alert()
    {
        var sample = SharedSamples.Path_("openrem/RF-RDSR-GE.dcm");
        var patientId = $"DWCUM{Random.Shared.Next(100_000, 999_999)}";
        var firstDay = new DateOnly(2026, 1, 5);
        var files = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var file = Path.Combine(_directory.FullName, $"study{i}.dcm");
            File.Copy(sample, file);
            await Dcmtk.RunAsync("dcmodify", "-nb", "-gst", "-gse", "-gin", "-m", $"(0010,0020)={patientId}",
                "-m", $"(0008,0020)={firstDay.AddDays(20 * i):yyyyMMdd}", file);
            files.Add(file);
        }
        var stdout = await Dcmtk.RunAsync("/usr/bin/python3", [Path.Combine(SharedSamples.RepositoryRoot, "tests", "DoseWatch.Web.Tests", "Alerts", "fluoro_event_doses.py"), .. files]);
        var readings = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith('{'))
            .Select(l => JsonSerializer.Deserialize<Reading>(l, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!).ToList();
        Assert.Equal(3, readings.Select(r => r.StudyInstanceUid).Distinct().Count());
        Assert.All(readings, r => Assert.Equal(patientId, r.PatientId));
        var totals = readings.Select(Totals).ToList();
        Assert.All(totals, t => Assert.True(t.DoseRpGy > 0));

        // The Ka,r rule's threshold: the first two studies stay below it, the third crosses it.
        var rules = fixture.Service<RuleRepository>();
        var doseRpRule = (await rules.ListAsync()).Single(r => r.Type == RuleType.CumulativeDose && r.Parameter(RuleParameters.Quantity) == "doserp");
        var threshold = totals[0].DoseRpGy + totals[1].DoseRpGy + totals[2].DoseRpGy / 2;
        Assert.True(await rules.UpdateAsync(doseRpRule with { Threshold = threshold }, "test"));
        try
        {
            var doses = new DoseRecordRepository(fixture.Service<IDbConnectionFactory>());
            foreach (var reading in readings)
            {
                // One at a time: each study is stored before the next arrives (the window is by study date anyway).
                await Dcmtk.RunAsync("storescu", "-aet", "FLUORO", "-aec", AlertsAppFixture.AeTitle, "127.0.0.1",
                    fixture.DicomPort.ToString(CultureInfo.InvariantCulture), reading.File);
                var deadline = DateTime.UtcNow.AddSeconds(30);
                while (await doses.GetStudyAsync(reading.StudyInstanceUid) is null)
                {
                    Assert.True(DateTime.UtcNow < deadline, $"study {reading.StudyInstanceUid} was not extracted within 30 s");
                    await Task.Delay(100);
                }
            }

            using var client = fixture.App.CreateHttpClient(Roles.Qa);
            var third = readings[2].StudyInstanceUid;
            JsonElement alert = default;
            var until = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < until)
            {
                var page = await client.GetFromJsonAsync<JsonElement>($"/api/v1/alerts?type=cumulative-dose&study={third}");
                if (page.GetProperty("total").GetInt64() > 0) { alert = Assert.Single(page.GetProperty("items").EnumerateArray()); break; }
                await Task.Delay(100);
            }
            Assert.Equal(JsonValueKind.Object, alert.ValueKind);
            Assert.Equal(("doserp", "Gy", doseRpRule.Id), (alert.GetProperty("quantity").GetString(), alert.GetProperty("unit").GetString(), alert.GetProperty("rule").GetProperty("id").GetInt64()));
            Assert.Equal(totals.Sum(t => t.DoseRpGy), alert.GetProperty("value").GetDouble(), 9);
            Assert.Equal(threshold, alert.GetProperty("threshold").GetDouble(), 12);
            Assert.Equal(readings[0].StudyInstanceUid + "=", alert.GetProperty("evidence").GetProperty("facts").GetProperty("earlierStudies").GetString()![..(readings[0].StudyInstanceUid.Length + 1)]);

            // Let the first two analyses finish too: no other cumulative-dose alert for this patient's studies. DAP and
            // fluoroscopy time stay at their substantial dose levels (500 Gy·cm², 3600 s), far above three of these studies.
            Assert.True(totals.Sum(t => t.DapGyCm2) < FluoroscopySubstantialDoseLevels.DapGyCm2 && totals.Sum(t => t.FluoroS) < FluoroscopySubstantialDoseLevels.FluoroTimeS);
            await Task.Delay(1000);
            foreach (var reading in readings)
                Assert.Equal(reading == readings[2] ? 1 : 0,
                    (await client.GetFromJsonAsync<JsonElement>($"/api/v1/alerts?type=cumulative-dose&study={reading.StudyInstanceUid}")).GetProperty("total").GetInt64());
        }
        finally
        {
            await rules.UpdateAsync(doseRpRule, "test");
        }
    }

    [SamplesFact]
    public async Task A_canon_alphenix_study_with_70_s_of_fluoroscopy_raises_no_substantial_dose_alert()
    {
        // Issue #15 item 5: this RDSR's fluoroscopy events list durations that sum to thousands of seconds, its
        // Total Fluoro Time is what the device counted. pydicom reads both; the alerts must judge the device's total.
        var file = Path.Combine(_directory.FullName, "alphenix.dcm");
        File.Copy(SharedSamples.Path_("openrem/RF-RDSR-Canon-Alphenix-rotational.dcm"), file);
        // A study of its own (the sample may be in this app's database from other tests).
        await Dcmtk.RunAsync("dcmodify", "-nb", "-gst", "-gse", "-gin", file);
        var stdout = await Dcmtk.RunAsync("/usr/bin/python3", [Path.Combine(SharedSamples.RepositoryRoot, "tests", "DoseWatch.Web.Tests", "Alerts", "fluoro_event_doses.py"), file]);
        var reading = JsonSerializer.Deserialize<Reading>(stdout.Split('\n').First(l => l.StartsWith('{')), new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
        var reportedSeconds = Seconds(reading.Accumulated.FluoroTime!);
        var eventSeconds = reading.Events.Where(e => e.Type is "P5-06000" or "44491008").Sum(e => e.Duration is { } d ? Seconds(d) : 0);
        Assert.True(reportedSeconds < FluoroscopySubstantialDoseLevels.FluoroTimeS && eventSeconds >= FluoroscopySubstantialDoseLevels.FluoroTimeS,
            $"the sample reports {reportedSeconds} s, its fluoroscopy events last {eventSeconds} s");

        await Dcmtk.RunAsync("storescu", "-aet", "ALPHENIX", "-aec", AlertsAppFixture.AeTitle, "127.0.0.1", fixture.DicomPort.ToString(CultureInfo.InvariantCulture), file);
        var doses = new DoseRecordRepository(fixture.Service<IDbConnectionFactory>());
        var deadline = DateTime.UtcNow.AddSeconds(30);
        StudyRecord? record;
        while ((record = await doses.GetStudyAsync(reading.StudyInstanceUid)) is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the study was not extracted within 30 s");
            await Task.Delay(100);
        }
        // Analysed here as well as by its job: alerts are stored once per (study, event, rule), so the list below is complete.
        await fixture.Service<AnalyzeStudyJob>().AnalyzeAsync(reading.StudyInstanceUid, CancellationToken.None);

        Assert.Equal(reportedSeconds, record.Totals.FluoroTimeTotalS!.Value, 9);
        using var client = fixture.App.CreateHttpClient(Roles.Qa);
        var alerts = (await client.GetFromJsonAsync<JsonElement>($"/api/v1/alerts?study={reading.StudyInstanceUid}&pageSize=100")).GetProperty("items").EnumerateArray().ToList();
        Assert.DoesNotContain(alerts, a => a.GetProperty("quantity").GetString() == DoseQuantity.FluoroTime.Name);
        Assert.DoesNotContain(alerts, a => a.GetProperty("message").GetString()!.Contains("substantial radiation dose level", StringComparison.Ordinal));
    }
}
