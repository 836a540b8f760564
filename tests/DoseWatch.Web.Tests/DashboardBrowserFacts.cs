using DoseWatch.Core.Analysis;
using DoseWatch.Core.Domain;
using DoseWatch.Core.Extraction;
using DoseWatch.Data;
using DoseWatch.Data.Repositories;
using DoseWatch.Dicom;
using DoseWatch.Tests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace DoseWatch.Web.Tests;

/// <summary>
/// The Overview and CT dashboards in Debian's Chromium, on an app whose database holds real samples (re-dated into the
/// last weeks so that the live windows apply). Expected counts of boxes, points and rows come from the extraction of the
/// same files; screenshots at 1280x800 are kept under TestResults/screenshots.
/// </summary>
public sealed class DashboardBrowserFacts
{
    private static readonly string[] Samples =
    [
        "openrem/CT-RDSR-Siemens-Multi-1.dcm", "openrem/CT-RDSR-ToshibaPixelMed.dcm", "openrem/CT-RDSR-Toshiba_DoseCheck.dcm",
        "openrem/CT-RDSR-GEPixelMed.dcm", "openrem/CT-RDSR-Siemens_Flash-TAP-SS.dcm", "openrem/CT-RDSR-Philips_BigBore4DCT.dcm",
        "openrem/DX-RDSR-Canon_CXDI.dcm", "openrem/MG-RDSR-Hologic_2D.dcm",
    ];

    private static async Task<List<ExtractionResult>> SaveSamplesAsync(DoseWatchApp app, DateOnly today)
    {
        var repository = new DoseRecordRepository(app.Services.GetRequiredService<IDbConnectionFactory>());
        var saved = new List<ExtractionResult>();
        for (var i = 0; i < Samples.Length; i++)
        {
            var original = DoseExtractor.Extract(DicomReader.ReadFile(SharedSamples.Path_(Samples[i])));
            var result = original with { Study = original.Study! with { StudyDate = today.AddDays(-3 * i) } };
            await repository.SaveAsync(result);
            saved.Add(result);
        }
        return saved;
    }

