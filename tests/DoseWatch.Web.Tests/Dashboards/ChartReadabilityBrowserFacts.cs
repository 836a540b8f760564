using System.Globalization;
using Microsoft.Playwright;

namespace DoseWatch.Web.Tests.Dashboards;

/// <summary>
/// Issue #21's chart fixes found by screenshots, on the demo data in Debian's Chromium at 1280x800: the CT boxes switch
/// to a log axis (kept in the URL); the workload colour bar names whole studies only; a scatter's legend lies under the
/// plot, not beside it; the per-device boxes' labels lie inside the chart; a modality page's subtitle names the
/// period the picker chose. Screenshots under TestResults/screenshots.
/// </summary>
[Collection(nameof(ModalityDemoCollection))]
public sealed class ChartReadabilityBrowserFacts(ModalityDemoApp demo)
{
    private static string Day(DateOnly d) => d.ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Ct_boxes_take_a_log_axis_and_the_modality_charts_keep_their_labels_and_legends_readable()
    {
        var (playwright, browser, page, consoleErrors) = await BrowserFacts.OpenAsync(demo.App, "/ct");
        using var pw = playwright;
        await using var bw = browser;
        await page.SetViewportSizeAsync(1280, 800);
        await page.WaitForSelectorAsync("#ctdivol-chart svg.main-svg", new() { Timeout = 15000 });
        Assert.Equal("linear", await page.Locator("#ctdivol-chart").EvaluateAsync<string>("el => el._fullLayout.xaxis.type"));
        await page.ClickAsync("[data-section=axis-scale] a[data-scale=log]");
        await page.WaitForURLAsync(url => url.Contains("scale=log", StringComparison.Ordinal), new() { Timeout = 10000 });
        await Assertions.Expect(page.Locator("#ctdivol-chart .xtitle")).ToContainTextAsync("log scale", new() { Timeout = 15000 });
        Assert.Equal("log", await page.Locator("#ctdivol-chart").EvaluateAsync<string>("el => el._fullLayout.xaxis.type"));
        Assert.Equal("log", await page.Locator("#dlp-chart").EvaluateAsync<string>("el => el._fullLayout.xaxis.type"));

        // The per-device boxes (CT's devices have names like "CT_RAD_2 · Revolution EVO · GE MEDICAL SYSTEMS"): every tick
        // label starts inside the chart.
        await page.WaitForSelectorAsync("#ct-devices svg.main-svg", new() { Timeout = 15000 });
        var clipped = await page.Locator("#ct-devices").EvaluateAsync<string[]>("""
            el => { const left = el.getBoundingClientRect().left;
                    return [...el.querySelectorAll('.ytick text')].filter(t => t.getBoundingClientRect().left < left - 0.5).map(t => t.textContent); }
            """);
        Assert.Empty(clipped);
        Assert.True(await page.Locator("#ct-devices .ytick text").CountAsync() > 0);

        // The workload colour bar: whole studies only.
        await page.WaitForSelectorAsync("#ct-workload svg.main-svg", new() { Timeout = 15000 });
        var ticks = await page.Locator("#ct-workload").EvaluateAsync<string[]>("el => [...el.querySelectorAll('.colorbar text')].map(t => t.textContent.trim())");
        var numbers = ticks.Where(t => t.Length > 0 && char.IsDigit(t[0])).ToList();
        Assert.NotEmpty(numbers);
        Assert.All(numbers, t => Assert.True(long.TryParse(t, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out _), $"colour bar tick '{t}' is not a whole number of studies"));

        // The scatter's legend under its plot: the plot keeps the chart's width.
        await page.WaitForSelectorAsync("#ct-scatter svg.main-svg", new() { Timeout = 15000 });
        var geometry = await page.Locator("#ct-scatter").EvaluateAsync<double[]>("""
            el => { const c = el.getBoundingClientRect(), p = el.querySelector('.nsewdrag').getBoundingClientRect(), l = el.querySelector('.legend');
                    const lr = l ? l.getBoundingClientRect() : { top: p.bottom }; return [c.width, p.width, p.bottom, lr.top, l ? 1 : 0]; }
            """);
        Assert.True(geometry[1] >= 0.8 * geometry[0], $"the scatter's plot is {geometry[1]} px of a {geometry[0]} px chart");
        if (geometry[4] == 1) Assert.True(geometry[3] >= geometry[2], $"the legend starts at {geometry[3]} px, above the plot's bottom at {geometry[2]} px");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFacts.ScreenshotDirectory, "charts-ct-log-1280x800.png"), FullPage = true });

        // The fluoroscopy page's subtitle names the period chosen, not a fixed year.
        var from = demo.Today.AddDays(-40);
        var to = demo.Today.AddDays(-10);
        await page.GotoAsync(new Uri(demo.App.BaseAddress, $"/fluoroscopy?period=custom&from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}").ToString());
        await page.WaitForSelectorAsync("[data-circuit=live]", new() { Timeout = 15000 });
        await Assertions.Expect(page.Locator("[data-field=subtitle]")).ToContainTextAsync($"{Day(from)} – {Day(to)}", new() { Timeout = 15000 });
        Assert.DoesNotContain("365", await page.Locator("[data-field=subtitle]").InnerTextAsync(), StringComparison.Ordinal);
        await page.GotoAsync(new Uri(demo.App.BaseAddress, "/fluoroscopy?period=30d").ToString());
        await Assertions.Expect(page.Locator("[data-field=subtitle]")).ToContainTextAsync("last 30 days", new() { Timeout = 15000 });
        Assert.Empty(consoleErrors);
    }
}
