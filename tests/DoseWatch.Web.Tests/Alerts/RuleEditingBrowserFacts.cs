using System.Net.Http.Json;
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
/// A physicist in Debian's Chromium edits a rule's threshold: the audit trail records the old and the new value, and
/// the next analysis judges against the new threshold. An alert assigned through the API shows its assignee in the
/// open inbox without a reload.
/// </summary>
[Collection(nameof(AlertsAppFixture))]
public sealed class RuleEditingBrowserFacts(AlertsAppFixture fixture)
{
    private static readonly DeviceIdentity Scanner = new("ACME", "Rules CT", "CT-RULES", "SN-RULES", null);

    private static string NewUid() => $"2.25.{Random.Shared.NextInt64(1, long.MaxValue)}";

    [Fact]
    public async Task A_physicist_edits_a_threshold_the_audit_keeps_old_and_new_and_the_next_analysis_uses_it()
    {
        var rules = fixture.Service<RuleRepository>();
        var aapm = (await rules.ListAsync()).Single(r => r.Name == "AAPM CT notification value");
        Assert.Null(aapm.Threshold); // the AAPM table applies: adult torso 50 mGy
        var ctdiVol = AapmCtNotificationValues.CtdiVolMGy["Adult torso"] * 0.6; // 30 mGy: below the table's value
        const double edited = 25; // what the physicist types: below the study's CTDIvol
        var first = NewUid();
        await fixture.SaveStudyAsync(Scanner, first, "Rules chest", ctdiVol, 120);
        Assert.DoesNotContain(await ListAsync(first), a => a.RuleId == aapm.Id);

        try
        {
            await EditThresholdAsync(aapm, ctdiVol, edited);
        }
        finally
        {
            await rules.UpdateAsync(aapm, "test"); // the other tests of the collection see the default rules
        }
    }

