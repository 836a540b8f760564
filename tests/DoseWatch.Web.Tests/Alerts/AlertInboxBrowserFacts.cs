using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using DoseWatch.Core.Access;
using DoseWatch.Core.Analysis;
using DoseWatch.Core.Domain;
using DoseWatch.Data.Repositories;
using DoseWatch.Tests;
using Microsoft.Playwright;

namespace DoseWatch.Web.Tests.Alerts;

/// <summary>
/// A QA user in Debian's Chromium at 1280×800 works a full inbox (issue #15 item 6, issue #21's layout rules): 230
/// protocol deviations and one dose outlier on two scanners; filter by device and type (the counts follow), open the
/// outlier, read it in plain words, acknowledge it, then acknowledge a page in bulk and page past 200. At every step no
/// element's right edge passes the viewport and the table scrolls inside its card with the action column visible. At
/// 768×1024 (a tablet held upright) the inbox and a national DRL median alert's page fit as well.
/// </summary>
[Collection(nameof(AlertsAppFixture))]
public sealed class AlertInboxBrowserFacts(AlertsAppFixture fixture)
{
    // Elements whose right edge passes the viewport, except those inside a box that scrolls or clips horizontally
    // (judged by that box instead), and the page's own horizontal overflow.
    private const string OverflowScript = """
        () => {
          const width = document.documentElement.clientWidth;
          const found = [];
          for (const el of document.querySelectorAll('body *')) {
            const r = el.getBoundingClientRect();
            if (r.width === 0 || r.height === 0) continue;
            let p = el.parentElement, inScroller = false;
            while (p && p !== document.body) {
              const o = getComputedStyle(p).overflowX;
              if (o === 'auto' || o === 'scroll' || o === 'hidden') { inScroller = true; break; }
              p = p.parentElement;
            }
            if (!inScroller && r.right > width + 1) found.push(`${el.tagName.toLowerCase()}.${el.className} right=${Math.round(r.right)}`);
          }
          if (document.documentElement.scrollWidth > width + 1) found.push(`page scrollWidth=${document.documentElement.scrollWidth}`);
          return found;
        }
        """;

    private static async Task AssertFitsAsync(IPage page, string step)
    {
        var overflowing = await page.EvaluateAsync<string[]>(OverflowScript);
        Assert.True(overflowing.Length == 0, $"{step}: {string.Join("; ", overflowing.Take(10))}");
    }

