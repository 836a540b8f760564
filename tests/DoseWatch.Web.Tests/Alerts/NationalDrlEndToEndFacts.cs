using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using DoseWatch.Data;
using DoseWatch.Data.Repositories;
using DoseWatch.Tests;
using DoseWatch.Web.Tests.Jobs;

namespace DoseWatch.Web.Tests.Alerts;

/// <summary>
/// National DRLs on by default (issue #15 item 4), end to end on a fresh installation with no rule edited and no protocol
/// mapped: copies of a real Siemens chest RDSR written by pydicom, sent by storescu; the study at five times the dose
/// gets a DRL alert for its spiral sequence's CTDIvol and one for its DLP, the unchanged study none. The levels are read
/// from the UK table in ../shared/reference/dicom-dose-reference.md §8.2 at test time, not from DoseWatch.
/// </summary>
public sealed class NationalDrlEndToEndFacts : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("dosewatch-drl-");

    public void Dispose() => _directory.Delete(recursive: true);

    private sealed record Written(string Name, string File, string StudyInstanceUid, IReadOnlyList<WrittenEvent> Events, double? DlpTotalMGyCm);

    private sealed record WrittenEvent(string EventUid, bool Localizer, double? CtdiVolMGy, double? DlpMGyCm, string? TargetRegion);

    internal static (double? CtdiVol, double? Dlp) UkRow(string examination) => ReferenceRow(examination);

    /// <summary>CTDIvol (mGy) and DLP (mGy·cm) of one examination row of the reference's UK DRL table ("–" is null).</summary>
    private static (double? CtdiVol, double? Dlp) ReferenceRow(string examination)
    {
        var lines = File.ReadAllLines(Path.Combine(SharedSamples.SharedDirectory, "reference", "dicom-dose-reference.md"));
        var start = Array.FindIndex(lines, l => l.StartsWith("### 8.2 Diagnostic reference levels", StringComparison.Ordinal));
        Assert.True(start >= 0, "§8.2 not found in the reference");
        var row = lines.Skip(start).First(l => l.StartsWith($"| {examination} |", StringComparison.Ordinal));
        var cells = row.Split('|', StringSplitOptions.TrimEntries).Where(c => c.Length > 0).ToArray();
        static double? Number(string cell) => double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;
        return (Number(cells[1]), Number(cells[2]));
    }

    [SamplesFact]
    public async Task A_study_above_its_national_DRL_raises_DRL_alerts_on_a_fresh_installation()
    {
        var port = DoseWatchApp.FreeTcpPort();
        await using var app = await DoseWatchApp.StartAsync(new Dictionary<string, string?>
        {
            ["Dicom:AeTitle"] = "DW_DRL",
            ["Dicom:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["DoseWatch:Jobs:QueuePollInterval"] = "00:00:00.2",
        });
        var script = Path.Combine(SharedSamples.RepositoryRoot, "tests", "DoseWatch.Web.Tests", "Alerts", "make_rdsr_series.py");
        var stdout = await Dcmtk.RunAsync("/usr/bin/python3", [script, SharedSamples.Path_("openrem/CT-RDSR-Siemens-Multi-2.dcm"), _directory.FullName, "above:5", "usual:1"]);
        var written = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith('{'))
            .Select(l => JsonSerializer.Deserialize<Written>(l, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!).ToList();
        var (above, usual) = (written.Single(w => w.Name == "above"), written.Single(w => w.Name == "usual"));
        // Every event of the sample is a chest acquisition: the table's routine chest row applies.
        Assert.All(above.Events, e => Assert.Equal("Chest", e.TargetRegion));
        var (ctdiVolDrl, dlpDrl) = ReferenceRow("Chest (lung cancer)");

        await Dcmtk.RunAsync("storescu", ["-aet", "MODALITY", "-aec", "DW_DRL", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), above.File, usual.File]);
        using var client = app.CreateHttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonElement page;
        while (true)
        {
            page = await client.GetFromJsonAsync<JsonElement>($"/api/v1/alerts?type=drl-exceeded&study={above.StudyInstanceUid}");
            if (page.GetProperty("total").GetInt64() >= 2 || DateTime.UtcNow > deadline) break;
            await Task.Delay(100);
        }
        var alerts = page.GetProperty("items").EnumerateArray().ToList();
        var spiral = above.Events.Single(e => !e.Localizer);
        Assert.True(spiral.CtdiVolMGy > ctdiVolDrl && above.Events.Sum(e => e.DlpMGyCm!.Value) > dlpDrl, "the scaled copy is meant to be above both levels");
        var perSequence = Assert.Single(alerts, a => a.GetProperty("quantity").GetString() == "ctdivol");
        Assert.Equal((spiral.EventUid, ctdiVolDrl!.Value, "mGy"),
            (perSequence.GetProperty("eventUid").GetString(), perSequence.GetProperty("threshold").GetDouble(), perSequence.GetProperty("unit").GetString()));
        Assert.Equal(spiral.CtdiVolMGy!.Value, perSequence.GetProperty("value").GetDouble(), 6);
        var perExamination = Assert.Single(alerts, a => a.GetProperty("quantity").GetString() == "dlp");
        Assert.Equal((JsonValueKind.Null, dlpDrl!.Value, "mGy.cm"),
            (perExamination.GetProperty("eventUid").ValueKind, perExamination.GetProperty("threshold").GetDouble(), perExamination.GetProperty("unit").GetString()));
        // DLP per examination is the scanner's reported total (TID 10012, localizer included), as pydicom reads it back.
        Assert.Equal(above.DlpTotalMGyCm!.Value, perExamination.GetProperty("value").GetDouble(), 6);
        Assert.Contains("Chest (lung cancer)", perExamination.GetProperty("message").GetString());

        // The unchanged study is below both levels and has been analysed (its study is stored) without a DRL alert.
        Assert.True(usual.Events.Single(e => !e.Localizer).CtdiVolMGy < ctdiVolDrl && usual.Events.Sum(e => e.DlpMGyCm!.Value) < dlpDrl);
        var doses = new DoseRecordRepository(app.Services.GetService(typeof(IDbConnectionFactory)) as IDbConnectionFactory ?? throw new InvalidOperationException());
        while (await doses.GetStudyAsync(usual.StudyInstanceUid) is null && DateTime.UtcNow < deadline) await Task.Delay(100);
        await Task.Delay(2000); // its analysis job runs right after extraction
        Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>($"/api/v1/alerts?type=drl-exceeded&study={usual.StudyInstanceUid}")).GetProperty("total").GetInt64());
    }
}
