using System.Data.Common;
using System.Globalization;
using DoseWatch.Core.Domain;
using DoseWatch.Core.Extraction;
using DoseWatch.Data;
using DoseWatch.Data.Repositories;
using DoseWatch.Dicom;
using DoseWatch.Tests;
using DoseWatch.Web.Tests.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace DoseWatch.Web.Tests;

/// <summary>
/// One app for the per-modality pages: the RDSRs `dosewatch demo` writes (CT, fluoroscopy, radiography, mammography; run
/// as the real CLI), the real Siemens radiopharmaceutical RDSR, and seeded MR and ultrasound series. Each is extracted
/// and saved as the pipeline does.
/// </summary>
public sealed class ModalityDemoApp : IAsyncLifetime
{
    public DoseWatchApp App { get; private set; } = null!;
    public DateOnly Today { get; } = DateOnly.FromDateTime(DateTime.UtcNow);

    public async Task InitializeAsync()
    {
        App = await DoseWatchApp.StartAsync();
        var repository = new DoseRecordRepository(App.Services.GetRequiredService<IDbConnectionFactory>());
        var folder = Directory.CreateTempSubdirectory("dosewatch-demo-web-");
        try
        {
            await Dcmtk.RunAsync("dotnet", [CliAssembly(), "demo", "--studies", "160", "--seed", "11", "--end", Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "--out", folder.FullName]);
            foreach (var file in Directory.EnumerateFiles(folder.FullName, "*", SearchOption.AllDirectories))
                await repository.SaveAsync(DoseExtractor.Extract(DicomReader.ReadFile(file)));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
        var nm = DoseExtractor.Extract(DicomReader.ReadFile(SharedSamples.Path_("openrem/NM-RRDSR-Siemens.dcm")));
        await repository.SaveAsync(nm with { Study = nm.Study! with { StudyDate = Today.AddDays(-3) } });
        foreach (var series in SeededSeries(Today)) await repository.SaveAsync(series);
    }

    public async Task DisposeAsync() => await App.DisposeAsync();

    /// <summary>The CLI beside this test assembly's configuration (the solution builds it; the project reference orders it first).</summary>
    private static string CliAssembly()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<Configuration>/net10.0/
        var path = Path.Combine(SharedSamples.RepositoryRoot, "src", "DoseWatch.Cli", "bin", configuration, "net10.0", "dosewatch.dll");
        Assert.True(File.Exists(path), $"{path} is missing: build src/DoseWatch.Cli first");
        return path;
    }

    /// <summary>MR series (SAR, operating mode) and ultrasound images (MI, TI) over the last 40 days on two devices each.</summary>
    private static IEnumerable<ExtractionResult> SeededSeries(DateOnly today)
    {
        var random = new Random(3);
        string[] mrProtocols = ["t2_tse_tra", "ep2d_diff", "t1_mprage", "haste_cor"];
        string[] presets = ["Abdomen", "OB 2nd trimester", "Thyroid", "Carotid"];
        for (var i = 0; i < 60; i++)
        {
            var mr = i % 2 == 0;
            var uid = $"2.25.90{i:D3}{random.Next(1000, 9999)}";
            var device = mr
                ? new DeviceIdentity("SIEMENS", i % 4 == 0 ? "MAGNETOM Skyra" : "MAGNETOM Aera", i % 4 == 0 ? "MR_1" : "MR_2", null, null)
                : new DeviceIdentity("GE", i % 4 == 1 ? "LOGIQ E10" : "Voluson E8", i % 4 == 1 ? "US_1" : "US_2", null, null);
            var study = new Study(uid, null, today.AddDays(-random.Next(0, 40)), new TimeOnly(random.Next(7, 19), random.Next(60)), mr ? "MR" : "US", null,
                new PatientCharacteristics(null, null, null, i % 6 == 0 ? null : 45 + random.Next(60), null), device);
            var ev = mr
                ? new IrradiationEvent
                {
                    EventUid = uid + ".1", EventKeyKind = "SeriesInstanceUid", Source = DoseSourceKind.MrImageHeader, Protocol = mrProtocols[i / 2 % 4],
                    SarWPerKg = Math.Round(0.3 + 3.5 * random.NextDouble(), 2), OperatingMode = i % 10 == 0 ? "IEC_FIRST_LEVEL" : "IEC_NORMAL",
                    SarDefinition = "IEC_WHOLE_BODY",
                }
                : new IrradiationEvent
                {
                    EventUid = uid + ".1", EventKeyKind = "SopInstanceUid", Source = DoseSourceKind.UsImageHeader, Preset = presets[i / 2 % 4],
                    MechanicalIndex = Math.Round(0.2 + 1.3 * random.NextDouble(), 2), ThermalIndexSoftTissue = Math.Round(0.1 + 1.1 * random.NextDouble(), 2),
                };
            yield return new ExtractionResult(ExtractionKind.DoseObject,
                new SourceInstance(mr ? "1.2.840.10008.5.1.4.1.1.4" : "1.2.840.10008.5.1.4.1.1.6.1", uid + ".1.1", uid + ".1", mr ? "MR" : "US"),
                study, [ev], AccumulatedDose.None, [], []);
        }
    }
}

