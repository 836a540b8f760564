using System.Net.Http.Json;
using System.Text.Json;
using DoseWatch.Core.Access;
using DoseWatch.Core.Analysis;
using DoseWatch.Core.Domain;
using DoseWatch.Data.Repositories;
using DoseWatch.Web.Alerts;

namespace DoseWatch.Web.Tests.Alerts;

/// <summary>
/// The protocol and device pages list their deviations and outliers over time: a protocol not approved for a new device
/// raises a protocol deviation on each of its studies, and /protocols (history of the name) and /devices (the device)
/// list exactly the alerts the alerts API reports for them, newest first, with links to the alert and the study.
/// </summary>
[Collection(nameof(AlertsAppFixture))]
public sealed class AlertTimelineBrowserFacts(AlertsAppFixture fixture)
{
    [Fact]
    public async Task Protocol_history_and_device_page_list_their_alerts_newest_first()
    {
        var suffix = Random.Shared.Next(100_000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var device = new DeviceIdentity("ACME", "Timeline CT", "CT-TL", $"SN-{suffix}", null);
        var standard = $"Abdomen timeline {suffix}";
        var raw = $"ABD TL {suffix}";
        var protocols = fixture.Service<ProtocolRepository>();
        await protocols.SaveStandardProtocolAsync(new StandardProtocol(standard, "CT", new HashSet<string> { "another-device" }));
        await protocols.MapAsync(raw, ProtocolNameSource.AcquisitionProtocol, "", standard, "test");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var uids = Enumerable.Range(0, 3).Select(i => $"2.25.77{suffix}{i}").ToList();
        foreach (var uid in uids)
        {
            await fixture.SaveStudyAsync(device, uid, raw, 10, 120, today);
            await fixture.Service<AnalyzeStudyJob>().AnalyzeAsync(uid, CancellationToken.None);
        }

        var client = fixture.App.CreateHttpClient();
        var reported = new List<JsonElement>();
        foreach (var uid in uids)
            reported.AddRange((await client.GetFromJsonAsync<JsonElement>($"/api/v1/alerts?study={uid}&pageSize=200")).GetProperty("items").EnumerateArray());
        var ofDevice = Newest(reported.Where(a => a.GetProperty("deviceKey").GetString() == device.Key));
        var ofProtocol = Newest(reported.Where(a => a.GetProperty("standardProtocol").GetString() == standard));
        Assert.True(ofProtocol.Count >= uids.Count, $"every study should have its unapproved-protocol deviation, got {ofProtocol.Count}");
        Assert.Contains(reported, a => a.GetProperty("type").GetString() == "protocol-deviation");

        {
            var (playwright, browser, page, consoleErrors) = await BrowserFacts.OpenAsync(fixture.App, "/protocols", Roles.Qa);
            using var _ = playwright;
            await using var __ = browser;
            var row = page.Locator($"[data-section=standard][data-standard='{standard}'] tr[data-raw='{raw}']");
            await row.Locator("button[data-action=history]").ClickAsync(new() { Timeout = 10_000 });
            var section = page.Locator("[data-section=alert-timeline]");
            await section.Locator("tr[data-alert]").First.WaitForAsync(new() { Timeout = 5000 });
            await AssertListsAsync(section, ofProtocol);
            await page.Locator("#protocol-alerts-weeks .main-svg").First.WaitForAsync(new() { Timeout = 5000 });
            Assert.Empty(consoleErrors);
        }
        {
            var (playwright, browser, page, consoleErrors) = await BrowserFacts.OpenAsync(fixture.App, "/devices?device=" + Uri.EscapeDataString(device.Key), Roles.Administrator);
            using var _ = playwright;
            await using var __ = browser;
            var section = page.Locator("[data-section=alert-timeline]");
            await section.Locator("tr[data-alert]").First.WaitForAsync(new() { Timeout = 10_000 });
            await AssertListsAsync(section, ofDevice);
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFacts.ScreenshotDirectory, "device-alerts.png"), FullPage = true });
            Assert.Empty(consoleErrors);
        }
    }

    private static List<JsonElement> Newest(IEnumerable<JsonElement> alerts) =>
        alerts.OrderByDescending(a => a.GetProperty("createdAt").GetDateTimeOffset()).ThenByDescending(a => a.GetProperty("id").GetInt64()).ToList();

    private static async Task AssertListsAsync(Microsoft.Playwright.ILocator section, List<JsonElement> expected)
    {
        Assert.Equal(expected.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), await section.Locator("[data-count=alerts]").InnerTextAsync());
        var rows = section.Locator("tr[data-alert]");
        var ids = new List<long>();
        for (var i = 0; i < await rows.CountAsync(); i++) ids.Add(long.Parse(await rows.Nth(i).GetAttributeAsync("data-alert") ?? "", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expected.Select(a => a.GetProperty("id").GetInt64()), ids);
        var first = expected[0];
        var firstRow = rows.First;
        Assert.Equal((first.GetProperty("type").GetString(), first.GetProperty("status").GetString()),
            (await firstRow.GetAttributeAsync("data-type"), await firstRow.GetAttributeAsync("data-status")));
        Assert.Equal(1, await firstRow.Locator($"a[href='alerts/{first.GetProperty("id").GetInt64()}']").CountAsync());
        Assert.Equal(1, await firstRow.Locator($"a[href='studies/{first.GetProperty("studyInstanceUid").GetString()}']").CountAsync());
        Assert.Contains(first.GetProperty("rule").GetProperty("name").GetString()!, await firstRow.InnerTextAsync(), StringComparison.Ordinal);
    }
}
