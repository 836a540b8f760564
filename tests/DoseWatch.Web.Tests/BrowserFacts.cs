using DoseWatch.Core.Access;
using DoseWatch.Tests;
using Microsoft.Playwright;

namespace DoseWatch.Web.Tests;

/// <summary>
/// The Overview in Debian's Chromium (no Playwright browser download): the Blazor circuit connects, a click is handled
/// on the server, the full Plotly bundle draws a box trace, and a screenshot is kept under TestResults/screenshots.
/// </summary>
[Collection(nameof(SharedApp))]
public sealed class BrowserFacts(SharedApp shared)
{
    public static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    public static string ScreenshotDirectory =>
        Directory.CreateDirectory(Path.Combine(SharedSamples.RepositoryRoot, "TestResults", "screenshots")).FullName;

    /// <summary>Opens <paramref name="path"/> in a fresh headless Chromium and waits for the Blazor circuit.</summary>
    private Task<(IPlaywright, IBrowser, IPage, List<string> ConsoleErrors)> OpenAsync(string path) => OpenAsync(shared.App, path);

    /// <summary>
    /// Signs in as <paramref name="role"/>'s test user through the real sign-in page (null: stays anonymous), then opens
    /// <paramref name="path"/> and waits for the Blazor circuit.
    /// </summary>
    public static async Task<(IPlaywright, IBrowser, IPage, List<string> ConsoleErrors)> OpenAsync(DoseWatchApp app, string path, string? role = Roles.Administrator)
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ChromiumArgs });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 } });
        var consoleErrors = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") consoleErrors.Add(m.Text); };
        if (role is not null) await SignInAsync(app, page, TestAccounts.UserName(role), TestAccounts.Password);
        await page.GotoAsync(new Uri(app.BaseAddress, path).ToString());
        await page.WaitForSelectorAsync("[data-circuit=live]", new() { Timeout = 15000 });
        return (playwright, browser, page, consoleErrors);
    }

    /// <summary>Fills and submits the sign-in form; returns once the browser has left the sign-in page.</summary>
    internal static async Task SignInAsync(DoseWatchApp app, IPage page, string userName, string password, string? code = null)
    {
        await page.GotoAsync(new Uri(app.BaseAddress, "/signin").ToString());
        await page.FillAsync("input[name=UserName]", userName);
        await page.FillAsync("input[name=Password]", password);
        if (code is not null) await page.FillAsync("input[name=Code]", code);
        await page.ClickAsync("form.signin-form button[type=submit]");
        await page.WaitForURLAsync(url => !new Uri(url).AbsolutePath.StartsWith("/signin", StringComparison.Ordinal), new() { Timeout = 15000 });
    }

    [Fact]
    public async Task Overview_becomes_interactive_and_switches_tabs_on_the_server()
    {
        var (playwright, browser, page, consoleErrors) = await OpenAsync("/");
        using var _ = playwright;
        await using var __ = browser;

        Assert.Equal(shared.AeTitle, await page.InnerTextAsync("[data-field=ae-title]"));
        await page.ClickAsync("button.tab:has-text('Test from a workstation')");
        var command = await page.WaitForSelectorAsync("pre.code", new() { Timeout = 5000 });
        Assert.Contains($"storescu -aec {shared.AeTitle}", await command!.InnerTextAsync());
        Assert.Contains($"{shared.DicomPort}", await command.InnerTextAsync());
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDirectory, "overview-empty.png"), FullPage = true });

        // The bundle the dashboards will use, served by this app: a box trace draws (the basic bundle has none).
        await page.AddScriptTagAsync(new() { Url = "/_content/Plotly.Blazor/plotly-3.7.0.min.js" });
        var boxes = await page.EvaluateAsync<int>("""
            async () => {
                const div = document.createElement('div');
                document.body.appendChild(div);
                await Plotly.newPlot(div, [{ type: 'box', y: [1, 2, 3, 4, 10] }]);
                return div.querySelectorAll('svg.main-svg g.trace.boxes').length;
            }
            """);
        Assert.Equal(1, boxes);
        Assert.Empty(consoleErrors);
    }

    [Fact]
    public async Task Inbox_shows_a_quarantined_instance_with_its_reason_and_retries_it()
    {
        var uid = $"2.25.{Random.Shared.NextInt64(1, long.MaxValue)}";
        const string reason = "Unsupported SR template: browser test";
        shared.Extraction.Script(uid, () => DoseWatch.Core.Abstractions.ExtractionOutcome.Rejected(reason));
        await Jobs.InboxSeam.StoreAsync(shared, uid);
        await Jobs.InboxSeam.WaitForStatusAsync(shared.App, uid, "quarantined");
        var (playwright, browser, page, consoleErrors) = await OpenAsync("/inbox");
        using var _ = playwright;
        await using var __ = browser;

        await page.ClickAsync("button.tab[data-filter=quarantined]");
        // The row names its instance by modality, device and accession; the SOP Instance UID is the modality cell's title.
        var row = page.Locator("tr", new() { Has = page.Locator($"td[title='SOP Instance UID {uid}']") });
        await row.WaitForAsync(new() { Timeout = 5000 });
        Assert.Contains(reason, await row.InnerTextAsync());
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDirectory, "inbox-quarantined.png"), FullPage = true });

        await row.Locator("button:has-text('Retry')").ClickAsync();
        await page.WaitForSelectorAsync("p.notice:has-text('queued for extraction again')", new() { Timeout = 5000 });
        await Jobs.InboxSeam.WaitForStatusAsync(shared.App, uid, "extracted");
        Assert.Empty(consoleErrors);
    }
}