    [Fact]
    public async Task A_physicist_adds_a_national_DRL_rule_from_the_rules_page_and_it_is_audited()
    {
        var name = $"Head DRL {Random.Shared.Next(100_000, 999_999)}";
        var (playwright, browser, page, consoleErrors) = await BrowserFacts.OpenAsync(fixture.App, "/rules", Roles.Physicist);
        using var _ = playwright;
        await using var __ = browser;
        await page.ClickAsync("button[data-action=add-rule]");
        var form = page.Locator("tr[data-rule=new][data-editing=true]");
        await form.WaitForAsync(new() { Timeout = 5000 });
        Assert.Equal("drl-exceeded", await form.Locator("select[data-field=type]").InputValueAsync());
        Assert.Equal("national", await form.Locator("[data-parameter=source] select").InputValueAsync());
        // Every type's fields read as words: no parameter key, no stored value name, no key=value line.
        foreach (var type in Enum.GetValues<RuleType>())
        {
            await form.Locator("select[data-field=type]").SelectOptionAsync(type.ToWire());
            var first = RuleParameterCatalogue.For(type)[0].Key;
            await form.Locator($"[data-parameter='{first}'] .field").WaitForAsync(new() { Timeout = 5000 });
            Assert.Equal(RuleParameterCatalogue.For(type).Count, await form.Locator("[data-parameter]").CountAsync());
            var text = await form.InnerTextAsync();
            foreach (var key in new[] { "=", RuleParameters.MinimumSampleSize, RuleParameters.WindowDays, RuleParameters.MedianOfStudies, RuleParameters.TableFluoroscopySrdl,
                RuleParameters.TableAapmCt, RuleParameters.CheckUnknownProtocol, DoseQuantity.DoseRp.Name, DoseQuantity.MechanicalIndex.Name, type.ToWire() })
                Assert.False(text.Contains(key, StringComparison.Ordinal), $"{type}: '{key}' in the editor's text");
        }
        // Another type swaps the fields for the ones it reads; back to the DRL rule, its fields return.
        await form.Locator("select[data-field=type]").SelectOptionAsync("cumulative-dose");
        await form.Locator("[data-parameter=windowDays] input[type=number]").WaitForAsync(new() { Timeout = 5000 });
        Assert.Equal(0, await form.Locator("[data-parameter=source]").CountAsync());
        await form.Locator("select[data-field=type]").SelectOptionAsync("drl-exceeded");
        await form.Locator("[data-parameter=source] select").WaitForAsync(new() { Timeout = 5000 });
        Assert.Equal(0, await form.Locator("[data-parameter=windowDays]").CountAsync());
        // The DRL rule's seven fields wrap inside the card on a tablet as well.
        await page.SetViewportSizeAsync(768, 1024);
        Assert.Empty(await page.Locator("html").EvaluateAsync<string[]>(EveryPageLayoutBrowserFacts.LayoutProblems));
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFacts.ScreenshotDirectory, "rules-add-drl-768.png"), FullPage = true });
        await form.Locator("input[data-field=name]").FillAsync(name);
        // Off, so that the shared app's other tests are not judged by it.
        await form.Locator("input[data-field=enabled]").UncheckAsync();
        // A national DRL rule compares CTDIvol or DLP only: DAP (chosen by its words) is refused beside its field, nothing stored.
        await form.Locator("[data-parameter=quantity] select").SelectOptionAsync(new SelectOptionValue { Label = "DAP" });
        await form.Locator("button[data-action=save]").ClickAsync();
        await form.Locator("[data-parameter=quantity] [data-problem=quantity]").WaitForAsync(new() { Timeout = 5000 });
        Assert.DoesNotContain(await fixture.Service<RuleRepository>().ListAsync(), r => r.Name == name);
        await form.Locator("[data-parameter=quantity] select").SelectOptionAsync(new SelectOptionValue { Label = "CTDIvol" });
        await form.Locator("[data-parameter=examination] input").FillAsync("Head (acute stroke)");
        await form.Locator("button[data-action=save]").ClickAsync();
        await page.Locator("[data-field=message]", new() { HasText = "added" }).WaitForAsync(new() { Timeout = 5000 });

        var added = Assert.Single(await fixture.Service<RuleRepository>().ListAsync(), r => r.Name == name);
        Assert.Equal((RuleType.DrlExceeded, "CT", false), (added.Type, added.Scope.Modality, added.Enabled));
        // Only what was set: the empty fields (country, median size, …) are left to their usual values.
        Assert.Equal(new Dictionary<string, string> { [RuleParameters.Source] = "national", [RuleParameters.Quantity] = "ctdivol", [RuleParameters.Examination] = "Head (acute stroke)" },
            added.Parameters.OrderBy(p => p.Key).ToDictionary());
        await page.Locator($"tr[data-rule='{added.Id}']").WaitForAsync(new() { Timeout = 5000 });
        var entry = Assert.Single((await fixture.Service<AuditLog>().QueryAsync(new AuditQuery(Action: RuleEditing.RuleCreate))).Items, e => e.Target == $"rule:{added.Id}");
        Assert.Equal(name, JsonDocument.Parse(entry.Detail!).RootElement.GetProperty("new").GetProperty("Name").GetString());
        Assert.Empty(consoleErrors);
    }

    [Fact]
    public async Task A_physicist_edits_parameters_in_labelled_fields_that_fit_the_screen_and_other_settings_are_kept()
    {
        var rules = fixture.Service<RuleRepository>();
        var original = (await rules.ListAsync()).Single(r => r.Name == "CTDIvol outlier");
        Assert.Equal(new Dictionary<string, string> { [RuleParameters.Quantity] = "ctdivol" }, original.Parameters.ToDictionary());
        // A setting dose-outlier rules do not read (as an older or newer version might have stored): kept, shown in words.
        var held = original with { Parameters = new Dictionary<string, string>(original.Parameters) { [RuleParameters.WindowDays] = "84" } };
        await rules.UpdateAsync(held, "test");
        try
        {
            var (playwright, browser, page, consoleErrors) = await BrowserFacts.OpenAsync(fixture.App, "/rules", Roles.Physicist);
            using var _ = playwright;
            await using var __ = browser;
            await page.SetViewportSizeAsync(1280, 800);
            var row = page.Locator($"tr[data-rule='{original.Id}']");
            await row.Locator("button[data-action=edit]").ClickAsync();
            var form = page.Locator($"tr[data-rule='{original.Id}'][data-editing=true]");
            await form.WaitForAsync(new() { Timeout = 5000 });
            await form.ScrollIntoViewIfNeededAsync();

            // One labelled control per parameter of the type, pre-filled from the rule; the usual value shows when empty.
            var quantity = form.Locator("[data-parameter=quantity] select");
            Assert.Equal("ctdivol", await quantity.InputValueAsync());
            Assert.Equal("CTDIvol", (await quantity.Locator("option:checked").InnerTextAsync()).Trim());
            var minimum = form.Locator("[data-parameter=minimumSampleSize] input[type=number]");
            Assert.Equal(("", "1", "usual: 20"), (await minimum.InputValueAsync(), await minimum.GetAttributeAsync("min"), await minimum.GetAttributeAsync("placeholder")));
            Assert.Equal("Fewest earlier studies", (await form.Locator("[data-parameter=minimumSampleSize] .parameter-label").InnerTextAsync()).Trim());
            Assert.Equal("Other settings, kept as they are: added up over 84 days", (await form.Locator("[data-field=other-settings]").InnerTextAsync()).Trim());
            var text = await form.InnerTextAsync();
            foreach (var key in new[] { "=", RuleParameters.MinimumSampleSize, RuleParameters.WindowDays, RuleParameters.MedianOfStudies, "dose-outlier", "mechanicalIndex", "doserp" })
                Assert.DoesNotContain(key, text, StringComparison.Ordinal);

            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFacts.ScreenshotDirectory, "rules-parameter-editor.png") });
            // At 1280x800 the whole editor is on screen: nothing past the window, and every field and Save inside the card's
            // visible box without scrolling the table sideways (the rules table itself is wider than the card).
            Assert.Empty(await page.Locator("html").EvaluateAsync<string[]>(EveryPageLayoutBrowserFacts.LayoutProblems));
            var card = page.Locator("section[data-section=rules]");
            Assert.Equal(0, await card.EvaluateAsync<double>("card => card.scrollLeft"));
            var visible = (await card.BoundingBoxAsync())!;
            var controls = await form.Locator("input, select, button").AllAsync();
            Assert.True(controls.Count >= 9, $"{controls.Count} controls");
            foreach (var control in controls)
            {
                var box = (await control.BoundingBoxAsync())!;
                Assert.True(box.X >= visible.X && box.X + box.Width <= Math.Min(visible.X + visible.Width, 1280) && box.Y >= 0 && box.Y + box.Height <= 800,
                    $"{await control.EvaluateAsync<string>("c => c.outerHTML.slice(0, 80)")} at {box.X},{box.Y} {box.Width}x{box.Height}; the card shows {visible.X}..{visible.X + visible.Width}");
            }

            // A number below the field's minimum is refused beside the field, in words, and nothing is stored.
            await minimum.FillAsync("0");
            await form.Locator("button[data-action=save]").ClickAsync();
            var problem = form.Locator("[data-parameter=minimumSampleSize] [data-problem=minimumSampleSize]");
            await problem.WaitForAsync(new() { Timeout = 5000 });
            Assert.Equal("Fewest earlier studies must be a whole number, 1 or more.", (await problem.InnerTextAsync()).Trim());
            Assert.Equal(held.Parameters.OrderBy(p => p.Key), (await rules.GetAsync(original.Id))!.Parameters.OrderBy(p => p.Key));

            await minimum.FillAsync("30");
            await quantity.SelectOptionAsync(new SelectOptionValue { Label = "SSDE" });
            await form.Locator("button[data-action=save]").ClickAsync();
            await page.Locator("[data-field=message]", new() { HasText = "saved" }).WaitForAsync(new() { Timeout = 5000 });
            var stored = (await rules.GetAsync(original.Id))!;
            Assert.Equal(new Dictionary<string, string> { [RuleParameters.MinimumSampleSize] = "30", [RuleParameters.Quantity] = "ssde", [RuleParameters.WindowDays] = "84" },
                stored.Parameters.OrderBy(p => p.Key).ToDictionary());
            var entry = Assert.Single((await fixture.Service<AuditLog>().QueryAsync(new AuditQuery(Action: RuleEditing.RuleUpdate))).Items, e => e.Target == $"rule:{original.Id}");
            Assert.Equal("30", JsonDocument.Parse(entry.Detail!).RootElement.GetProperty("new").GetProperty("Parameters").GetProperty(RuleParameters.MinimumSampleSize).GetString());
            Assert.Contains("Judges SSDE · history of at least 30 studies", (await row.Locator("td[data-field=parameters]").InnerTextAsync()).Trim());
            Assert.Empty(consoleErrors);
        }
        finally
        {
            await rules.UpdateAsync(original, "test"); // the other tests of the collection see the default rules
        }
    }

    private async Task EditThresholdAsync(Rule aapm, double ctdiVol, double edited)
    {
        var rules = fixture.Service<RuleRepository>();
        var (playwright, browser, page, consoleErrors) = await BrowserFacts.OpenAsync(fixture.App, "/rules", Roles.Physicist);
        using var _ = playwright;
        await using var __ = browser;
        var row = page.Locator($"tr[data-rule='{aapm.Id}']");
        // At 1280x800 the Edit button and the Enabled state are on screen (the column is pinned while the table
        // scrolls under it), and the parameters read as words: the seeded "table=aapm-ct" key is not shown.
        await page.SetViewportSizeAsync(1280, 800);
        var edit = await row.Locator("button[data-action=edit]").BoundingBoxAsync();
        Assert.True(edit is not null && edit.X + edit.Width <= 1280, $"Edit button at {edit?.X}+{edit?.Width}");
        Assert.Equal("yes", (await row.Locator("[data-field=enabled]").InnerTextAsync()).Trim());
        var parameters = await page.Locator("td[data-field=parameters]").AllInnerTextsAsync();
        Assert.NotEmpty(parameters);
        Assert.All(parameters, p => Assert.DoesNotContain("=", p, StringComparison.Ordinal));
        Assert.Contains("Table: AAPM CT notification values", (await row.Locator("td[data-field=parameters]").InnerTextAsync()).Trim());
        await row.Locator("button[data-action=edit]").ClickAsync();
        var form = page.Locator($"tr[data-rule='{aapm.Id}'][data-editing=true]");
        await form.Locator("input[data-field=threshold]").FillAsync(edited.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await form.Locator("button[data-action=save]").ClickAsync();
        await page.Locator("[data-field=message]", new() { HasText = "saved" }).WaitForAsync(new() { Timeout = 5000 });
        Assert.Equal("25 mGy", (await row.Locator("[data-field=threshold]").InnerTextAsync()).Trim());
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFacts.ScreenshotDirectory, "rules-edited.png"), FullPage = true });

        // A typo is refused in the form, nothing stored.
        await row.Locator("button[data-action=edit]").ClickAsync();
        await form.Locator("input[data-field=threshold]").FillAsync("twenty");
        await form.Locator("button[data-action=save]").ClickAsync();
        await form.Locator("[data-problem=threshold]").WaitForAsync(new() { Timeout = 5000 });
        Assert.Equal(edited, (await rules.GetAsync(aapm.Id))!.Threshold);

        var audit = await fixture.Service<AuditLog>().QueryAsync(new AuditQuery(Action: RuleEditing.RuleUpdate));
        var entry = Assert.Single(audit.Items, e => e.Target == $"rule:{aapm.Id}");
        var detail = JsonDocument.Parse(entry.Detail!).RootElement;
        Assert.Equal(JsonValueKind.Null, detail.GetProperty("old").GetProperty("Threshold").ValueKind);
        Assert.Equal(edited, detail.GetProperty("new").GetProperty("Threshold").GetDouble());
        Assert.Equal(TestAccounts.UserName(Roles.Physicist), entry.Actor);

        var second = NewUid();
        await fixture.SaveStudyAsync(Scanner, second, "Rules chest", ctdiVol, 120);
        var alert = Assert.Single(await ListAsync(second), a => a.RuleId == aapm.Id);
        Assert.Equal((ctdiVol, edited, "mGy"), (alert.Value!.Value, alert.Threshold!.Value, alert.Unit));
        Assert.Empty(consoleErrors);
    }

    [Fact]
    public async Task An_alert_assigned_through_the_api_shows_its_assignee_in_the_open_inbox()
    {
        var study = NewUid();
        await fixture.MapUnapprovedAsync("Assignment chest", "Assignment chest (other room only)");
        await fixture.SaveStudyAsync(Scanner, study, "Assignment chest", 9, 120);
        var id = (await ListAsync(study)).First().Id;
        var (playwright, browser, page, consoleErrors) = await BrowserFacts.OpenAsync(fixture.App, "/alerts", Roles.Qa);
        using var _ = playwright;
        await using var __ = browser;
        var row = page.Locator($"tr[data-alert='{id}']");
        await row.WaitForAsync(new() { Timeout = 5000 });
        Assert.Equal("–", (await row.Locator("[data-field=assigned-to]").InnerTextAsync()).Trim());

        using var client = fixture.App.CreateHttpClient();
        using var response = await client.PostAsJsonAsync($"/api/v1/alerts/{id}/assign", new { assignee = "qa.jones" });
        response.EnsureSuccessStatusCode();
        Assert.Equal("qa.jones", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("assignee").GetString());

        await row.Locator("[data-field=assigned-to]", new() { HasText = "qa.jones" }).WaitForAsync(new() { Timeout = 5000 }); // live, no reload
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFacts.ScreenshotDirectory, "alerts-assigned.png"), FullPage = true });
        var entry = Assert.Single((await fixture.Service<AuditLog>().QueryAsync(new AuditQuery(Action: AlertActions.Assign))).Items, e => e.Target == $"alert:{id}");
        var detail = JsonDocument.Parse(entry.Detail!).RootElement;
        Assert.Equal((JsonValueKind.Null, "qa.jones"), (detail.GetProperty("old").GetProperty("assignee").ValueKind, detail.GetProperty("new").GetProperty("assignee").GetString()));
        Assert.Equal([id], (await client.GetFromJsonAsync<JsonElement>("/api/v1/alerts?assignee=qa.jones")).GetProperty("items").EnumerateArray().Select(a => a.GetProperty("id").GetInt64()));
        Assert.Empty(consoleErrors);
    }

    /// <summary>Analyses the study now (as the extraction pipeline's job would) and lists its alerts.</summary>
    private async Task<IReadOnlyList<StoredAlert>> ListAsync(string study)
    {
        await fixture.Service<AnalyzeStudyJob>().AnalyzeAsync(study, CancellationToken.None);
        return (await fixture.Service<AlertRepository>().ListAsync(new AlertQuery(StudyInstanceUid: study))).Items;
    }
}
