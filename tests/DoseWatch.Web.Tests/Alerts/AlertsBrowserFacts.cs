using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using DoseWatch.Core.Access;
using DoseWatch.Core.Domain;
using DoseWatch.Data.Audit;
using DoseWatch.Web.Alerts;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace DoseWatch.Web.Tests.Alerts;

/// <summary>
/// A QA user in Debian's Chromium: an alert raised by the analysis appears in the open inbox without a reload, is
/// acknowledged, then resolved with a comment; the API then shows the whole lifecycle.
/// </summary>
[Collection(nameof(AlertsAppFixture))]
public sealed class AlertsBrowserFacts(AlertsAppFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task A_new_alert_arrives_live_and_is_acknowledged_then_resolved()
    {
        var (playwright, browser, page, consoleErrors) = await BrowserFacts.OpenAsync(fixture.App, "/alerts", Roles.Qa);
        using var _ = playwright;
        await using var __ = browser;

        var device = new DeviceIdentity("ACME", "Browser CT", "CT-WEB", "SN-WEB", null);
        var study = $"2.25.{Random.Shared.NextInt64(1, long.MaxValue)}";
        await fixture.MapUnapprovedAsync("Browser chest routine", "Browser chest (other room only)");
        await fixture.SaveStudyAsync(device, study, "Browser chest routine", 9, 120);
        var raised = Stopwatch.StartNew();
        var id = Assert.Single(await fixture.Service<AnalyzeStudyJob>().AnalyzeAsync(study, CancellationToken.None));

        var row = page.Locator($"tr[data-alert='{id}']");
        await row.WaitForAsync(new() { Timeout = 5000 }); // pushed over the circuit: no reload
        output.WriteLine($"alert stored → row in the open inbox: {raised.ElapsedMilliseconds} ms");
        Assert.Equal($"studies/{study}", await row.Locator("a[data-field=study]").GetAttributeAsync("href"));
        Assert.Contains("Protocol deviation", await row.InnerTextAsync());
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFacts.ScreenshotDirectory, "alerts-new.png"), FullPage = true });

        await row.Locator("button[data-action=acknowledge]").ClickAsync();
        await row.WaitForAsync(new() { State = WaitForSelectorState.Detached, Timeout = 5000 }); // left the "New" tab
        await page.ClickAsync("button.tab[data-filter=acknowledged]");
        var acknowledged = page.Locator($"tr[data-alert='{id}'][data-status=acknowledged]");
        await acknowledged.WaitForAsync(new() { Timeout = 5000 });

        await acknowledged.Locator("button[data-action=resolve]").ClickAsync();
        await acknowledged.Locator("input[data-field=comment]").FillAsync("Mapped to Chest CT by the physicist");
        await acknowledged.Locator("button[data-action=confirm-resolve]").ClickAsync();
        // The resolution is stored before the row leaves the "Acknowledged" tab: only then is the "Resolved" tab asked.
        await acknowledged.WaitForAsync(new() { State = WaitForSelectorState.Detached, Timeout = 5000 });
        await page.ClickAsync("button.tab[data-filter=resolved]");
        var resolved = page.Locator($"tr[data-alert='{id}'][data-status=resolved]");
        await resolved.WaitForAsync(new() { Timeout = 5000 });
        Assert.Contains("Mapped to Chest CT by the physicist", await resolved.InnerTextAsync());
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFacts.ScreenshotDirectory, "alerts-resolved.png"), FullPage = true });

        using var client = fixture.App.CreateHttpClient();
        var detail = await client.GetFromJsonAsync<JsonElement>($"/api/v1/alerts/{id}");
        Assert.Equal(("resolved", "Mapped to Chest CT by the physicist"),
            (detail.GetProperty("alert").GetProperty("status").GetString(), detail.GetProperty("alert").GetProperty("comment").GetString()));
        var qa = TestAccounts.UserName(Roles.Qa);
        Assert.Equal([("raised", "system"), ("acknowledged", qa), ("resolved", qa)],
            detail.GetProperty("history").EnumerateArray().Select(h => (h.GetProperty("action").GetString(), h.GetProperty("actor").GetString())));
        // The audit trail has each step with the status before and after.
        var audit = (await fixture.Service<AuditLog>().QueryAsync(new AuditQuery(Actor: qa))).Items.Where(e => e.Target == $"alert:{id}").OrderBy(e => e.Id).ToList();
        Assert.Equal([(AlertActions.Acknowledge, "new", "acknowledged"), (AlertActions.Resolve, "acknowledged", "resolved")],
            audit.Select(e => (e.Action, JsonDocument.Parse(e.Detail!).RootElement.GetProperty("old").GetProperty("status").GetString(),
                JsonDocument.Parse(e.Detail!).RootElement.GetProperty("new").GetProperty("status").GetString())));
        Assert.Empty(consoleErrors);
    }
}
