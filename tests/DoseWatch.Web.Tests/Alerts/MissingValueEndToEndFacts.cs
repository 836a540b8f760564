using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using DoseWatch.Tests;
using DoseWatch.Web.Jobs;
using DoseWatch.Web.Tests.Jobs;

namespace DoseWatch.Web.Tests.Alerts;

/// <summary>
/// Issue #16 item 5 end to end: a CT RDSR without Mean CTDIvol in one acquisition (written by pydicom from a real
/// sample, new UIDs by dcmodify) sent with storescu is "extracted" with its warning visible in the Inbox, the study
/// API and the study page, instead of a silent "extracted".
/// </summary>
[Collection(nameof(AlertsAppFixture))]
public sealed class MissingValueEndToEndFacts(AlertsAppFixture fixture) : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("dosewatch-missing-e2e-");

    public void Dispose() => _directory.Delete(recursive: true);

    [SamplesFact]
    public async Task A_report_missing_a_required_value_carries_a_visible_warning_in_the_inbox_the_api_and_the_study_page()
    {
        var file = Path.Combine(_directory.FullName, "no-ctdivol.dcm");
        await Dcmtk.RunAsync("/usr/bin/python3", [Path.Combine(SharedSamples.RepositoryRoot, "tests", "DoseWatch.Core.Tests", "independent", "drop_item.py"),
            SharedSamples.Path_("openrem/CT-RDSR-Siemens_Flash-TAP-SS.dcm"), file, "113830"]);
        await Dcmtk.RunAsync("dcmodify", "-nb", "-gst", "-gse", "-gin", file);
        var sop = await Dcmtk.ReadUidAsync(file, "0008,0018");
        var study = await Dcmtk.ReadUidAsync(file, "0020,000d");

        await Dcmtk.RunAsync("storescu", "-aet", "CT_MISSING", "-aec", AlertsAppFixture.AeTitle, "127.0.0.1", fixture.DicomPort.ToString(CultureInfo.InvariantCulture), file);
        var row = await InboxSeam.WaitForStatusAsync(fixture.App, sop, "extracted");

        Assert.StartsWith(DoseExtractionPipeline.WithWarnings, row.StatusReason);
        Assert.Contains("Mean CTDIvol", row.StatusReason);
        using var client = fixture.App.CreateHttpClient();
        var inbox = await client.GetStringAsync("/inbox");
        Assert.Contains("data-field=\"with-warnings\"", inbox);

        var json = await client.GetFromJsonAsync<JsonElement>($"/api/v1/studies/{study}");
        var warning = Assert.Single(json.GetProperty("extractionWarnings").EnumerateArray(), w => w.GetProperty("warning").GetString()!.Contains("Mean CTDIvol", StringComparison.Ordinal));
        Assert.Equal(sop, warning.GetProperty("sopInstanceUid").GetString());

        var page = await client.GetStringAsync($"/studies/{study}");
        Assert.Contains("data-section=\"extraction-warnings\"", page);
        Assert.Contains("Mean CTDIvol", page);

        // The export carries it too, in the study's row (a physicist filtering a spreadsheet sees why a CTDIvol is empty).
        var csv = Studies.ExportReading.Csv(await client.GetStringAsync("/api/v1/studies/export?format=csv&modality=CT&pageSize=500"));
        var exported = Assert.Single(csv.Skip(1), r => r[csv[0].IndexOf("Study instance UID")] == study);
        Assert.Contains("Mean CTDIvol", exported[csv[0].IndexOf("Extraction warnings")]);
    }
}
