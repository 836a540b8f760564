using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DoseWatch.Core.Domain;
using DoseWatch.Core.Extraction;
using DoseWatch.Data;
using DoseWatch.Data.Repositories;
using DoseWatch.Dicom;
using DoseWatch.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace DoseWatch.Web.Tests.Api;

/// <summary>
/// The studies API over HTTP on the running app: real samples are extracted and saved to the app's database, then read
/// back as JSON with exactly the field names of issue #4. Values are compared with the extraction of the same file
/// (itself compared with pydicom in Core.Tests); a quantity the study does not have must be JSON null, never 0.
/// </summary>
[Collection(nameof(DoseApp))]
public sealed class StudiesApiFacts(DoseApp shared)
{
    private static readonly string[] StudyFields = ["studyInstanceUid", "accessionNumber", "studyDate", "modality", "studyDescription", "device", "totals", "patientAge", "patientSex", "patientWeightKg", "patientHeightM"];
    private static readonly string[] DeviceFields = ["manufacturer", "model", "stationName", "serialNumber"];
    private static readonly string[] TotalsFields = ["eventCount", "dlpTotalMGyCm", "dapTotalGyCm2", "doseRpTotalGy", "fluoroTimeTotalS", "agdTotalMGy"];
    private static readonly string[] EventFields =
    [
        "irradiationEventUid", "protocol", "targetRegion", "ctdiVolMGy", "phantom", "dlpMGyCm", "ssdeMGy", "kvp", "tubeCurrentMA", "exposureTimeS",
        "pitchFactor", "scanLengthMm", "dapGyCm2", "doseRpGy", "agdMGy", "sarWPerKg", "dbdtTPerS", "mechanicalIndex", "thermalIndexSoftTissue",
        "thermalIndexBone", "thermalIndexCranialBone", "administeredActivityMBq",
    ];

    private async Task<ExtractionResult> SaveAsync(string sample)
    {
        var result = DoseExtractor.Extract(DicomReader.ReadFile(SharedSamples.Path_(sample)));
        await new DoseRecordRepository(shared.App.Services.GetRequiredService<IDbConnectionFactory>()).SaveAsync(result);
        return result;
    }

    private static double? Number(JsonElement e, string name) => e.GetProperty(name).ValueKind == JsonValueKind.Null ? null : e.GetProperty(name).GetDouble();

    // Sums may be taken in another order than the database's: compare to a relative 1e-12.
    private static void Close(double? expected, double? actual)
    {
        Assert.Equal(expected is null, actual is null);
        if (expected is { } x) Assert.True(Math.Abs(x - actual!.Value) <= 1e-12 * Math.Max(1, Math.Abs(x)), $"expected {x}, API has {actual}");
    }

    private static void ExportClose(double? expected, double actual) =>
        Assert.True(expected is { } x && Math.Abs(x - actual) <= 1e-9 * Math.Abs(x), $"expected {expected}, export has {actual}");

    private static double? Sum(IEnumerable<double?> values) => values.Aggregate((double?)null, (s, v) => v is { } x ? (s ?? 0) + x : s);

