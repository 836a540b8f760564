using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DoseWatch.Core.Access;
using DoseWatch.Data.Audit;
using DoseWatch.Web.Alerts;

namespace DoseWatch.Web.Tests.Alerts;

/// <summary>
/// A physicist subscribes an address to one device's alerts and ends the subscription over the API; both changes are in
/// the audit trail, bad requests are refused with the field at fault, and a QA user may not manage subscriptions.
/// </summary>
[Collection(nameof(AlertsAppFixture))]
public sealed class AlertSubscriptionsApiFacts(AlertsAppFixture fixture)
{
    [Fact]
    public async Task A_subscription_is_created_listed_ended_and_audited()
    {
        var device = $"no-such-device-{Guid.NewGuid():N}"; // matches no alert of the other tests
        var client = fixture.App.CreateHttpClient(Roles.Physicist);
        var response = await client.PostAsJsonAsync("/api/v1/alerts/subscriptions",
            new { channel = "email", target = "ct.lead@example.org", deviceKey = device, type = "dose-outlier", digestMinutes = 15 });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        var listed = Assert.Single((await client.GetFromJsonAsync<JsonElement>("/api/v1/alerts/subscriptions")).EnumerateArray(), s => s.GetProperty("id").GetInt64() == id);
        Assert.Equal(("email", "ct.lead@example.org", device, "dose-outlier", 15),
            (listed.GetProperty("channel").GetString(), listed.GetProperty("target").GetString(), listed.GetProperty("deviceKey").GetString(),
             listed.GetProperty("type").GetString(), listed.GetProperty("digestMinutes").GetInt32()));
        var stored = Assert.Single(await fixture.Service<Data.Repositories.AlertRepository>().ListSubscriptionsAsync(), s => s.Id == id);
        Assert.Equal(device, stored.DeviceKey);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/alerts/subscriptions/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"/api/v1/alerts/subscriptions/{id}")).StatusCode);
        Assert.DoesNotContain((await client.GetFromJsonAsync<JsonElement>("/api/v1/alerts/subscriptions")).EnumerateArray(), s => s.GetProperty("id").GetInt64() == id);

        var audit = fixture.Service<AuditLog>();
        var physicist = DoseWatch.Web.Access.SignedInUser.ApiKeyActor(TestAccounts.ApiKeyName(Roles.Physicist)); // the API key the client signs in with
        foreach (var action in new[] { AlertSubscriptionsApi.Create, AlertSubscriptionsApi.Delete })
        {
            var entry = Assert.Single((await audit.QueryAsync(new AuditQuery(Action: action))).Items, e => e.Target == $"subscription:{id}");
            Assert.Equal(physicist, entry.Actor);
            Assert.Equal(device, JsonDocument.Parse(entry.Detail!).RootElement.GetProperty("deviceKey").GetString());
        }
    }

    [Fact]
    public async Task Bad_subscriptions_are_refused_by_field_and_QA_may_not_manage_them()
    {
        var client = fixture.App.CreateHttpClient(Roles.Physicist);
        (object Body, string Field)[] bad =
        [
            (new { channel = "sms", target = "123" }, "channel"),
            (new { channel = "email", target = "not an address" }, "target"),
            (new { channel = "webhook", target = "ftp://127.0.0.1/hook" }, "target"),
            (new { channel = "email", target = "a@example.org", type = "bad-type" }, "type"),
            (new { channel = "email", target = "a@example.org", digestMinutes = -1 }, "digestMinutes"),
        ];
        foreach (var (body, field) in bad)
        {
            var response = await client.PostAsJsonAsync("/api/v1/alerts/subscriptions", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _), field);
        }
        var qa = fixture.App.CreateHttpClient(Roles.Qa);
        Assert.Equal(HttpStatusCode.Forbidden, (await qa.GetAsync("/api/v1/alerts/subscriptions")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await qa.PostAsJsonAsync("/api/v1/alerts/subscriptions", new { channel = "email", target = "qa@example.org" })).StatusCode);
    }

    [Fact]
    public async Task A_physicist_subscribes_and_unsubscribes_on_the_rules_page()
    {
        var device = $"no-such-device-{Guid.NewGuid():N}";
        var (playwright, browser, page, consoleErrors) = await BrowserFacts.OpenAsync(fixture.App, "/rules", Roles.Physicist);
        using var _ = playwright;
        await using var __ = browser;
        await page.Locator("[data-section=subscriptions] button[data-action=subscribe]").WaitForAsync(new() { Timeout = 10_000 });
        await page.SelectOptionAsync("select[data-field=sub-channel]", "webhook");
        await page.FillAsync("input[data-field=sub-target]", "http://127.0.0.1:9/ui-hook");
        await page.SelectOptionAsync("select[data-field=sub-type]", "drl-exceeded");
        await page.FillAsync("input[data-field=sub-device]", device);
        await page.ClickAsync("button[data-action=subscribe]");
        await page.Locator("[data-field=subscription-message]", new() { HasText = "subscribed" }).WaitForAsync(new() { Timeout = 5000 });

        var api = fixture.App.CreateHttpClient(Roles.Physicist);
        var listed = Assert.Single((await api.GetFromJsonAsync<JsonElement>("/api/v1/alerts/subscriptions")).EnumerateArray(), s => s.GetProperty("deviceKey").GetString() == device);
        Assert.Equal(("webhook", "http://127.0.0.1:9/ui-hook", "drl-exceeded"),
            (listed.GetProperty("channel").GetString(), listed.GetProperty("target").GetString(), listed.GetProperty("type").GetString()));
        var id = listed.GetProperty("id").GetInt64();
        var row = page.Locator($"tr[data-subscription='{id}']");
        Assert.Equal(1, await row.CountAsync());
        await row.Locator("button[data-action=end-subscription]").ClickAsync();
        await page.Locator("[data-field=subscription-message]", new() { HasText = "ended" }).WaitForAsync(new() { Timeout = 5000 });
        Assert.Equal(0, await page.Locator($"tr[data-subscription='{id}']").CountAsync());
        Assert.DoesNotContain((await api.GetFromJsonAsync<JsonElement>("/api/v1/alerts/subscriptions")).EnumerateArray(), s => s.GetProperty("id").GetInt64() == id);

        var audit = fixture.Service<AuditLog>();
        foreach (var action in new[] { AlertSubscriptionsApi.Create, AlertSubscriptionsApi.Delete })
            Assert.Equal(TestAccounts.UserName(Roles.Physicist),
                Assert.Single((await audit.QueryAsync(new AuditQuery(Action: action))).Items, e => e.Target == $"subscription:{id}").Actor);
        Assert.Empty(consoleErrors);
    }
}