    private static async Task ScreenshotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFacts.ScreenshotDirectory, name), FullPage = true });

    [SamplesFact]
    public async Task Overview_and_ct_pages_draw_one_box_per_protocol_and_the_daily_trend()
    {
        await using var app = await DoseWatchApp.StartAsync();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var saved = await SaveSamplesAsync(app, today);
        var ctEvents = saved.Where(r => r.Study!.Modality == "CT").SelectMany(r => r.Events.DistinctBy(e => e.EventUid))
            .Where(e => e.CtdiVolMGy is not null || e.DlpMGyCm is not null).ToList();
        // The CT page leaves localizers (Constant Angle Acquisition) out of its charts, its statistics and its event
        // counts, as every CT statistic does (issue #16): a protocol whose only dose events are localizers has no row.
        var protocols = ctEvents.Where(DoseEvents.IsDiagnostic).GroupBy(e => e.Protocol ?? DashboardRepository.NoProtocol).ToList();
        var localizerOnly = ctEvents.Select(e => e.Protocol ?? DashboardRepository.NoProtocol).Distinct()
            .Except(protocols.Select(g => g.Key)).ToList();
        // The samples hold such protocols, so the page's leaving them out is checked below and not assumed.
        Assert.NotEmpty(localizerOnly);
        var ctdiProtocols = protocols.Count(g => g.Any(e => e.CtdiVolMGy is not null));
        var dlpProtocols = protocols.Count(g => g.Any(e => e.DlpMGyCm is not null));
        var ctDaysWithDlp = saved.Where(r => r.Study!.Modality == "CT" && r.Events.Any(e => e.DlpMGyCm is not null)).Select(r => r.Study!.StudyDate).Distinct().Count();
        Assert.True(protocols.Count is > 1 and <= 20, $"{protocols.Count} protocols");
        // Each sample is its own study (a shared Study Instance UID would merge them, keeping the first date).
        Assert.Equal(Samples.Length, saved.Select(r => r.Study!.StudyInstanceUid).Distinct().Count());

        // The prerendered response carries the page's frame only: the queries run once, in the interactive render that
        // draws the charts below (DashboardComponent), not also for the HTML that the circuit replaces at once.
        using (var http = app.CreateHttpClient())
        {
            var prerendered = await http.GetStringAsync("ct");
            Assert.Contains("<h1>CT</h1>", prerendered);
            Assert.Contains("Loading…", prerendered);
            Assert.DoesNotContain("data-section=\"protocols\"", prerendered);
        }

        var (playwright, browser, page, consoleErrors) = await BrowserFacts.OpenAsync(app, "/");
        using var _ = playwright;
        await using var __ = browser;

        // Overview: CT studies in 30 days, and one trend point per day with CT studies (CT has the most studies).
        await page.WaitForSelectorAsync("#trend-chart svg.main-svg", new() { Timeout = 15000 });
        var ctIn30Days = saved.Count(r => r.Study!.Modality == "CT" && r.Study.StudyDate >= today.AddDays(-29));
        var ctRow = page.Locator("[data-section=activity] tr[data-modality=CT] td");
        Assert.Equal(ctIn30Days.ToString("N0"), await ctRow.Nth(3).InnerTextAsync());
        Assert.Equal(ctDaysWithDlp, await page.Locator("#trend-chart g.trace.scatter path.point").CountAsync());
        Assert.Equal(0, await page.Locator("[data-field=stale]").CountAsync());
        await ScreenshotAsync(page, "overview-dashboard.png");

        // The modality tabs redraw the chart in place: MG has one study, so one point.
        await page.ClickAsync("[data-section=trend] button.tab[data-modality=MG]");
        // A polling assertion, not WaitForFunction: the app's content security policy forbids the eval that one uses.
        await Assertions.Expect(page.Locator("#trend-chart g.trace.scatter path.point")).ToHaveCountAsync(1, new() { Timeout = 5000 });

        // CT page through the navigation: one box per protocol in each chart, one table row per protocol.
        await page.ClickAsync("nav a.nav-link[href=ct]");
        await page.WaitForSelectorAsync("#ctdivol-chart svg.main-svg", new() { Timeout = 15000 });
        await page.WaitForSelectorAsync("#dlp-chart svg.main-svg", new() { Timeout = 15000 });
        Assert.Equal(ctdiProtocols, await page.Locator("#ctdivol-chart g.trace.boxes").CountAsync());
        Assert.Equal(dlpProtocols, await page.Locator("#dlp-chart g.trace.boxes").CountAsync());
        Assert.Equal(protocols.Count, await page.Locator("[data-section=protocols] tbody tr").CountAsync());
        Assert.Equal(protocols.Select(g => g.Key).Order(StringComparer.Ordinal),
            (await page.Locator("[data-section=protocols] tbody tr td.protocol").AllInnerTextsAsync()).Order(StringComparer.Ordinal));
        Assert.Contains("mGy·cm", await page.InnerTextAsync("[data-section=dlp] .card-title"));

        // The most frequent protocol's event count (localizers left out) and CTDIvol median, from the extraction.
        var top = protocols.OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First();
        var values = top.Where(e => e.CtdiVolMGy is not null).Select(e => e.CtdiVolMGy!.Value).Order().ToList();
        var median = values.Count % 2 == 1 ? values[values.Count / 2] : (values[values.Count / 2 - 1] + values[values.Count / 2]) / 2;
        var cells = page.Locator("[data-section=protocols] tbody tr").First.Locator("td");
        Assert.Equal(top.Key, await cells.Nth(0).InnerTextAsync());
        Assert.Equal(top.Count().ToString("N0"), await cells.Nth(1).InnerTextAsync());
        Assert.Equal(Core.Presentation.DisplayText.Number(median), await cells.Nth(2).InnerTextAsync());
        await ScreenshotAsync(page, "ct-dashboard.png");
        Assert.Empty(consoleErrors);
    }
}
