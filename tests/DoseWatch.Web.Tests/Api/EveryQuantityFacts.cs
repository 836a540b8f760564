using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bunit;
using DoseWatch.Core.Domain;
using DoseWatch.Core.Extraction;
using DoseWatch.Data;
using DoseWatch.Data.Repositories;
using DoseWatch.Dicom;
using DoseWatch.Tests;
using DoseWatch.Web.Api;
using DoseWatch.Web.Components.Pages.Studies;
using DoseWatch.Web.Tests.Studies;
using Microsoft.Extensions.DependencyInjection;

namespace DoseWatch.Web.Tests.Api;

/// <summary>
/// Issue #16 item 9: every quantity the extractors read reaches the study detail API (units in the names), the study
/// page's event table and the CSV export. Expected values are pydicom's reading of the same real file at test time
/// (independent/sr_event_items.py), converted to the canonical unit by this test's own table.
/// </summary>
[Collection(nameof(DoseApp))]
public sealed class EveryQuantityFacts(DoseApp shared)
{
    private static readonly string Script = Path.Combine(SharedSamples.RepositoryRoot, "tests", "DoseWatch.Web.Tests", "Api", "independent", "sr_event_items.py");

    // The tests' own unit table: (unit as sent, canonical) -> factor.
    private static readonly Dictionary<(string, string), double> Factors = new()
    {
        [("mm", "mm")] = 1, [("deg", "deg")] = 1, [("ms", "ms")] = 1, [("s", "s")] = 1, [("1", "1")] = 1, [("{pulse}/s", "1/s")] = 1,
        [("uAs", "mA.s")] = 0.001, [("uA.s", "mA.s")] = 0.001, [("mA.s", "mA.s")] = 1, [("mGy", "mGy")] = 1, [("mSv", "mSv")] = 1,
        [("Gy", "Gy")] = 1, [("Gy.m2", "Gy.cm2")] = 10_000, [("Gym2", "Gy.cm2")] = 10_000, // Siemens writes Gy·m² without the dot
        [("mA", "mA")] = 1, [("mGy.cm", "mGy.cm")] = 1, [("MBq", "MBq")] = 1,
    };

    /// <summary>(API field, SR concept code, canonical unit): numbers read from the first item below each event container.</summary>
    private static readonly (string Field, string Code, string Unit)[] ProjectionNumbers =
    [
        ("distanceSourceToDetectorMm", "113750", "mm"), ("distanceSourceToIsocenterMm", "113748", "mm"),
        ("distanceSourceToReferencePointMm", "113737", "mm"), ("positionerPrimaryAngleDeg", "112011", "deg"),
        ("positionerSecondaryAngleDeg", "112012", "deg"), ("tableLongitudinalPositionMm", "113751", "mm"),
        ("tableLateralPositionMm", "113752", "mm"), ("tableHeightPositionMm", "113753", "mm"), ("numberOfPulses", "113768", "1"),
        ("exposureMAs", "113736", "mA.s"), ("halfValueLayerMm", "111634", "mm"), ("entranceExposureAtRpMGy", "111636", "mGy"),
        ("compressionThicknessMm", "111633", "mm"), ("irradiationDurationS", "113742", "s"),
    ];

    private async Task<ExtractionResult> SaveAsync(string sample)
    {
        var result = DoseExtractor.Extract(DicomReader.ReadFile(SharedSamples.Path_(sample)));
        await new DoseRecordRepository(shared.App.Services.GetRequiredService<IDbConnectionFactory>()).SaveAsync(result);
        return result;
    }

    private static List<JsonObject> Pydicom(string sample, string container) =>
        IndependentPython.Run(new { file = SharedSamples.Path_(sample), container }, Script).AsArray().Select(e => e!.AsObject()).ToList();

    private static double? Canonical(JsonObject items, string code, string unit, bool mean = false)
    {
        if (items[code] is not JsonObject item || item["values"] is not JsonArray values || values.Count == 0) return null;
        var sent = item["unit"]!.GetValue<string>();
        Assert.True(Factors.TryGetValue((sent, unit), out var factor), $"the test's unit table has no factor for {sent} -> {unit}");
        var numbers = values.Select(v => v!.GetValue<double>() * factor).ToList();
        return mean ? numbers.Average() : numbers[0];
    }

