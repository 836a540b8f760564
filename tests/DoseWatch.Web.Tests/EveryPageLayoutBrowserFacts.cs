using System.Globalization;
using DoseWatch.Core.Access;
using DoseWatch.Web.Tests.Studies;
using Microsoft.Playwright;

namespace DoseWatch.Web.Tests;

/// <summary>
/// Issue #21 "every page fits": each role signs in through the real sign-in page and visits every page its navigation
/// offers, plus the other pages (one study, one alert, the mapping and administration pages: a role that may not see a
/// page gets the access-denied page, which must fit as well), in Debian's Chromium at 1280x800 and 768x1024. A view
/// fails when an element's right edge passes the window (outside a scrolling box), when a table is wider than its
/// card without a scroll of its own, or when a table's pinned action column lies outside its visible box. A
/// screenshot of every view is kept under TestResults/screenshots/every-page.
/// </summary>
[Collection(nameof(DemoApp))]
public sealed class EveryPageLayoutBrowserFacts(DemoApp demo)
{
    private static readonly (int Width, int Height)[] Viewports = [(1280, 800), (768, 1024)];

    /// <summary>Pages outside Blazor (the job dashboard) are not laid out by the app's stylesheet.</summary>
    private static readonly string[] NotBlazor = ["/hangfire"];

    // Runs in the page on the <html> element (the app's CSP forbids string evaluation, not a function on an element).
    // RuleEditingBrowserFacts runs it with the rule editor open.
    internal const string LayoutProblems = """
        html => {
            const vw = window.innerWidth;
            const scrollsX = el => /(auto|scroll)/.test(getComputedStyle(el).overflowX);
            const clipsX = el => /(auto|scroll|hidden|clip)/.test(getComputedStyle(el).overflowX);
            const clipped = el => { for (let a = el.parentElement; a && a !== document.body && a !== html; a = a.parentElement) if (clipsX(a)) return true; return false; };
            const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                + (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\s+/).join('.') : '')
                + (el.dataset && el.dataset.section ? '[data-section=' + el.dataset.section + ']' : '');
            const out = [];
            if (html.scrollWidth > vw) out.push('the page is ' + html.scrollWidth + ' px wide in a ' + vw + ' px window');
            for (const el of document.body.querySelectorAll('*')) {
                const r = el.getBoundingClientRect();
                if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
                if (r.right > vw + 0.5 && !clipped(el)) out.push(name(el) + ': right edge at ' + Math.round(r.right) + ' px');
            }
            for (const t of document.querySelectorAll('table')) {
                const card = t.closest('.card') || t.parentElement;
                const tr = t.getBoundingClientRect(), cr = card.getBoundingClientRect();
                if (tr.width === 0) continue;
                let scroller = null;
                for (let a = t.parentElement; a; a = a.parentElement) { if (scrollsX(a)) { scroller = a; break; } if (a === card) break; }
                if (tr.right > cr.right + 0.5 && scroller === null)
                    out.push('table in ' + name(card) + ' is ' + Math.round(tr.width) + ' px wide in a ' + Math.round(cr.width) + ' px card without a scroll of its own');
                const box = (scroller || card).getBoundingClientRect();
                const action = t.querySelector('tbody td.actions, tbody td.action-col');
                if (action) {
                    const ar = action.getBoundingClientRect();
                    if (ar.width > 0 && ar.right > box.right + 1) out.push('the action column of a table in ' + name(card) + ' ends at ' + Math.round(ar.right) + ' px, its box at ' + Math.round(box.right) + ' px');
                }
            }
            return out.slice(0, 12);
        }
        """;

    [Fact]
    public async Task Every_page_of_every_role_fits_1280x800_and_a_tablet_with_tables_scrolling_inside_their_cards()
    {
        var alertId = demo.Scalar("SELECT MIN(id) FROM alerts");
        var study = demo.Text("SELECT study_instance_uid FROM alerts WHERE id = @id", ("id", alertId));
        Assert.NotNull(study);
        string[] others =
        [
            "/", "/studies", "/studies/" + Uri.EscapeDataString(study), "/alerts", $"/alerts/{alertId.ToString(CultureInfo.InvariantCulture)}",
            "/protocols", "/protocols/review", "/protocols/catalogue", "/protocols/references", "/devices", "/inbox", "/rules", "/admin/users", "/admin/backfills",
            "/admin/fhir-deliveries", "/audit", "/ct",
            "/fluoroscopy", "/radiography", "/mammography", "/nuclear", "/mr", "/ultrasound", "/status", "/password",
        ];
        var folder = Directory.CreateDirectory(Path.Combine(BrowserFacts.ScreenshotDirectory, "every-page")).FullName;
        var problems = new List<string>();
        var views = 0;
        foreach (var role in Roles.All)
        {
            var (playwright, browser, page, consoleErrors) = await BrowserFacts.OpenAsync(demo.App, "/", role);
            using var _ = playwright;
            await using var __ = browser;
            // The role's own navigation: every link it offers is visited, and the rest of the pages besides.
            var navigation = (await page.Locator("nav.nav a.nav-link").EvaluateAllAsync<string[]>("links => links.map(a => new URL(a.href).pathname)")).ToList();
            Assert.NotEmpty(navigation);
            var paths = navigation.Concat(others).Distinct(StringComparer.Ordinal).Where(p => !NotBlazor.Contains(p)).ToList();
            foreach (var (width, height) in Viewports)
            {
                await page.SetViewportSizeAsync(width, height);
                foreach (var path in paths)
                {
                    var response = await page.GotoAsync(new Uri(demo.App.BaseAddress, path).ToString());
                    Assert.True(response is { Ok: true }, $"{role} {path}: HTTP {response?.Status}");
                    if (await page.Locator("[data-circuit]").CountAsync() > 0)
                        await page.WaitForSelectorAsync("[data-circuit=live]", new() { Timeout = 15000 });
                    // Charts draw after the circuit connects; let them lay out before measuring.
                    await page.WaitForTimeoutAsync(400);
                    // "/studies/1.2.840…" → "studies-one": a UID or id in a file name says nothing.
                    var slug = path == "/" ? "overview" : string.Join('-', path.Trim('/').Split('/').Select((s, i) => i > 0 && (s.Length > 20 || s.All(char.IsDigit)) ? "one" : s));
                    await page.ScreenshotAsync(new() { Path = Path.Combine(folder, $"{role.ToLowerInvariant()}-{slug}-{width}x{height}.png"), FullPage = true });
                    foreach (var problem in await page.Locator("html").EvaluateAsync<string[]>(LayoutProblems))
                        problems.Add($"{role} {path} at {width}x{height}: {problem}");
                    views++;
                }
            }
        }
        Assert.True(views >= Roles.All.Count * Viewports.Length * others.Length, $"{views} views");
        Assert.True(problems.Count == 0, $"{problems.Count} problems:\n" + string.Join('\n', problems));
    }
}