    [SamplesTheory]
    [InlineData("openrem/CT-RDSR-Toshiba_DoseCheck.dcm")]
    [InlineData("openrem/RF-RDSR-Siemens-Zee.dcm")]
    [InlineData("openrem/MG-RDSR-Hologic_2D.dcm")]
    [InlineData("openrem/NM-RRDSR-Siemens.dcm")]
    public async Task A_saved_study_is_served_with_the_issue_field_names_and_its_values(string sample)
    {
        var result = await SaveAsync(sample);
        using var client = shared.App.CreateHttpClient();

        var json = await client.GetFromJsonAsync<JsonElement>($"/api/v1/studies/{result.Study!.StudyInstanceUid}");

        Assert.All(StudyFields, f => Assert.True(json.TryGetProperty(f, out _), $"study field {f}"));
        Assert.All(DeviceFields, f => Assert.True(json.GetProperty("device").TryGetProperty(f, out _), $"device field {f}"));
        Assert.All(TotalsFields, f => Assert.True(json.GetProperty("totals").TryGetProperty(f, out _), $"totals field {f}"));
        Assert.Equal(result.Study.StudyInstanceUid, json.GetProperty("studyInstanceUid").GetString());
        Assert.Equal(result.Study.Device.Manufacturer, json.GetProperty("device").GetProperty("manufacturer").GetString());
        Assert.Equal(result.Study.Modality, json.GetProperty("modality").GetString());

        var totals = json.GetProperty("totals");
        Assert.Equal(result.Events.Count, totals.GetProperty("eventCount").GetInt32());
        // The device's accumulated totals where the report has them (StudyTotalsRule), the event sums beside them.
        var a = result.Accumulated;
        Close(a.DlpTotalMGyCm ?? Sum(result.Events.Select(e => e.DlpMGyCm)), Number(totals, "dlpTotalMGyCm"));
        Close(a.DapTotalGyCm2 ?? Sum(result.Events.Select(e => e.DapGyCm2)), Number(totals, "dapTotalGyCm2"));
        Close(a.DoseRpTotalGy ?? Sum(result.Events.Select(e => e.DoseRpGy)), Number(totals, "doseRpTotalGy"));
        Close(a.AgdTotalMGy ?? Sum(result.Events.Select(e => e.AgdMGy)), Number(totals, "agdTotalMGy"));
        var sums = totals.GetProperty("eventSums");
        Close(Sum(result.Events.Select(e => e.DlpMGyCm)), Number(sums, "dlpMGyCm"));
        Close(Sum(result.Events.Select(e => e.DapGyCm2)), Number(sums, "dapGyCm2"));
        Close(Sum(result.Events.Select(e => e.DoseRpGy)), Number(sums, "doseRpGy"));
        Close(a.DoseRpTotalGy, Number(totals.GetProperty("reportedByDevice"), "doseRpGy"));

        var events = json.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(result.Events.Count, events.Count);
        foreach (var ev in result.Events)
        {
            var e = Assert.Single(events, x => x.GetProperty("irradiationEventUid").GetString() == ev.EventUid);
            Assert.All(EventFields, f => Assert.True(e.TryGetProperty(f, out _), $"event field {f}"));
            Assert.Equal(ev.CtdiVolMGy, Number(e, "ctdiVolMGy"));
            Assert.Equal(ev.DlpMGyCm, Number(e, "dlpMGyCm"));
            Assert.Equal(ev.DapGyCm2, Number(e, "dapGyCm2"));
            Assert.Equal(ev.DoseRpGy, Number(e, "doseRpGy"));
            Assert.Equal(ev.AgdMGy, Number(e, "agdMGy"));
            Assert.Equal(ev.Kvp, Number(e, "kvp"));
            Assert.Equal(ev.AdministeredActivityMBq, Number(e, "administeredActivityMBq"));
            Assert.Equal(ev.Protocol, e.GetProperty("protocol").GetString());
            Assert.Equal(ev.Phantom?.ToString(), e.GetProperty("phantom").GetString());
            Assert.Equal(JsonValueKind.Null, e.GetProperty("sarWPerKg").ValueKind); // no MR value in an X-ray/NM study
        }
    }