    private static double? Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) ? v.ValueKind == JsonValueKind.Null ? null : v.GetDouble() : throw new Xunit.Sdk.XunitException($"no field {name}");

    private static void Close(double? expected, double? actual, string what)
    {
        Assert.True(expected is null == actual is null, $"{what}: expected {expected?.ToString(CultureInfo.InvariantCulture) ?? "none"}, got {actual?.ToString(CultureInfo.InvariantCulture) ?? "none"}");
        if (expected is { } x) Assert.True(Math.Abs(x - actual!.Value) <= 1e-9 * Math.Max(1, Math.Abs(x)), $"{what}: expected {x}, got {actual}");
    }

    [SamplesTheory]
    [InlineData("pyskindose/siemens_axiom_artis.dcm")]
    [InlineData("openrem/RF-RDSR-Siemens-Zee.dcm")]
    [InlineData("openrem/MG-RDSR-Hologic_2D.dcm")]
    public async Task Projection_events_carry_geometry_pulses_and_beam_quality_in_the_api(string sample)
    {
        var result = await SaveAsync(sample);
        var expected = Pydicom(sample, "113706");
        using var client = shared.App.CreateHttpClient();

        var json = await client.GetFromJsonAsync<JsonElement>($"/api/v1/studies/{result.Study!.StudyInstanceUid}");

        var events = json.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(expected.Count, events.Count);
        var compared = 0;
        foreach (var items in expected)
        {
            var uid = items["113769"]!["text"]!.GetValue<string>();
            var e = Assert.Single(events, x => x.GetProperty("irradiationEventUid").GetString() == uid);
            foreach (var (field, code, unit) in ProjectionNumbers)
            {
                var value = Canonical(items, code, unit);
                Close(value, Number(e, field), $"{uid} {field}");
                if (value is not null) compared++;
            }
            Close(Canonical(items, "113793", "ms", mean: true), Number(e, "pulseWidthMs"), $"{uid} pulseWidthMs (mean over pulses)");
            Close(Canonical(items, "113791", "1/s"), Number(e, "pulseRatePerS"), $"{uid} pulseRatePerS");
            Assert.Equal(items["111632"]?["meaning"]?.GetValue<string>(), e.GetProperty("anodeTarget").GetString());
        }
        Assert.True(compared >= expected.Count, $"{sample}: only {compared} values compared");

        // The device's accumulated values, per dose object: the fluoroscopy/acquisition split and total acquisition time.
        var accumulated = Pydicom(sample, "113702");
        var reported = Assert.Single(json.GetProperty("sourceObjects").EnumerateArray()).GetProperty("reported");
        double? SumOver(string code, string unit) => accumulated.Select(a => Canonical(a, code, unit)).Aggregate((double?)null, (s, v) => v is { } x ? (s ?? 0) + x : s);
        Close(SumOver("113726", "Gy.cm2"), Number(reported, "fluoroDapTotalGyCm2"), "fluoro DAP total");
        Close(SumOver("113727", "Gy.cm2"), Number(reported, "acquisitionDapTotalGyCm2"), "acquisition DAP total");
        Close(SumOver("113728", "Gy"), Number(reported, "fluoroDoseRpTotalGy"), "fluoro dose RP total");
        Close(SumOver("113729", "Gy"), Number(reported, "acquisitionDoseRpTotalGy"), "acquisition dose RP total");
        Close(SumOver("113855", "s"), Number(reported, "acquisitionTimeTotalS"), "total acquisition time");
    }

    [SamplesFact]
    public async Task Ct_events_carry_collimation_source_maxima_contrast_and_the_dose_check_in_the_api()
    {
        const string sample = "openrem/CT-RDSR-Toshiba_DoseCheck.dcm";
        var result = await SaveAsync(sample);
        var expected = Pydicom(sample, "113819");
        using var client = shared.App.CreateHttpClient();

        var json = await client.GetFromJsonAsync<JsonElement>($"/api/v1/studies/{result.Study!.StudyInstanceUid}");

        var events = json.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(expected.Count, events.Count);
        var checks = 0;
        foreach (var items in expected)
        {
            var uid = items["113769"]!["text"]!.GetValue<string>();
            var e = Assert.Single(events, x => x.GetProperty("irradiationEventUid").GetString() == uid);
            Close(Canonical(items, "113826", "mm"), Number(e, "singleCollimationWidthMm"), $"{uid} single collimation");
            Close(Canonical(items, "113827", "mm"), Number(e, "totalCollimationWidthMm"), $"{uid} total collimation");
            var source = e.GetProperty("xRaySources")[0];
            Close(Canonical(items, "113833", "mA"), Number(source, "maximumTubeCurrentMA"), $"{uid} maximum tube current");
            Close(Canonical(items, "113834", "s"), Number(source, "exposureTimePerRotationS"), $"{uid} exposure time per rotation");
            Assert.Equal((items["408730004"] ?? items["G-C32C"])?["meaning"]?.GetValue<string>(), e.GetProperty("contrast").GetString());
            if (e.GetProperty("doseCheck").ValueKind == JsonValueKind.Object)
            {
                var check = e.GetProperty("doseCheck");
                Close(Canonical(items, "113914", "mGy"), Number(check, "ctdiVolForwardEstimateMGy"), $"{uid} CTDIvol forward estimate");
                Close(Canonical(items, "113913", "mGy.cm"), Number(check, "dlpForwardEstimateMGyCm"), $"{uid} DLP forward estimate");
                Close(Canonical(items, "113906", "mGy"), Number(check, "accumulatedCtdiVolForwardEstimateMGy"), $"{uid} accumulated CTDIvol forward estimate");
                Close(Canonical(items, "113905", "mGy.cm"), Number(check, "accumulatedDlpForwardEstimateMGyCm"), $"{uid} accumulated DLP forward estimate");
                Assert.Equal(items["113870"]?["text"]?.GetValue<string>(), check.GetProperty("authorizedBy").GetString());
                checks++;
            }
        }
        Assert.True(checks > 0, "the sample's dose check was compared");
    }

    [SamplesFact]
    public async Task The_rrdsr_gives_radionuclide_route_and_reported_effective_dose_in_the_api()
    {
        const string sample = "openrem/NM-RRDSR-Siemens.dcm";
        var result = await SaveAsync(sample);
        var expected = Assert.Single(Pydicom(sample, "113502"));
        using var client = shared.App.CreateHttpClient();

        var json = await client.GetFromJsonAsync<JsonElement>($"/api/v1/studies/{result.Study!.StudyInstanceUid}");

        var e = Assert.Single(json.GetProperty("events").EnumerateArray(), x => x.GetProperty("irradiationEventUid").GetString() == expected["113503"]!["text"]!.GetValue<string>());
        Close(Canonical(expected, "113839", "mSv"), Number(e, "reportedEffectiveDoseMSv"), "effective dose");
        Assert.Equal((expected["C-10072"] ?? expected["89457008"])!["meaning"]!.GetValue<string>(), e.GetProperty("radionuclide").GetProperty("meaning").GetString());
        Assert.Equal((expected["G-C340"] ?? expected["410675002"])!["meaning"]!.GetValue<string>(), e.GetProperty("routeOfAdministration").GetProperty("meaning").GetString());
        Assert.Contains(json.GetProperty("modalities").EnumerateArray(), m => m.GetString() == "NM");
    }

    [SamplesFact]
    public async Task The_export_and_the_event_table_carry_the_geometry_with_units_in_their_names()
    {
        const string sample = "pyskindose/siemens_axiom_artis.dcm";
        var result = await SaveAsync(sample);
        var expected = Pydicom(sample, "113706");
        using var client = shared.App.CreateHttpClient(DoseWatch.Core.Access.Roles.Physicist);

        var csv = ExportReading.Csv(await client.GetStringAsync($"/api/v1/studies/export?format=csv&modality={result.Study!.Modality}"));

        var header = csv[0];
        var row = Assert.Single(csv.Skip(1), r => r[header.IndexOf("Study instance UID")] == result.Study.StudyInstanceUid);
        // E1 is the study's first counted event, in the API's order (start time, then UID).
        using var api = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/studies/{result.Study.StudyInstanceUid}"));
        var firstUid = api.RootElement.GetProperty("events")[0].GetProperty("irradiationEventUid").GetString();
        var first = Assert.Single(expected, x => x["113769"]!["text"]!.GetValue<string>() == firstUid);
        foreach (var (column, code, unit) in new[]
        {
            ("E1 Source–detector distance (mm)", "113750", "mm"), ("E1 Source–isocentre distance (mm)", "113748", "mm"),
            ("E1 Primary angle (deg)", "112011", "deg"), ("E1 Secondary angle (deg)", "112012", "deg"), ("E1 Table height (mm)", "113753", "mm"),
            ("E1 Number of pulses", "113768", "1"), ("E1 Exposure (mAs)", "113736", "mA.s"),
        })
        {
            Assert.Contains(column, header);
            Close(Canonical(first, code, unit), double.Parse(row[header.IndexOf(column)], CultureInfo.InvariantCulture), column);
        }
        Close(Canonical(first, "113793", "ms", mean: true), double.Parse(row[header.IndexOf("E1 Pulse width (ms)")], CultureInfo.InvariantCulture), "E1 Pulse width (ms)");

        // The study page's event table: the same quantities as columns with their unit, one cell per event.
        using var context = new BunitContext();
        var stored = await new DoseRecordRepository(shared.App.Services.GetRequiredService<IDbConnectionFactory>()).GetStudyAsync(result.Study.StudyInstanceUid);
        var table = context.Render<EventTable>(p => p.Add(t => t.Events, stored!.Events));
        foreach (var key in new[] { "sid", "sod", "primaryangle", "secondaryangle", "tablelongitudinal", "tablelateral", "tableheight", "pulsewidth", "pulsecount", "mas" })
            Assert.Equal(expected.Count, table.FindAll($"td[data-column={key}]").Count);
        Assert.Contains("mm", table.Find("th[data-column=sid]").TextContent);
        Assert.Contains("°", table.Find("th[data-column=primaryangle]").TextContent);
        var sids = expected.Select(x => DoseUnits.Number(Canonical(x, "113750", "mm"))).Order().ToList();
        Assert.Equal(sids, table.FindAll("td[data-column=sid]").Select(c => c.TextContent).Order().ToList());
    }
}
