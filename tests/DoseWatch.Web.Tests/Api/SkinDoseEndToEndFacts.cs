using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DoseWatch.Core.Extraction;
using DoseWatch.Core.SkinDose;
using DoseWatch.Dicom;
using DoseWatch.Tests;
using DoseWatch.Web.Tests.Jobs;
using DoseWatch.Web.Components.Pages.Studies;
using DoseWatch.Web.Tests.Studies;

namespace DoseWatch.Web.Tests.Api;

/// <summary>
/// Fluoroscopy reports sent by storescu go through extraction and then the skin dose job; the study API, the study
/// list and the CSV export then carry the peak skin dose (or, without a map, the reason). Expected values are the
/// calculator's on the same file, which Core.Tests checks against PySkinDose run at test time.
/// </summary>
[Collection(nameof(DoseApp))]
public sealed class SkinDoseEndToEndFacts(DoseApp dose)
{
    private async Task<JsonElement> SendAndWaitForSkinDoseAsync(string file, string studyUid)
    {
        using var client = dose.App.CreateHttpClient();
        await Dcmtk.RunAsync("storescu", "-aet", "SKIN_SCU", "-aec", dose.AeTitle, "127.0.0.1", dose.DicomPort.ToString(CultureInfo.InvariantCulture), file);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var response = await client.GetAsync($"/api/v1/studies/{studyUid}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var json = await response.Content.ReadFromJsonAsync<JsonElement>();
                if (json.TryGetProperty("skinDose", out _)) return json;
            }
            if (clock.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException($"{studyUid} has no skin dose 60 s after storescu");
            await Task.Delay(100);
        }
    }

    private static SkinDoseResult Expected(string path)
    {
        var extracted = DoseExtractor.Extract(DicomReader.ReadFile(path));
        return SkinDoseCalculator.Calculate(extracted.Study!.Device, extracted.Events, SkinDoseSettings.PySkinDoseExample);
    }

    [SamplesFact]
    public async Task A_fluoroscopy_report_with_geometry_gets_its_peak_skin_dose_in_the_api_the_list_and_the_csv_export()
    {
        var sample = SharedSamples.Path_("pyskindose/siemens_axiom_artis.dcm");
        var uid = DoseExtractor.Extract(DicomReader.ReadFile(sample)).Study!.StudyInstanceUid;
        var expected = Expected(sample);

        var study = await SendAndWaitForSkinDoseAsync(sample, uid);

        var skin = study.GetProperty("skinDose");
        Assert.Equal("Map", skin.GetProperty("method").GetString());
        Assert.Equal(expected.PeakSkinDoseGy, study.GetProperty("peakSkinDoseGy").GetDouble());
        Assert.Equal(expected.PeakSkinDoseGy, skin.GetProperty("peakSkinDoseGy").GetDouble());
        Assert.Equal(expected.PeakLocation!.Side, skin.GetProperty("peakLocation").GetProperty("side").GetString());
        Assert.Equal(expected.PeakLocation.FromHeadEndCm, skin.GetProperty("peakLocation").GetProperty("fromHeadEndCm").GetDouble());
        Assert.Equal(expected.ReferencePointDoseGy, skin.GetProperty("referencePointDoseGy").GetDouble());

        using var client = dose.App.CreateHttpClient();
        var list = await client.GetFromJsonAsync<JsonElement>("/api/v1/studies?modality=RF&pageSize=500");
        var listed = Assert.Single(list.GetProperty("items").EnumerateArray(), s => s.GetProperty("studyInstanceUid").GetString() == uid);
        Assert.Equal(expected.PeakSkinDoseGy, listed.GetProperty("peakSkinDoseGy").GetDouble());

        var csv = ExportReading.Csv(await client.GetStringAsync("/api/v1/studies/export?format=csv&modality=RF"));
        var header = csv[0];
        var row = Assert.Single(csv.Skip(1), r => r[0] == uid);
        var peak = double.Parse(row[header.IndexOf("Peak skin dose (Gy)")], CultureInfo.InvariantCulture);
        // Exports carry 10 significant figures (docs/dashboards.md): equal to a relative 1e-9.
        Assert.True(Math.Abs(peak - expected.PeakSkinDoseGy!.Value) <= 1e-9 * expected.PeakSkinDoseGy.Value, $"CSV peak {peak}, expected {expected.PeakSkinDoseGy}");
        Assert.Equal(expected.PeakLocation.Describe(), row[header.IndexOf("Peak skin dose location")]);
        Assert.Equal("", row[header.IndexOf("Peak skin dose not computed because")]);

        // The study page (prerendered) shows the peak, where it is, and the map's chart.
        var html = await client.GetStringAsync($"/studies/{uid}");
        Assert.Contains($"data-total=\"psd\" b-", html);
        Assert.Contains($">{DoseUnits.Gray(expected.PeakSkinDoseGy)}</div>", html);
        Assert.Contains(WebUtility.HtmlEncode(expected.PeakLocation.Describe()), html);
        Assert.Contains("id=\"skin-dose-map\"", html);
    }

    [SamplesFact]
    public async Task A_report_from_a_device_without_a_known_table_convention_gets_the_reference_point_dose_and_the_reason_not_a_map()
    {
        var sample = SharedSamples.Path_("openrem/RF-RDSR-Canon-Alphenix-rotational.dcm");
        var uid = DoseExtractor.Extract(DicomReader.ReadFile(sample)).Study!.StudyInstanceUid;
        var expected = Expected(sample);

        var study = await SendAndWaitForSkinDoseAsync(sample, uid);

        var skin = study.GetProperty("skinDose");
        Assert.Equal("ReferencePointDose", skin.GetProperty("method").GetString());
        Assert.Equal(JsonValueKind.Null, study.GetProperty("peakSkinDoseGy").ValueKind);
        Assert.Equal(JsonValueKind.Null, skin.GetProperty("peakLocation").ValueKind);
        Assert.Equal(expected.NotComputedReason, skin.GetProperty("notComputedReason").GetString());
        Assert.Equal(expected.ReferencePointDoseGy!.Value, skin.GetProperty("referencePointDoseGy").GetDouble(), 12);

        // The study page says why there is no map and labels the fallback as the reference point dose; it draws no map.
        using var client = dose.App.CreateHttpClient();
        var html = await client.GetStringAsync($"/studies/{uid}");
        Assert.Contains(WebUtility.HtmlEncode(expected.NotComputedReason!), html);
        Assert.Contains($">{DoseUnits.Gray(expected.ReferencePointDoseGy)}</strong>", html);
        Assert.DoesNotContain("skin-dose-map", html);
    }
}