/// <summary>
/// The per-modality pages in Debian's Chromium at 1280x800. Every expected count (boxes, trend points, scatter points,
/// heat-map cells, device boxes) is read from the app's database with plain SQL written here, not from the page's queries.
/// </summary>
public sealed class ModalityDashboardBrowserFacts(ModalityDemoApp demo) : IClassFixture<ModalityDemoApp>
{
    private const int Period = 365, Window = 28, MaximumGroups = 20, MaximumPoints = 2000;

    private sealed record Expected(int Boxes, int TrendPoints, int ScatterPoints, int WorkloadCells, int DeviceBoxes);

    private async Task<List<object?[]>> RowsAsync(string sql)
    {
        await using var connection = await demo.App.Services.GetRequiredService<IDbConnectionFactory>().OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var rows = new List<object?[]>();
        await using DbDataReader reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>
    /// Expected counts for an event-level quantity: rows (group, study day, weight) of every value in the year, then
    /// counted here. <paramref name="groupSql"/> and <paramref name="valueSql"/> are the columns as the issue names them.
    /// </summary>
    private async Task<Expected> ExpectedAsync(string modalities, string valueSql, string groupSql)
    {
        var from = demo.Today.AddDays(-(Period - 1)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var rows = await RowsAsync($"""
            SELECT {groupSql}, s.study_date, s.patient_weight_kg, s.device_key FROM irradiation_events e JOIN studies s ON s.study_instance_uid = e.study_instance_uid
            WHERE s.modality IN ({modalities}) AND s.study_date >= '{from}' AND {valueSql} IS NOT NULL
            """);
        var groups = rows.GroupBy(r => (string)r[0]!).Select(g => (Key: g.Key, Count: g.Count())).OrderByDescending(g => g.Count).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
        var studies = await RowsAsync($"SELECT study_date, study_time FROM studies WHERE modality IN ({modalities}) AND study_date >= '{from}' AND study_time IS NOT NULL");
        var cells = studies.Select(r => (DateOnly.ParseExact((string)r[0]!, "yyyy-MM-dd", CultureInfo.InvariantCulture).DayOfWeek, ((string)r[1]!)[..2])).Distinct().Count();
        var top = groups[0].Key;
        return new Expected(Math.Min(groups.Count, MaximumGroups), rows.Select(r => (string)r[1]!).Distinct().Count(),
            Math.Min(rows.Count(r => r[2] is not null), MaximumPoints), cells, rows.Where(r => (string)r[0]! == top).Select(r => (string)r[3]!).Distinct().Count());
    }

    private string From => demo.Today.AddDays(-(Period - 1)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static async Task ScreenshotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFacts.ScreenshotDirectory, name), FullPage = true });

    private static Task<int> CountAsync(IPage page, string selector) => page.Locator(selector).CountAsync();

    private async Task CheckPageAsync(string path, string slug, Expected expected, Func<IPage, Task>? more = null, bool boxes = true)
    {
        var (playwright, browser, page, consoleErrors) = await BrowserFacts.OpenAsync(demo.App, path);
        using var _ = playwright;
        await using var __ = browser;
        foreach (var chart in new[] { "trend", "scatter", "devices", "workload" }.Concat(boxes ? ["boxes"] : []))
            await page.WaitForSelectorAsync($"#{slug}-{chart} svg.main-svg", new() { Timeout = 15000 });

        if (boxes)
        {
            Assert.Equal(expected.Boxes, await CountAsync(page, $"#{slug}-boxes g.trace.boxes"));
            Assert.Equal(expected.Boxes, await CountAsync(page, "[data-section=group-table] tbody tr"));
        }
        Assert.Equal(expected.TrendPoints, await CountAsync(page, $"#{slug}-trend g.trace.scatter path.point"));
        Assert.Equal(expected.ScatterPoints, await CountAsync(page, $"#{slug}-scatter g.trace.scatter path.point"));
        Assert.Equal(expected.WorkloadCells, await CountAsync(page, $"#{slug}-workload g.trace.scatter path.point"));
        Assert.Equal(expected.DeviceBoxes, await CountAsync(page, $"#{slug}-devices g.trace.boxes"));
        await ScreenshotAsync(page, $"modality-{slug}.png");
        if (more is not null) await more(page);
        Assert.Empty(consoleErrors);
    }

