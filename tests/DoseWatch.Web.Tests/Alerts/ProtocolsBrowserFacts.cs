using System.Text.Json;
using DoseWatch.Core.Access;
using DoseWatch.Core.Analysis;
using DoseWatch.Core.Domain;
using DoseWatch.Data.Audit;
using DoseWatch.Data.Repositories;
using DoseWatch.Web.Alerts;
using DoseWatch.Web.Rules;
using Microsoft.Playwright;

namespace DoseWatch.Web.Tests.Alerts;

/// <summary>
/// A physicist follows an old link to /protocols/mapping and lands on the review queue (/protocols/review), approves a
/// new raw name for one device there, then on /protocols/references learns the protocol's reference from the device's
/// history and saves it; both changes are in the audit trail with old and new values. A standard protocol is added on
/// /protocols/catalogue. Each of the three pages has its own heading (issue #21).
/// </summary>
[Collection(nameof(AlertsAppFixture))]
public sealed class ProtocolsBrowserFacts(AlertsAppFixture fixture)
{
    [Fact]
    public async Task A_new_name_is_approved_for_its_device_and_a_reference_is_learned_and_saved()
    {
        var suffix = Random.Shared.Next(100_000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var device = new DeviceIdentity("ACME", "Protocol CT", "CT-PROT", $"SN-{suffix}", null);
        var standard = $"Chest review {suffix}";
        var raw = $"CHST REVIEW {suffix} 5mm";
        await fixture.Service<ProtocolRepository>().SaveStandardProtocolAsync(new StandardProtocol(standard, "CT", new HashSet<string>()));
        // 20 studies at 8, 9, 10, 11, 12 mGy (four each) under the raw name nobody mapped yet.
        var uids = Enumerable.Range(0, 20).Select(i => $"2.25.66{suffix}{i:D2}").ToList();
        for (var i = 0; i < uids.Count; i++) await fixture.SaveStudyAsync(device, uids[i], raw, 8.0 + i % 5, 120);
        await fixture.Service<AnalyzeStudyJob>().AnalyzeAsync(uids[^1], CancellationToken.None); // records the unmapped name

        var (playwright, browser, page, consoleErrors) = await BrowserFacts.OpenAsync(fixture.App, "/protocols/mapping", Roles.Physicist);
        using var _ = playwright;
        await using var __ = browser;
        Assert.EndsWith("/protocols/review", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal); // the old link redirects
        Assert.Equal("Protocol review queue", await page.Locator("h1").InnerTextAsync());
        var row = page.Locator($"[data-section=review-queue] tr[data-raw='{raw}']");
        await row.WaitForAsync(new() { Timeout = 5000 });
        var best = (await fixture.Service<ProtocolRepository>().LoadCatalogueAsync()).Suggest(raw, "CT")[0].StandardProtocol;
        Assert.Equal(standard, best);
        Assert.Equal(1, await row.Locator($"button[data-suggestion='{standard}']").CountAsync());
        await row.Locator($"button[data-suggestion='{standard}']").ClickAsync();
        await row.Locator("button[data-action=approve-device]").ClickAsync();
        await page.Locator("[data-field=message]", new() { HasText = "maps to" }).WaitForAsync(new() { Timeout = 5000 });
        Assert.Equal(0, await page.Locator($"[data-section=review-queue] tr[data-raw='{raw}']").CountAsync());

        var catalogue = await fixture.Service<ProtocolRepository>().LoadCatalogueAsync();
        Assert.Equal(standard, catalogue.Resolve(device.Key, raw, null).Standard?.Name);
        Assert.Null(catalogue.Resolve("another device", raw, null).Standard); // approved for this device only
        var audit = fixture.Service<AuditLog>();
        var physicist = TestAccounts.UserName(Roles.Physicist);
        var mapping = Assert.Single((await audit.QueryAsync(new AuditQuery(Action: RuleEditing.MappingApprove))).Items, e => e.Target == $"mapping:{raw}@{device.Key}");
        Assert.Equal(physicist, mapping.Actor);
        var detail = JsonDocument.Parse(mapping.Detail!).RootElement;
        Assert.Equal((JsonValueKind.Null, standard), (detail.GetProperty("old").GetProperty("standardProtocol").ValueKind, detail.GetProperty("new").GetProperty("standardProtocol").GetString()));

        // The references page, through the workflow's tabs.
        await page.ClickAsync("[data-section=workflow-tabs] a[data-tab='protocols/references']");
        await page.Locator("h1", new() { HasText = "Protocol references" }).WaitForAsync(new() { Timeout = 5000 });
        await page.Locator($"select[data-field=ref-protocol] option[value='{standard}']").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 5000 });
        // Learn: type 7 quantiles 2.5 % and 97.5 % of 8×4 … 12×4 are 8 and 12 (h = 0.475 and 18.525 between equal values).
        await page.SelectOptionAsync("select[data-field=ref-protocol]", standard);
        await page.SelectOptionAsync("select[data-field=ref-device]", device.Key);
        await page.ClickAsync("button[data-action=learn]");
        await page.Locator("[data-field=message]", new() { HasText = "Learned from 20 studies" }).WaitForAsync(new() { Timeout = 5000 });
        Assert.Equal("8–12", await page.InputValueAsync("input[data-field=ref-ctdivol]"));
        Assert.Equal("120", await page.InputValueAsync("input[data-field=ref-kvp]"));
        await page.FillAsync("input[data-field=ref-ctdivol]", "7–13"); // the physicist widens it
        await page.ClickAsync("button[data-action=save-reference]");
        await page.Locator("[data-field=message]", new() { HasText = "saved" }).WaitForAsync(new() { Timeout = 5000 });
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFacts.ScreenshotDirectory, "protocols.png"), FullPage = true });

        Assert.Equal("7–13", await page.Locator($"[data-section=references] tr[data-reference='{standard}'][data-device='{device.Key}'] [data-field=ctdivol]").InnerTextAsync());
        var stored = (await fixture.Service<ProtocolRepository>().ListReferencesAsync()).Single(r => r.StandardProtocol == standard && r.DeviceKey == device.Key);
        Assert.Equal((new ValueRange(7, 13), physicist, 20), (stored.CtdiVolMGy, stored.EditedBy, stored.SampleSize));
        var reference = Assert.Single((await audit.QueryAsync(new AuditQuery(Action: RuleEditing.ReferenceUpdate))).Items, e => e.Target == $"reference:{standard}@{device.Key}");
        var change = JsonDocument.Parse(reference.Detail!).RootElement;
        Assert.Equal((JsonValueKind.Null, "[7, 13]"), (change.GetProperty("old").ValueKind, change.GetProperty("new").GetProperty("ctdiVolMGy").GetString()));
        Assert.Empty(consoleErrors);
    }

    [Fact]
    public async Task A_standard_protocol_is_added_on_the_catalogue_page_for_one_device()
    {
        var suffix = Random.Shared.Next(100_000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var device = new DeviceIdentity("ACME", "Catalogue CT", "CT-CAT", $"SN-{suffix}", null);
        await fixture.SaveStudyAsync(device, $"2.25.67{suffix}01", $"HEAD {suffix}", 40, 120); // the device is known by its studies
        var name = $"Head catalogue {suffix}";

        var (playwright, browser, page, consoleErrors) = await BrowserFacts.OpenAsync(fixture.App, "/protocols/catalogue", Roles.Physicist);
        using var _ = playwright;
        await using var __ = browser;
        Assert.Equal("Standard protocols", await page.Locator("h1").InnerTextAsync());
        await page.Locator($"select[data-field=protocol-devices] option[value='{device.Key}']").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 5000 });
        await page.FillAsync("input[data-field=protocol-name]", name);
        await page.FillAsync("input[data-field=protocol-modality]", "CT");
        await page.SelectOptionAsync("select[data-field=protocol-devices]", device.Key);
        await page.ClickAsync("button[data-action=save-protocol]");
        await page.Locator("[data-field=message]", new() { HasText = "saved" }).WaitForAsync(new() { Timeout = 5000 });
        var listed = page.Locator($"[data-section=standard-protocols] tr[data-protocol='{name}']");
        await listed.WaitForAsync(new() { Timeout = 5000 });
        Assert.Contains("CT-CAT", await listed.InnerTextAsync(), StringComparison.Ordinal); // the device by its name, not its key
        Assert.DoesNotContain(device.Key, await listed.InnerTextAsync(), StringComparison.Ordinal);

        var saved = (await fixture.Service<ProtocolRepository>().LoadCatalogueAsync()).Find(name);
        Assert.NotNull(saved);
        Assert.Equal("CT", saved.Modality);
        Assert.Equal(device.Key, Assert.Single(saved.ApprovedDeviceKeys));
        Assert.Empty(consoleErrors);
    }
}