    [Fact]
    public async Task A_QA_user_filters_opens_and_acknowledges_at_1280x800_and_nothing_overflows()
    {
        var tag = Random.Shared.NextInt64(1, 1_000_000);
        var busy = new DeviceIdentity("ACME", "Busy CT", $"CT-BUSY-{tag}", $"SN-B{tag}", null);
        var quiet = new DeviceIdentity("Contoso", "Quiet CT", $"CT-QUIET-{tag}", $"SN-Q{tag}", null);
        var rules = await fixture.Service<RuleRepository>().ListAsync();
        var deviation = rules.First(r => r.Type == RuleType.ProtocolDeviation);
        var outlierRule = rules.First(r => r.Type == RuleType.DoseOutlier);
        var alerts = fixture.Service<AlertRepository>();

        var busyStudy = new Study($"2.25.{tag}.1", $"ACC-B{tag}", new DateOnly(2026, 1, 12), null, "CT", "CT CHEST", PatientCharacteristics.Unknown, busy);
        await fixture.SaveStudyAsync(busyStudy);
        for (var i = 0; i < 230; i++)
            await alerts.StoreAsync(busyStudy, [new AlertCandidate(busyStudy.StudyInstanceUid, $"{busyStudy.StudyInstanceUid}.{i}", deviation, "kvp", 100, null, "kV",
                "kVp 100 is not in the protocol's set (120).", AlertEvidence.Of(null))]);
        var quietStudy = new Study($"2.25.{tag}.2", $"ACC-Q{tag}", new DateOnly(2026, 1, 13), null, "CT", "CT CHEST", PatientCharacteristics.Unknown, quiet);
        await fixture.SaveStudyAsync(quietStudy);
        var history = Enumerable.Range(0, 25).Select(i => 8.0 + 0.1 * i).ToList();
        var outlierId = Assert.Single(await alerts.StoreAsync(quietStudy, [new AlertCandidate(quietStudy.StudyInstanceUid, quietStudy.StudyInstanceUid + ".1", outlierRule,
            "ctdivol", 60, 14.2, "mGy", "ctdivol 60 mGy is an outlier for Chest CT on this device (score 20, median 9.2 mGy, n = 25).",
            AlertEvidence.Of(null, ("score", "20"), ("scoreThreshold", "3.5"), ("median", "9.2"), ("logMad", "0.05"), ("sampleSize", "25")).WithDistribution(history))]));

        var (playwright, browser, page, consoleErrors) = await BrowserFacts.OpenAsync(fixture.App, "/alerts", Roles.Qa);
        using var _ = playwright;
        await using var __ = browser;
        Assert.Equal((1280, 800), (page.ViewportSize!.Width, page.ViewportSize.Height));
        await page.Locator("tr[data-alert]").First.WaitForAsync(new() { Timeout = 15000 });
        await AssertFitsAsync(page, "inbox");

        // Filter: the quiet scanner. Its one alert is a dose outlier; the type counts follow the filter.
        await page.SelectOptionAsync("select[data-field=device]", quiet.Key);
        await page.ClickAsync("button[data-action=apply-filters]");
        await page.WaitForURLAsync(url => url.Contains("device=", StringComparison.Ordinal), new() { Timeout = 15000 });
        var row = page.Locator($"tr[data-alert='{outlierId}']");
        // The outlier is also among the unfiltered rows: wait for the filtered list, not only for its row.
        await Assertions.Expect(page.Locator("tr[data-alert]")).ToHaveCountAsync(1, new() { Timeout = 15000 });
        await row.WaitForAsync(new() { Timeout = 15000 });
        Assert.Equal(("1", "0"), (await page.InnerTextAsync("[data-count=dose-outlier]"), await page.InnerTextAsync("[data-count=protocol-deviation]")));
        await page.ClickAsync("button[data-type=dose-outlier]");
        await page.WaitForURLAsync(url => url.Contains("type=dose-outlier", StringComparison.Ordinal), new() { Timeout = 15000 });
        await row.WaitForAsync(new() { Timeout = 15000 });
        var text = await row.InnerTextAsync();
        Assert.Contains("2026-01-13 · " + quietStudy.AccessionNumber, text);
        Assert.Contains($"{quiet.StationName} · Quiet CT · Contoso", text);
        Assert.Contains("CTDIvol 60 mGy", text);
        var acknowledge = row.Locator("button[data-action=acknowledge]");
        Assert.True(await acknowledge.IsVisibleAsync());
        var box = (await acknowledge.BoundingBoxAsync())!;
        Assert.True(box.X + box.Width <= 1280, $"the Acknowledge button ends at x={box.X + box.Width}");
        await AssertFitsAsync(page, "filtered inbox");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFacts.ScreenshotDirectory, "alerts-inbox-filtered-1280.png"), FullPage = true });

        // Open: the alert page in plain words, with a link to the study and a labelled threshold line.
        await row.Locator("a[data-action=open]").ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith($"/alerts/{outlierId}", StringComparison.Ordinal), new() { Timeout = 15000 });
        var summary = page.Locator("section[data-section=summary]");
        await summary.WaitForAsync(new() { Timeout = 15000 });
        var words = await summary.InnerTextAsync();
        foreach (var key in new[] { "logMad", "scoreThreshold", "sampleSize", "ctdivol", " 1\n" }) Assert.DoesNotContain(key, words);
        Assert.Contains("Earlier values compared", words);
        Assert.Equal($"studies/{quietStudy.StudyInstanceUid}", await summary.Locator("[data-field=study] a").GetAttributeAsync("href"));
        Assert.Contains($"2026-01-13 · accession {quietStudy.AccessionNumber}", await summary.Locator("[data-field=study]").InnerTextAsync());
        await page.Locator("#evidence-chart .annotation-text", new() { HasText = "threshold 14.2 mGy" }).WaitForAsync(new() { Timeout = 10000 });
        await AssertFitsAsync(page, "alert page");

        // Acknowledge.
        await page.ClickAsync("button[data-action=acknowledge]");
        await page.Locator("[data-field=status]", new() { HasText = "acknowledged" }).WaitForAsync(new() { Timeout = 15000 });
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFacts.ScreenshotDirectory, "alert-acknowledged-1280.png"), FullPage = true });
        await AssertFitsAsync(page, "acknowledged alert page");

        // The busy scanner: 230 new alerts, 200 a page; select the first page and acknowledge it in bulk; 30 remain on one page.
        await page.GotoAsync(new Uri(fixture.App.BaseAddress, $"/alerts?device={Uri.EscapeDataString(busy.Key)}").ToString());
        await page.WaitForSelectorAsync("[data-circuit=live]", new() { Timeout = 15000 });
        await page.Locator("[data-field=page]", new() { HasText = "Page 1 of 2" }).WaitForAsync(new() { Timeout = 15000 });
        Assert.Equal(200, await page.Locator("tr[data-alert]").CountAsync());
        await AssertFitsAsync(page, "full page of 200");
        await page.ClickAsync("button[data-action=next-page]");
        await page.Locator("[data-field=page]", new() { HasText = "Page 2 of 2" }).WaitForAsync(new() { Timeout = 15000 });
        Assert.Equal(30, await page.Locator("tr[data-alert]").CountAsync());
        await page.ClickAsync("button[data-action=previous-page]");
        await page.Locator("[data-field=page]", new() { HasText = "Page 1 of 2" }).WaitForAsync(new() { Timeout = 15000 });
        await page.CheckAsync("input[data-action=select-page]");
        await page.Locator("button[data-action=acknowledge-selected]", new() { HasText = "(200)" }).ClickAsync();
        await page.Locator("p.notice", new() { HasText = "200 of 200 alerts acknowledged." }).WaitForAsync(new() { Timeout = 10000 });
        await page.Locator("[data-field=range]", new() { HasText = "of 30" }).WaitForAsync(new() { Timeout = 15000 });

        using var client = fixture.App.CreateHttpClient();
        var api = await client.GetFromJsonAsync<JsonElement>($"/api/v1/alerts?device={Uri.EscapeDataString(busy.Key)}&status=acknowledged&pageSize=500");
        Assert.Equal(200, api.GetProperty("total").GetInt64());
        Assert.Empty(consoleErrors);
    }

    [Fact]
    public async Task At_768x1024_the_inbox_and_a_DRL_median_alert_fit_and_speak_plainly()
    {
        var tag = Random.Shared.NextInt64(1, 1_000_000);
        var scanner = new DeviceIdentity("Siemens Healthineers", "SOMATOM Definition Edge", $"CT-TABLET-{tag}", $"SN-T{tag}", null);
        var rules = await fixture.Service<RuleRepository>().ListAsync();
        var deviation = rules.First(r => r.Type == RuleType.ProtocolDeviation);
        var drlRule = rules.First(r => r.Type == RuleType.DrlExceeded && r.Parameter(RuleParameters.Source) == "national");
        var alerts = fixture.Service<AlertRepository>();
        var study = new Study($"2.25.{tag}.7", $"ACC-T{tag}", new DateOnly(2026, 1, 21), null, "CT", "CT HEAD", PatientCharacteristics.Unknown, scanner);
        await fixture.SaveStudyAsync(study);
        for (var i = 0; i < 12; i++)
            await alerts.StoreAsync(study, [new AlertCandidate(study.StudyInstanceUid, $"{study.StudyInstanceUid}.{i}", deviation, "kvp", 100, null, "kV",
                "kVp 100 is not in the usual set of the raw protocol name 'HEAD ROUTINE' (not mapped yet) on this device (120).", AlertEvidence.Of(null))]);
        // As the analysis writes a national DRL judged on the device's median (NationalDrlMedianRule): a period key, not an event.
        var sample = Enumerable.Range(0, 20).Select(i => i < 9 ? 44.0 : 55.0).ToList();
        var drlId = Assert.Single(await alerts.StoreAsync(study, [new AlertCandidate(study.StudyInstanceUid,
            $"{AlertCandidate.DrlMedianKeyPrefix}{scanner.Key}:Head (acute stroke):2026-01", drlRule, "ctdivol", 55, 47, "mGy",
            $"Median CTDIvol 55 mGy of the last 20 Head (acute stroke) CT studies on {scanner.StationName} (SOMATOM Definition Edge, Siemens Healthineers) is above the " +
            "UK national DRL 2022: Head (acute stroke) (47 mGy): first in 2026-01 at this study (CTDIvol 55 mGy).",
            AlertEvidence.Of(null, ("drl", "UK national DRL 2022: Head (acute stroke)"), ("sampleMedian", "55"), ("sampleStudies", "20"),
                ("drlCategory", "Head (acute stroke)"), ("month", "2026-01"), ("thisStudy", "55")).WithDistribution(sample))]));

        var (playwright, browser, page, consoleErrors) = await BrowserFacts.OpenAsync(fixture.App, $"/alerts?device={Uri.EscapeDataString(scanner.Key)}", Roles.Qa);
        using var _ = playwright;
        await using var __ = browser;
        await page.SetViewportSizeAsync(768, 1024);
        var row = page.Locator($"tr[data-alert='{drlId}']");
        await row.WaitForAsync(new() { Timeout = 15000 });
        Assert.Equal(13, await page.Locator("tr[data-alert]").CountAsync());
        await AssertFitsAsync(page, "inbox at 768×1024");
        var acknowledge = row.Locator("button[data-action=acknowledge]");
        Assert.True(await acknowledge.IsVisibleAsync());
        var box = (await acknowledge.BoundingBoxAsync())!;
        Assert.True(box.X + box.Width <= 768, $"the Acknowledge button ends at x={box.X + box.Width}");
        var text = await row.InnerTextAsync();
        Assert.Contains("of the last 20 Head (acute stroke) CT studies", text);
        Assert.DoesNotContain("drl-median", text);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFacts.ScreenshotDirectory, "alerts-inbox-768.png"), FullPage = true });

        await row.Locator("a[data-action=open]").ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith($"/alerts/{drlId}", StringComparison.Ordinal), new() { Timeout = 15000 });
        await page.Locator("section[data-section=summary]").WaitForAsync(new() { Timeout = 15000 });
        var words = await page.InnerTextAsync("main");
        foreach (var key in new[] { "drl-median", "sampleMedian", "sampleStudies", "drlCategory", "thisStudy", "ctdivol" }) Assert.DoesNotContain(key, words);
        Assert.Contains("Median of the device's sample", words);
        Assert.Contains("DRL category", words);
        await page.Locator("#evidence-chart .annotation-text", new() { HasText = "threshold 47 mGy" }).WaitForAsync(new() { Timeout = 10000 });
        await AssertFitsAsync(page, "DRL alert page at 768×1024");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFacts.ScreenshotDirectory, "alert-drl-median-768.png"), FullPage = true });
        Assert.Empty(consoleErrors);
    }

    [SamplesFact]
    public async Task The_CT_charts_mark_the_national_DRL_of_a_protocol_named_for_its_anatomy()
    {
        // An app of its own: the CT charts show the 20 protocols with the most events, which other tests' studies would fill.
        var own = new AlertsAppFixture();
        await own.InitializeAsync();
        try
        {
            await ChartMarksAsync(own);
        }
        finally
        {
            await own.DisposeAsync();
        }
    }

    private static async Task ChartMarksAsync(AlertsAppFixture fixture)
    {
        var tag = Random.Shared.NextInt64(1, 1_000_000);
        var scanner = new DeviceIdentity("ACME", "DRL chart CT", $"CT-DRLC-{tag}", $"SN-D{tag}", null);
        var protocol = $"CT HEAD {tag}";
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        for (var i = 0; i < 3; i++) await fixture.SaveStudyAsync(scanner, $"2.25.{tag}.{i}", protocol, 40 + i, 120, today);
        // The levels as the reference's table writes them (whole mGy and mGy·cm, "47" and "790"), not read from DoseWatch:
        // since issue #21 the pages write a whole number without a trailing ".0", so the mark reads as the table does.
        var (ctdiVol, dlp) = NationalDrlEndToEndFacts.UkRowAsWritten("Head (acute stroke)");
        Assert.Matches("^[0-9]+$", ctdiVol);
        Assert.Matches("^[0-9]+$", dlp);

        var (playwright, browser, page, consoleErrors) = await BrowserFacts.OpenAsync(fixture.App, "/ct", Roles.Qa);
        using var _ = playwright;
        await using var __ = browser;
        // The whole label, so that "DRL 47.0" or "DRL 470" would not pass for "DRL 47".
        static Regex Label(string level) => new($"^\\s*DRL {Regex.Escape(level)}\\s*$");
        await page.Locator("#ctdivol-chart g.textpoint", new() { HasTextRegex = Label(ctdiVol) }).WaitForAsync(new() { Timeout = 10000 });
        await page.Locator("#dlp-chart g.textpoint", new() { HasTextRegex = Label(dlp) }).WaitForAsync(new() { Timeout = 10000 });
        Assert.Contains("national DRL", await page.InnerTextAsync("[data-field=drl-caption]"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFacts.ScreenshotDirectory, "ct-drl-marks.png"), FullPage = true });
        Assert.Empty(consoleErrors);
    }
}
