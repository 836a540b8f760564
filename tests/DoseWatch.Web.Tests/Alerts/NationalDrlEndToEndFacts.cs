using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using DoseWatch.Data;
using DoseWatch.Data.Repositories;
using DoseWatch.Tests;
using DoseWatch.Web.Tests.Jobs;

namespace DoseWatch.Web.Tests.Alerts;

/// <summary>
/// National DRLs on by default (issue #15 item 4), judged as ICRP 135 defines a DRL: on the device's median, end to end on
/// a fresh installation with no rule edited and no protocol mapped. Copies of a real Siemens chest RDSR written by pydicom
/// with their own study dates and times, sent by storescu: one study at five times the dose among 19 ordinary ones raises
/// no DRL alert; twenty more at five times the dose take the device's median of the latest 20 above the DRL, which raises
/// one CTDIvol and one DLP alert for the month, whose value is the median of the 20 studies up to the one that carries it
/// (computed here from what pydicom reads back). The levels are read from the UK table in
/// ../shared/reference/dicom-dose-reference.md §8.2 at test time, not from DoseWatch.
/// </summary>
public sealed class NationalDrlEndToEndFacts : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("dosewatch-drl-");

    public void Dispose() => _directory.Delete(recursive: true);

    private sealed record Written(string Name, string File, string StudyInstanceUid, string StudyDate, string StudyTime, IReadOnlyList<WrittenEvent> Events, double? DlpTotalMGyCm);

    private sealed record WrittenEvent(string EventUid, bool Localizer, double? CtdiVolMGy, double? DlpMGyCm, string? TargetRegion);

    /// <summary>CTDIvol (mGy) and DLP (mGy·cm) of one examination row of the reference's UK DRL table as the table writes them ("47", "790"; "–" for none).</summary>
    internal static (string CtdiVol, string Dlp) UkRowAsWritten(string examination)
    {
        var lines = File.ReadAllLines(Path.Combine(SharedSamples.SharedDirectory, "reference", "dicom-dose-reference.md"));
        var start = Array.FindIndex(lines, l => l.StartsWith("### 8.2 Diagnostic reference levels", StringComparison.Ordinal));
        Assert.True(start >= 0, "§8.2 not found in the reference");
        var row = lines.Skip(start).First(l => l.StartsWith($"| {examination} |", StringComparison.Ordinal));
        var cells = row.Split('|', StringSplitOptions.TrimEntries).Where(c => c.Length > 0).ToArray();
        return (cells[1], cells[2]);
    }

    /// <summary>CTDIvol (mGy) and DLP (mGy·cm) of one examination row of the reference's UK DRL table ("–" is null).</summary>
    private static (double? CtdiVol, double? Dlp) ReferenceRow(string examination)
    {
        var (ctdiVol, dlp) = UkRowAsWritten(examination);
        static double? Number(string cell) => double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;
        return (Number(ctdiVol), Number(dlp));
    }

    [SamplesFact]
    public async Task A_devices_median_above_its_national_DRL_raises_one_alert_per_quantity_and_month_and_one_high_study_none()
    {
        var port = DoseWatchApp.FreeTcpPort();
        await using var app = await DoseWatchApp.StartAsync(new Dictionary<string, string?>
        {
            ["Dicom:AeTitle"] = "DW_DRL",
            ["Dicom:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["DoseWatch:Jobs:QueuePollInterval"] = "00:00:00.2",
        });
        var script = Path.Combine(SharedSamples.RepositoryRoot, "tests", "DoseWatch.Web.Tests", "Alerts", "make_rdsr_series.py");
        async Task<List<Written>> WriteAsync(IEnumerable<string> specs) =>
            (await Dcmtk.RunAsync("/usr/bin/python3", [script, SharedSamples.Path_("openrem/CT-RDSR-Siemens-Multi-2.dcm"), _directory.FullName, .. specs]))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith('{'))
            .Select(l => JsonSerializer.Deserialize<Written>(l, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!).ToList();
        // 5 January 2026: 19 ordinary chest CTs from 08:00, a minute apart, then one at five times the dose at 09:30.
        var first = await WriteAsync([.. Enumerable.Range(0, 19).Select(i => $"usual{i:D2}:1:date=20260105:time=08{i:D2}00"), "single:5:date=20260105:time=093000"]);
        // 6 January: twenty more at five times the dose.
        var drift = await WriteAsync(Enumerable.Range(0, 20).Select(i => $"drift{i:D2}:5:date=20260106:time=08{i:D2}00"));
        var single = first.Single(w => w.Name == "single");
        Assert.All(single.Events, e => Assert.Equal("Chest", e.TargetRegion)); // every event is a chest acquisition: the routine chest row applies
        var (ctdiVolDrl, dlpDrl) = ReferenceRow("Chest (lung cancer)");
        static double Spiral(Written w) => w.Events.Single(e => !e.Localizer).CtdiVolMGy!.Value;
        Assert.True(Spiral(single) > ctdiVolDrl && single.DlpTotalMGyCm > dlpDrl, "the scaled copies are meant to be above both levels");
        Assert.All(first.Where(w => w != single), w => Assert.True(Spiral(w) < ctdiVolDrl && w.DlpTotalMGyCm < dlpDrl));

        using var client = app.CreateHttpClient();
        var doses = new DoseRecordRepository(app.Services.GetService(typeof(IDbConnectionFactory)) as IDbConnectionFactory ?? throw new InvalidOperationException());
        var deadline = DateTime.UtcNow.AddSeconds(120);
        async Task SendAndWaitAsync(List<Written> files)
        {
            await Dcmtk.RunAsync("storescu", ["-aet", "MODALITY", "-aec", "DW_DRL", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), .. files.Select(f => f.File)]);
            foreach (var f in files)
                while (await doses.GetStudyAsync(f.StudyInstanceUid) is null) { Assert.True(DateTime.UtcNow < deadline, "not all extracted in time"); await Task.Delay(100); }
            await Task.Delay(3000); // each study's analysis job runs right after its extraction
        }
        async Task<List<JsonElement>> DrlAlertsAsync() =>
            (await client.GetFromJsonAsync<JsonElement>("/api/v1/alerts?type=drl-exceeded&pageSize=500")).GetProperty("items").EnumerateArray().ToList();

        await SendAndWaitAsync(first);
        Assert.Empty(await DrlAlertsAsync()); // one study above the DRL, the device's median below it

        await SendAndWaitAsync(drift);
        var alerts = await DrlAlertsAsync();
        while (alerts.Count < 2 && DateTime.UtcNow < deadline) { await Task.Delay(200); alerts = await DrlAlertsAsync(); }
        Assert.Equal(["ctdivol", "dlp"], alerts.Select(a => a.GetProperty("quantity").GetString()).Order());
        var ordered = first.Concat(drift).OrderBy(w => w.StudyDate, StringComparer.Ordinal).ThenBy(w => w.StudyTime, StringComparer.Ordinal).ToList();
        foreach (var alert in alerts)
        {
            var perExamination = alert.GetProperty("quantity").GetString() == "dlp";
            var carrier = Assert.Single(ordered, w => w.StudyInstanceUid == alert.GetProperty("studyInstanceUid").GetString());
            Assert.Contains(carrier, drift);
            // The sample: the 20 studies up to and including the one that carries the alert, by study date and time.
            var index = ordered.IndexOf(carrier);
            var sample = ordered.Skip(index - 19).Take(20).Select(w => perExamination ? w.DlpTotalMGyCm!.Value : Spiral(w)).ToList();
            Assert.Equal(RdsrSeries.Median(sample), alert.GetProperty("value").GetDouble(), 6);
            Assert.Equal(perExamination ? dlpDrl!.Value : ctdiVolDrl!.Value, alert.GetProperty("threshold").GetDouble());
            Assert.True(alert.GetProperty("value").GetDouble() > alert.GetProperty("threshold").GetDouble());
            Assert.Matches("^drl-median:.+:Chest \\(lung cancer\\):2026-01$", alert.GetProperty("eventUid").GetString());
            Assert.Contains("of the last 20 Chest (lung cancer) CT studies", alert.GetProperty("message").GetString());
        }
        Assert.DoesNotContain(alerts, a => a.GetProperty("studyInstanceUid").GetString() == single.StudyInstanceUid);
    }
}