    [SamplesFact]
    public async Task Mr_page_draws_sar_per_protocol_with_the_iec_limit_lines_and_a_point_opens_its_study()
    {
        var expected = await ExpectedAsync("'MR'", "e.sar_w_per_kg", "COALESCE(e.protocol, '(no protocol)')");
        await CheckPageAsync("/mr", "mr", expected, async page =>
        {
            // IEC 60601-2-33 lines: whole body normal 2 W/kg, head 3.2, whole body first level 4 (reference §8.4).
            Assert.Equal(["2", "3.2", "4"], await page.Locator("[data-section=limits] li").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.limit)"));
            Assert.Equal(3, await CountAsync(page, "#mr-boxes .shapelayer path"));
            Assert.Contains("W/kg", await page.InnerTextAsync("[data-section=limits]"));

            // The SAR table's "above the limit" total is the number of series above their mode's limit, counted here.
            var series = await RowsAsync("SELECT e.sar_w_per_kg, e.operating_mode FROM irradiation_events e JOIN studies s ON s.study_instance_uid = e.study_instance_uid WHERE s.modality = 'MR'");
            var above = series.Count(r => Convert.ToDouble(r[0], CultureInfo.InvariantCulture) > ((string?)r[1] == "IEC_FIRST_LEVEL" ? 4 : 2));
            var shown = (await page.Locator("[data-section=sar-modes] td[data-field=above]").AllInnerTextsAsync()).Sum(t => int.Parse(t, NumberStyles.AllowThousands, CultureInfo.InvariantCulture));
            Assert.Equal(above, shown);

            // A click on a scatter point opens /studies/{uid} of an MR study.
            var point = page.Locator("#mr-scatter g.trace.scatter path.point").First;
            await point.ClickAsync(new() { Force = true });
            // Blazor navigates inside the page (no load event): wait for the location itself.
            await page.WaitForFunctionAsync("() => location.pathname.startsWith('/studies/')", null, new() { Timeout = 10000 });
            var uid = Uri.UnescapeDataString(new Uri(page.Url).AbsolutePath["/studies/".Length..]);
            Assert.Single(await RowsAsync($"SELECT 1 FROM studies WHERE modality = 'MR' AND study_instance_uid = '{uid.Replace("'", "''")}'"));
        });
    }

    [SamplesFact]
    public async Task Ultrasound_page_draws_mi_and_ti_per_preset_with_the_guidance_lines()
    {
        var expected = await ExpectedAsync("'US'", "e.mechanical_index", "COALESCE(e.preset, e.protocol, '(no protocol)')");
        await CheckPageAsync("/ultrasound", "ultrasound", expected, async page =>
        {
            Assert.Equal(["1.9"], await page.Locator("[data-section=limits] li").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.limit)"));
            await page.ClickAsync("button.tab[data-quantity=ti]");
            await page.WaitForFunctionAsync("() => document.querySelectorAll('[data-section=limits] li').length === 2", null, new() { Timeout = 10000 });
            await page.WaitForSelectorAsync("#ultrasound-boxes svg.main-svg", new() { Timeout = 10000 });
            Assert.Equal(2, await CountAsync(page, "#ultrasound-boxes .shapelayer path"));
        });
    }

    [SamplesFact]
    public async Task Radiography_mammography_and_nuclear_pages_draw_their_expected_charts()
    {
        await CheckPageAsync("/radiography", "radiography", await ExpectedAsync("'DX', 'CR'", "e.dap_gy_cm2", "COALESCE(e.protocol, '(no protocol)')"));
        await CheckPageAsync("/mammography", "mammography", await ExpectedAsync("'MG'", "e.agd_mgy", "COALESCE(e.protocol, '(no protocol)')"));
        await CheckPageAsync("/nuclear", "nuclear", await ExpectedAsync("'NM', 'PT'", "e.administered_activity_mbq",
            "COALESCE(e.radiopharmaceutical_agent, e.radionuclide_meaning, '(no protocol)')"));
    }

    [SamplesFact]
    public async Task Fluoroscopy_ct_and_protocols_pages_draw_their_expected_charts()
    {
        // Fluoroscopy per study: the device's DAP total (largest over the study's dose objects), per procedure.
        var objects = await RowsAsync($"""
            SELECT s.study_instance_uid, s.study_description, o.dap_total_gy_cm2, s.study_date, s.patient_weight_kg, s.device_key
            FROM studies s JOIN dose_source_objects o ON o.study_instance_uid = s.study_instance_uid
            WHERE s.modality IN ('RF', 'XA') AND s.study_date >= '{From}'
            """);
        var studies = objects.Where(r => r[2] is not null).GroupBy(r => (string)r[0]!).Select(g => g.First()).ToList();
        Assert.NotEmpty(studies);
        var procedures = studies.GroupBy(r => (string?)r[1] ?? "(no protocol)").OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
        var modalities = "'RF', 'XA'";
        var cells = (await RowsAsync($"SELECT study_date, study_time FROM studies WHERE modality IN ({modalities}) AND study_date >= '{From}' AND study_time IS NOT NULL"))
            .Select(r => (DateOnly.ParseExact((string)r[0]!, "yyyy-MM-dd", CultureInfo.InvariantCulture).DayOfWeek, ((string)r[1]!)[..2])).Distinct().Count();
        await CheckPageAsync("/fluoroscopy", "fluoroscopy", new Expected(Math.Min(procedures.Count, MaximumGroups), studies.Select(r => (string)r[3]!).Distinct().Count(),
            studies.Count(r => r[4] is not null), cells, procedures[0].Select(r => (string)r[5]!).Distinct().Count()));

        // CT: the trend, scatter, devices and workload sections under the page's own CTDIvol/DLP boxes.
        await CheckPageAsync("/ct", "ct", await ExpectedAsync("'CT'", "(CASE WHEN e.acquisition_type_code = '113805' THEN NULL ELSE e.ctdivol_mgy END)", "COALESCE(e.protocol, '(no protocol)')"), boxes: false);

        // Protocols: one row per modality, raw name and device; a row's history draws one point per day with values.
        var uses = await RowsAsync($"""
            SELECT DISTINCT s.modality, COALESCE(e.protocol, '(no protocol)'), s.device_key FROM irradiation_events e JOIN studies s ON s.study_instance_uid = e.study_instance_uid
            WHERE s.study_date >= '{From}'
            """);
        var (playwright, browser, page, consoleErrors) = await BrowserFacts.OpenAsync(demo.App, "/protocols");
        using var _ = playwright;
        await using var __ = browser;
        await page.WaitForSelectorAsync("[data-section=standard] tbody tr", new() { Timeout = 15000 });
        Assert.Equal(uses.Count, await CountAsync(page, "[data-section=standard] tbody tr"));
        var row = page.Locator("[data-section=standard] tbody tr[data-modality=MR]").First;
        var raw = await row.GetAttributeAsync("data-raw");
        await row.Locator("button[data-action=history]").ClickAsync();
        await page.WaitForSelectorAsync("#protocol-trend svg.main-svg", new() { Timeout = 15000 });
        var days = await RowsAsync($"""
            SELECT DISTINCT s.study_date FROM irradiation_events e JOIN studies s ON s.study_instance_uid = e.study_instance_uid
            WHERE s.modality = 'MR' AND e.protocol = '{raw!.Replace("'", "''")}' AND e.sar_w_per_kg IS NOT NULL AND s.study_date >= '{From}'
            """);
        Assert.Equal(days.Count, await CountAsync(page, "#protocol-trend g.trace.scatter path.point"));
        await ScreenshotAsync(page, "protocols.png");
        Assert.Empty(consoleErrors);
    }

    [SamplesFact]
    public async Task Every_role_opens_the_modality_pages_and_an_anonymous_visitor_does_not()
    {
        string[] paths = ["/ct", "/fluoroscopy", "/radiography", "/mammography", "/nuclear", "/mr", "/ultrasound", "/protocols"];
        foreach (var role in DoseWatch.Core.Access.Roles.All)
        {
            using var client = demo.App.CreateHttpClient(role);
            foreach (var path in paths)
            {
                using var response = await client.GetAsync(path);
                Assert.True(response.IsSuccessStatusCode, $"{role} {path}: {(int)response.StatusCode}");
                Assert.Contains("<h1>", await response.Content.ReadAsStringAsync());
            }
        }
        using var anonymous = demo.App.CreateHttpClient(role: null);
        foreach (var path in paths)
        {
            using var response = await anonymous.GetAsync(path);
            Assert.False(response.IsSuccessStatusCode && !response.RequestMessage!.RequestUri!.AbsolutePath.StartsWith("/signin", StringComparison.Ordinal),
                $"anonymous {path}: {(int)response.StatusCode} at {response.RequestMessage!.RequestUri}");
        }
    }
}
