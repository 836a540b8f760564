using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using DoseWatch.Data;
using Dapper;

namespace DoseWatch.Web.Tests;

/// <summary>
/// Issue #5 "works at 1280x800 and on a tablet": every dashboard page on the demo data in Debian's Chromium at the
/// laptop size and at a portrait tablet (768x1024). The page must not scroll sideways (the document is no wider than
/// the window) and each chart must be drawn, visible and inside the window. A screenshot of each is kept.
/// </summary>
[Collection(nameof(ModalityDemoCollection))]
public sealed class DashboardLayoutBrowserFacts(ModalityDemoApp demo)
{
    private static readonly (int Width, int Height)[] Viewports = [(1280, 800), (768, 1024)];

    /// <summary>A page, the charts it draws on load (element ids), and what to click first for charts drawn on demand.</summary>
    private sealed record DashboardPage(string Name, string Path, string[] Charts, string? Click = null);

    private async Task<IReadOnlyList<DashboardPage>> PagesAsync()
    {
        await using var connection = await demo.App.Services.GetRequiredService<IDbConnectionFactory>().OpenAsync();
        var study = await connection.ExecuteScalarAsync<string>("SELECT study_instance_uid FROM studies WHERE modality = 'CT' ORDER BY study_instance_uid LIMIT 1");
        Assert.NotNull(study);
        string[] Modality(string slug) => [$"{slug}-boxes", $"{slug}-trend", $"{slug}-scatter", $"{slug}-devices", $"{slug}-workload"];
        return
        [
            new("overview", "/", ["trend-chart"]),
            new("ct", "/ct", ["ctdivol-chart", "ct-trend", "ct-scatter", "ct-devices", "ct-workload"]),
            .. new[] { "fluoroscopy", "radiography", "mammography", "nuclear", "mr", "ultrasound" }.Select(slug => new DashboardPage(slug, "/" + slug, Modality(slug))),
            new("protocols", "/protocols", ["protocol-trend"], Click: "[data-section=standard] tbody tr[data-modality=MR] button[data-action=history]"),
            new("studies", "/studies", []),
            new("study", "/studies/" + Uri.EscapeDataString(study), []),
            new("devices", "/devices", ["device-history-chart"]),
        ];
    }

    [Fact]
    public async Task Every_dashboard_page_fits_the_window_at_1280x800_and_on_a_tablet_with_every_chart_visible()
    {
        var pages = await PagesAsync();
        var (playwright, browser, page, consoleErrors) = await BrowserFacts.OpenAsync(demo.App, "/");
        using var _ = playwright;
        await using var __ = browser;
        var problems = new List<string>();
        foreach (var (width, height) in Viewports)
        {
            await page.SetViewportSizeAsync(width, height);
            foreach (var p in pages)
            {
                // A fresh load at this size, so that each chart is laid out for it from the start.
                await page.GotoAsync(new Uri(demo.App.BaseAddress, p.Path).ToString());
                await page.WaitForSelectorAsync("[data-circuit=live]", new() { Timeout = 15000 });
                if (p.Click is { } click) await page.Locator(click).First.ClickAsync();
                foreach (var chart in p.Charts)
                    await page.WaitForSelectorAsync($"#{chart} svg.main-svg", new() { Timeout = 15000 });
                await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFacts.ScreenshotDirectory, $"layout-{p.Name}-{width}x{height}.png"), FullPage = true });

                // The app's CSP forbids string evaluation: a function on a located element.
                var widths = await page.Locator("html").EvaluateAsync<double[]>("html => [html.scrollWidth, window.innerWidth]");
                if (widths[0] > widths[1]) problems.Add($"{p.Path} at {width}x{height}: the page is {widths[0]} px wide in a {widths[1]} px window");

                // Every chart on the page, the expected ones and any other: visible and within the window.
                var drawn = page.Locator(".js-plotly-plot");
                Assert.True(await drawn.CountAsync() >= p.Charts.Length, $"{p.Path}: {await drawn.CountAsync()} charts for {p.Charts.Length} expected");
                for (var i = 0; i < await drawn.CountAsync(); i++)
                {
                    var chart = drawn.Nth(i);
                    var id = await chart.GetAttributeAsync("id");
                    var box = await chart.BoundingBoxAsync();
                    if (!await chart.IsVisibleAsync() || box is null || box.Width < 100 || box.Height < 100)
                        problems.Add($"{p.Path} at {width}x{height}: chart {id} not visible ({box?.Width}x{box?.Height})");
                    else if (box.X < 0 || box.X + box.Width > width + 0.5)
                        problems.Add($"{p.Path} at {width}x{height}: chart {id} spans {box.X.ToString(CultureInfo.InvariantCulture)}..{(box.X + box.Width).ToString(CultureInfo.InvariantCulture)} px of {width}");
                }
            }
        }
        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.Empty(consoleErrors);
    }
}
