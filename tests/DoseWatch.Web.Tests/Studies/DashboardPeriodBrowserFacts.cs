using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace DoseWatch.Web.Tests.Studies;

/// <summary>
/// Issue #21: a dashboard's period is chosen with presets or a custom range and kept in the URL, beside the device of
/// /devices. The device history's study count is checked against the test's own SQL for the same days.
/// </summary>
[Collection(nameof(DemoApp))]
public sealed class DashboardPeriodBrowserFacts(DemoApp demo)
{
    private static string Day(int days) => DateOnly.FromDateTime(DateTime.UtcNow).AddDays(days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private long Studies(string device, string from, string to) =>
        demo.Scalar("SELECT COUNT(*) FROM studies WHERE device_key = @k AND study_date >= @f AND study_date <= @t", ("@k", device), ("@f", from), ("@t", to));

    [Fact]
    public async Task A_preset_and_a_custom_range_change_the_device_history_and_stay_in_the_url_with_the_device()
    {
        var (playwright, browser, page, consoleErrors) = await BrowserFacts.OpenAsync(demo.App, "/devices");
        using var _ = playwright;
        await using var __ = browser;
        // The device with the most studies in the last 30 days, so that the preset shows a non-empty, smaller count.
        var device = demo.Column("SELECT device_key FROM studies WHERE study_date >= @f GROUP BY device_key ORDER BY COUNT(*) DESC, device_key", ("@f", Day(-29)))[0];
        await page.GotoAsync(new Uri(demo.App.BaseAddress, "/devices?device=" + Uri.EscapeDataString(device)).ToString());
        await page.WaitForSelectorAsync("[data-circuit=live]", new() { Timeout = 15000 });
        Assert.Equal(Studies(device, Day(-364), Day(0)).ToString("N0", CultureInfo.InvariantCulture), await page.InnerTextAsync("[data-count=device-studies]"));

        await page.ClickAsync("[data-section=period] a[data-period='30d']");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("period=30d.*device=|device=.*period=30d"), new() { Timeout = 10000 });
        var thirty = Studies(device, Day(-29), Day(0)).ToString("N0", CultureInfo.InvariantCulture);
        await Assertions.Expect(page.Locator("[data-count=device-studies]")).ToHaveTextAsync(thirty, new() { Timeout = 10000 });
        Assert.Equal("true", await page.GetAttributeAsync("[data-section=period] a[data-period='30d']", "aria-selected"));

        // A custom range through the form: a GET with the device kept as a hidden field.
        await page.FillAsync("[data-field=period-from]", Day(-10));
        await page.FillAsync("[data-field=period-to]", Day(-3));
        await page.ClickAsync("[data-section=period] button[data-period=custom]");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("period=custom"), new() { Timeout = 10000 });
        await page.WaitForSelectorAsync("[data-circuit=live]", new() { Timeout = 15000 });
        Assert.Equal(device, Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(page.Url).Query)["device"].ToString());
        await Assertions.Expect(page.Locator("[data-count=device-studies]"))
            .ToHaveTextAsync(Studies(device, Day(-10), Day(-3)).ToString("N0", CultureInfo.InvariantCulture), new() { Timeout = 10000 });

        // Every dashboard offers the presets; "All time" reaches the oldest study.
        foreach (var path in new[] { "/ct", "/radiography", "/mr", "/protocols" })
        {
            await page.GotoAsync(new Uri(demo.App.BaseAddress, path + "?period=all").ToString());
            await page.WaitForSelectorAsync("[data-circuit=live]", new() { Timeout = 15000 });
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFacts.ScreenshotDirectory, $"period-all-{path.Trim('/')}.png"), FullPage = true });
            var all = page.Locator("[data-section=period] a[data-period=all]");
            await Assertions.Expect(all).ToHaveCountAsync(1, new() { Timeout = 15000 });
            Assert.True("true" == await all.GetAttributeAsync("aria-selected"), path);
        }
        Assert.Empty(consoleErrors);
    }
}
