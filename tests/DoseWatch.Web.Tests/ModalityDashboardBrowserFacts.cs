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
/// One app for the dashboard pages, filled by `dosewatch demo` run as the real CLI: CT, fluoroscopy, radiography and
/// mammography X-Ray Radiation Dose SRs, nuclear medicine Radiopharmaceutical Radiation Dose SRs, MR and ultrasound
/// images. Each object is extracted and saved as the pipeline does.
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
    }

    public async Task DisposeAsync() => await App.DisposeAsync();

    /// <summary>The CLI beside this test assembly's configuration (the solution builds it; the project reference orders it first).</summary>
    internal static string CliAssembly()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<Configuration>/net10.0/
        var path = Path.Combine(SharedSamples.RepositoryRoot, "src", "DoseWatch.Cli", "bin", configuration, "net10.0", "dosewatch.dll");
        Assert.True(File.Exists(path), $"{path} is missing: build src/DoseWatch.Cli first");
        return path;
    }
}

/// <summary>The browser classes that read the demo app share one (filling it takes the CLI and 160 studies).</summary>
[CollectionDefinition(nameof(ModalityDemoCollection))]
public sealed class ModalityDemoCollection : ICollectionFixture<ModalityDemoApp>;

/// <summary>
/// The per-modality pages in Debian's Chromium at 1280x800. Every expected count (boxes, trend points, scatter points,
/// heat-map cells, device boxes) is read from the app's database with plain SQL written here, not from the page's queries.
/// </summary>
[Collection(nameof(ModalityDemoCollection))]
public sealed class ModalityDashboardBrowserFacts(ModalityDemoApp demo)
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
        Assert.True(groups.Count > 0, $"the demo made no {modalities} values");
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

    [Fact]
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
            // The demo's images carry an Operating Mode Sequence ("STATIC FIELD:…; RF:IEC_NORMAL; GRADIENT:…"): SAR is limited by the RF mode.
            var series = await RowsAsync($"SELECT e.sar_w_per_kg, e.operating_mode, e.sar_definition FROM irradiation_events e JOIN studies s ON s.study_instance_uid = e.study_instance_uid WHERE s.modality = 'MR' AND s.study_date >= '{From}'");
            static string? Rf(string? modes) => modes?.Split(';', StringSplitOptions.TrimEntries).Select(m => m.Split(':')).FirstOrDefault(m => m.Length == 2 && m[0] == "RF")?[1] ?? modes;
            // IEC 60601-2-33 whole-body limits 2 (normal) and 4 W/kg (first level); head 3.2 W/kg in both (reference §8.4).
            var above = series.Count(r => Convert.ToDouble(r[0], CultureInfo.InvariantCulture) > ((string?)r[2] == "IEC_HEAD" ? 3.2 : Rf((string?)r[1]) == "IEC_FIRST_LEVEL" ? 4 : 2));
            Assert.True(above > 0, "the demo's planted MR outlier is above its mode's limit");
            var shown = (await page.Locator("[data-section=sar-modes] td[data-field=above]").AllInnerTextsAsync()).Sum(t => int.Parse(t, NumberStyles.AllowThousands, CultureInfo.InvariantCulture));
            Assert.Equal(above, shown);

            // A click on a scatter point opens /studies/{uid} of an MR study.
            var point = page.Locator("#mr-scatter g.trace.scatter path.point").First;
            await point.ClickAsync(new() { Force = true });
            // Blazor navigates inside the page (no load event): wait for the location itself (no string eval: the app's CSP forbids it).
            await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/studies/"), new() { Timeout = 10000 });
            var uid = Uri.UnescapeDataString(new Uri(page.Url).AbsolutePath["/studies/".Length..]);
            Assert.Single(await RowsAsync($"SELECT 1 FROM studies WHERE modality = 'MR' AND study_instance_uid = '{uid.Replace("'", "''")}'"));
        });
    }

    [Fact]
    public async Task Ultrasound_page_draws_mi_and_ti_per_preset_with_the_guidance_lines()
    {
        var expected = await ExpectedAsync("'US'", "e.mechanical_index", "COALESCE(e.preset, e.protocol, '(no protocol)')");
        await CheckPageAsync("/ultrasound", "ultrasound", expected, async page =>
        {
            Assert.Equal(["1.9"], await page.Locator("[data-section=limits] li").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.limit)"));
            await page.ClickAsync("button.tab[data-quantity=ti]");
            await Assertions.Expect(page.Locator("[data-section=limits] li")).ToHaveCountAsync(2, new() { Timeout = 10000 });
            await page.WaitForSelectorAsync("#ultrasound-boxes svg.main-svg", new() { Timeout = 10000 });
            Assert.Equal(2, await CountAsync(page, "#ultrasound-boxes .shapelayer path"));
        });
    }

    [Fact]
    public async Task Radiography_mammography_and_nuclear_pages_draw_their_expected_charts()
    {
        await CheckPageAsync("/radiography", "radiography", await ExpectedAsync("'DX', 'CR'", "e.dap_gy_cm2", "COALESCE(e.protocol, '(no protocol)')"));
        await CheckPageAsync("/mammography", "mammography", await ExpectedAsync("'MG'", "e.agd_mgy", "COALESCE(e.protocol, '(no protocol)')"));
        await CheckPageAsync("/nuclear", "nuclear", await ExpectedAsync("'NM', 'PT'", "e.administered_activity_mbq",
            "COALESCE(e.radiopharmaceutical_agent, e.radionuclide_meaning, '(no protocol)')"));
    }

    [Fact]
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

    [Fact]
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
