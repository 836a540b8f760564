using System.Globalization;
using DoseWatch.Core.Access;
using DoseWatch.Core.Domain;
using DoseWatch.Data.Repositories;
using DoseWatch.Web.Alerts;

namespace DoseWatch.Web.Tests.Alerts;

/// <summary>
/// The /ct table marks a study with an open alert (colour and icon by type, the reason on hover, a link to the alert);
/// the alert's page draws the evidence: every earlier value of the protocol as a box with its points and this study as
/// one marker on the same axis.
/// </summary>
[Collection(nameof(AlertsAppFixture))]
public sealed class AlertMarkBrowserFacts(AlertsAppFixture fixture)
{
    [Fact]
    public async Task A_dose_outlier_is_marked_on_the_ct_table_and_its_page_charts_the_protocols_distribution()
    {
        var device = new DeviceIdentity("ACME", "Mark CT", "CT-MARK", $"SN-{Guid.NewGuid():N}", null);
        await fixture.MapAsync("Mark chest", "Mark chest standard");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        // 20 earlier studies at 8, 9, 10, 11, 12 mGy (four each), then one at 40 mGy: score (ln 40 − ln 10) / (1.4826 · ln(10/9)) ≈ 8.9 > 3.5.
        var history = Enumerable.Range(0, 20).Select(i => 8.0 + i % 5).ToList();
        var earlier = history.Select((_, i) => $"2.25.77{i:D2}{Random.Shared.Next(1000, 9999)}").ToList();
        for (var i = 0; i < history.Count; i++)
            await fixture.SaveStudyAsync(device, earlier[i], "Mark chest", history[i], 120, today.AddDays(-1));
        var outlier = $"2.25.88{Random.Shared.NextInt64(1, long.MaxValue / 1000)}";
        await fixture.SaveStudyAsync(device, outlier, "Mark chest", 40, 120, today);
        await fixture.Service<AnalyzeStudyJob>().AnalyzeAsync(outlier, CancellationToken.None);
        var alert = Assert.Single((await fixture.Service<AlertRepository>().ListAsync(new AlertQuery(Type: "dose-outlier", StudyInstanceUid: outlier))).Items);

        var (playwright, browser, page, consoleErrors) = await BrowserFacts.OpenAsync(fixture.App, "/ct", Roles.Qa);
        using var _ = playwright;
        await using var __ = browser;
        var mark = page.Locator($"[data-section=recent-studies] tr[data-study='{outlier}'] a.alert-mark");
        await mark.WaitForAsync(new() { Timeout = 5000 });
        Assert.Equal($"alerts/{alert.Id}", await mark.GetAttributeAsync("href"));
        Assert.Equal("dose-outlier", await mark.GetAttributeAsync("data-alert-type"));
        Assert.Contains("alert-mark-dose", await mark.GetAttributeAsync("class"));
        Assert.Contains(alert.Message, await mark.GetAttributeAsync("title"));
        // An earlier study without an alert has its row, unmarked.
        Assert.Equal((1, 0), (await page.Locator($"[data-section=recent-studies] tr[data-study='{earlier[0]}']").CountAsync(),
            await page.Locator($"[data-section=recent-studies] tr[data-study='{earlier[0]}'] a.alert-mark").CountAsync()));
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFacts.ScreenshotDirectory, "ct-alert-marks.png"), FullPage = true });

        await mark.ClickAsync();
        await page.WaitForSelectorAsync("#evidence-chart g.trace.boxes", new() { Timeout = 10000 });
        Assert.Equal($"studies/{outlier}", await page.GetAttributeAsync("[data-field=study] a", "href"));
        Assert.Equal(history.Count, await page.Locator("#evidence-chart g.trace.boxes path.point").CountAsync());
        Assert.Equal(1, await page.Locator("#evidence-chart g.trace.scatter path.point").CountAsync());
        Assert.Equal($"{alert.Value!.Value.ToString("0.###", CultureInfo.InvariantCulture)} mGy", (await page.InnerTextAsync("[data-field=value]")).Trim());
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFacts.ScreenshotDirectory, "alert-evidence.png"), FullPage = true });
        Assert.Empty(consoleErrors);
    }
}