    [SamplesFact]
    public async Task A_study_whose_events_fall_short_of_the_device_total_shows_the_device_total_and_a_warning_in_the_api_page_and_export()
    {
        // Issue #16 item 1: this Philips Allura's events sum well below its Accumulated X-Ray Dose Data's DAP (the
        // difference is checked against pydicom's reading in Core's StudyTotalsRuleFacts).
        var result = await SaveAsync("pyskindose/philips_allura_clarity_u104.dcm");
        var uid = result.Study!.StudyInstanceUid;
        var eventDap = Sum(result.Events.Select(e => e.DapGyCm2))!.Value;
        var deviceDap = result.Accumulated.DapTotalGyCm2!.Value;
        using var client = shared.App.CreateHttpClient();

        var totals = (await client.GetFromJsonAsync<JsonElement>($"/api/v1/studies/{uid}")).GetProperty("totals");
        Close(deviceDap, Number(totals, "dapTotalGyCm2"));
        Close(deviceDap, Number(totals.GetProperty("reportedByDevice"), "dapGyCm2"));
        Close(eventDap, Number(totals.GetProperty("eventSums"), "dapGyCm2"));
        var warning = Assert.Single(totals.GetProperty("discrepancies").EnumerateArray(), d => d.GetProperty("quantity").GetString() == "dap");
        Close(deviceDap, warning.GetProperty("reportedByDevice").GetDouble());
        Close(eventDap, warning.GetProperty("eventSum").GetDouble());
        Assert.Contains("device reports", warning.GetProperty("message").GetString());

        var page = await client.GetStringAsync($"/studies/{uid}");
        Assert.Contains("data-section=\"totals-warnings\"", page);
        Assert.Contains("data-discrepancy=\"dap\"", page);
        Assert.Contains("data-sum=\"dap\"", page); // the event sum beside the device's total

        var csv = Studies.ExportReading.Csv(await client.GetStringAsync($"/api/v1/studies/export?format=csv&modality={result.Study.Modality}&pageSize=500"));
        var row = Assert.Single(csv.Skip(1), r => r[csv[0].IndexOf("Study instance UID")] == uid);
        // Exports carry 10 significant figures (docs/dashboards.md): equal to a relative 1e-9.
        ExportClose(deviceDap, double.Parse(row[csv[0].IndexOf("DAP total (Gy.cm2)")], System.Globalization.CultureInfo.InvariantCulture));
        ExportClose(eventDap, double.Parse(row[csv[0].IndexOf("DAP sum of events (Gy.cm2)")], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("DAP", row[csv[0].IndexOf("Totals warnings")]);
    }

    [SamplesFact]
    public async Task Event_start_times_are_served_as_instants_with_their_fraction_of_a_second()
    {
        // Issue #16 item 2: "20160818192617.043" local (no offset in the object) in the site's zone: the API serves the
        // instant, .043 kept, labelled with its real offset from UTC (the stored instant is UTC), never the local time as +00:00.
        var site = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var result = DoseExtractor.Extract(DicomReader.ReadFile(SharedSamples.Path_("openrem/DX-RDSR-Carestream_DRXEvolution.dcm")), site);
        await new DoseRecordRepository(shared.App.Services.GetRequiredService<IDbConnectionFactory>()).SaveAsync(result);
        using var client = shared.App.CreateHttpClient();

        var events = (await client.GetFromJsonAsync<JsonElement>($"/api/v1/studies/{result.Study!.StudyInstanceUid}")).GetProperty("events").EnumerateArray().ToList();

        Assert.True(result.Events.Count >= 5);
        foreach (var ev in result.Events)
        {
            var served = Assert.Single(events, e => e.GetProperty("irradiationEventUid").GetString() == ev.EventUid).GetProperty("startedAt").GetString()!;
            var instant = DateTimeOffset.Parse(served, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(ev.StartedAt!.Value, instant); // same instant, to the tick
            Assert.NotEqual(0, instant.Millisecond + instant.Microsecond);
            Assert.NotEqual(ev.StartedAt.Value.DateTime, instant.UtcDateTime); // the local wall-clock time is not passed off as UTC
        }
    }

    [SamplesFact]
    public async Task The_study_time_is_served_and_exported_with_its_fraction_of_a_second()
    {
        // Issue #16 item 2 for the study itself: the Canon CXDI's Study Time, as pydicom reads it, to the microsecond.
        const string sample = "openrem/DX-RDSR-Canon_CXDI.dcm";
        var tm = IndependentPython.Run(new { file = SharedSamples.Path_(sample) }, "-c", """
            import json, sys, pydicom
            print(json.dumps(pydicom.dcmread(json.load(sys.stdin)["file"], stop_before_pixels=True).StudyTime))
            """).GetValue<string>();
        var expected = TimeOnly.ParseExact(tm[..6], "HHmmss", System.Globalization.CultureInfo.InvariantCulture)
            .Add(TimeSpan.FromMicroseconds(int.Parse(tm[7..].PadRight(6, '0')[..6], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.NotEqual(0, expected.Ticks % TimeSpan.TicksPerSecond);
        var result = await SaveAsync(sample);
        using var client = shared.App.CreateHttpClient();

        var served = (await client.GetFromJsonAsync<JsonElement>($"/api/v1/studies/{result.Study!.StudyInstanceUid}")).GetProperty("studyTime").GetString()!;
        Assert.Equal(expected, TimeOnly.Parse(served, System.Globalization.CultureInfo.InvariantCulture));
        var csv = Studies.ExportReading.Csv(await client.GetStringAsync($"/api/v1/studies/export?format=csv&modality={result.Study.Modality}&pageSize=500"));
        var row = Assert.Single(csv.Skip(1), r => r[csv[0].IndexOf("Study instance UID")] == result.Study.StudyInstanceUid);
        Assert.Equal(expected, TimeOnly.Parse(row[csv[0].IndexOf("Study time")], System.Globalization.CultureInfo.InvariantCulture));
        var page = await client.GetStringAsync($"/studies/{result.Study.StudyInstanceUid}");
        Assert.Contains(expected.ToString("HH:mm:ss.FFF", System.Globalization.CultureInfo.InvariantCulture), page);
    }

    [SamplesFact]
    public async Task The_list_filters_by_modality_and_an_unknown_study_is_404()
    {
        var ct = await SaveAsync("openrem/CT-RDSR-Siemens-Multi-3.dcm");
        using var client = shared.App.CreateHttpClient();

        var list = await client.GetFromJsonAsync<JsonElement>("/api/v1/studies?modality=CT&pageSize=500");
        using var missing = await client.GetAsync("/api/v1/studies/1.2.3.4.5.6.7.8.9.0");
        using var badPage = await client.GetAsync("/api/v1/studies?pageSize=0");

        var items = list.GetProperty("items").EnumerateArray().ToList();
        Assert.Contains(items, s => s.GetProperty("studyInstanceUid").GetString() == ct.Study!.StudyInstanceUid);
        Assert.All(items, s => Assert.Equal("CT", s.GetProperty("modality").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badPage.StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_studies_api_with_its_field_names()
    {
        using var client = shared.App.CreateHttpClient();
        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        var paths = document.RootElement.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/studies", out var list));
        Assert.True(paths.TryGetProperty("/api/v1/studies/{studyInstanceUid}", out _));
        var parameters = list.GetProperty("get").GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Equal(["modality", "from", "to", "device", "protocol", "standardProtocol", "sex", "patientId", "issuerOfPatientId", "age", "doseMin", "doseMax", "alerts", "sort", "dir", "page", "pageSize"], parameters);
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas").GetRawText();
        Assert.All(TotalsFields.Concat(EventFields), f => Assert.Contains($"\"{f}\"", schemas));
    }
}
