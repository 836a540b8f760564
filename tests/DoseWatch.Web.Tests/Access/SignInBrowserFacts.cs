using DoseWatch.Core.Access;
using Microsoft.Playwright;

namespace DoseWatch.Web.Tests.Access;

/// <summary>
/// Issue #7's Playwright acceptance in Debian's Chromium: a Viewer signs in through the real page, sees only the
/// navigation its role allows, is told "access denied" on an administrator's page, and signing out returns to sign-in.
/// The app's content security policy is on throughout; the console must stay free of errors (violations included).
/// </summary>
[Collection(nameof(SharedApp))]
public sealed class SignInBrowserFacts(SharedApp shared)
{
    private static readonly string[] AdministrationLinks = ["inbox", "alerts", "admin/users", "hangfire", "audit"];

    [Fact]
    public async Task A_viewer_sees_only_dashboards_is_denied_an_admin_page_and_signs_out_back_to_the_sign_in_page()
    {
        var (playwright, browser, page, consoleErrors) = await BrowserFacts.OpenAsync(shared.App, "/", Roles.Viewer);
        using var _ = playwright;
        await using var __ = browser;

        Assert.Equal(TestAccounts.UserName(Roles.Viewer), await page.InnerTextAsync("[data-field=signed-in-user]"));
        var links = await page.Locator("nav.nav a.nav-link").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))");
        Assert.Contains("", links);
        Assert.Contains("ct", links);
        Assert.Contains("devices", links);
        Assert.Empty(links.Intersect(AdministrationLinks));
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFacts.ScreenshotDirectory, "viewer-overview.png"), FullPage = true });

        await page.GotoAsync(new Uri(shared.App.BaseAddress, "/audit").ToString());
        await page.WaitForSelectorAsync("[data-access=denied]", new() { Timeout = 10000 });
        Assert.Contains("Access denied", await page.InnerTextAsync("h1"));
        Assert.Equal(0, await page.Locator("table.table").CountAsync());
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFacts.ScreenshotDirectory, "viewer-access-denied.png"), FullPage = true });

        await page.ClickAsync("[data-action=sign-out]");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/signin", new() { Timeout = 10000 });
        Assert.Equal("signed-out", await page.GetAttributeAsync("[data-signin]", "data-signin"));

        await page.GotoAsync(new Uri(shared.App.BaseAddress, "/ct").ToString());
        Assert.Equal("/signin", new Uri(page.Url).AbsolutePath);
        Assert.Empty(consoleErrors);
    }

    [Fact]
    public async Task An_administrator_sees_the_administration_links_and_a_wrong_password_stays_on_the_sign_in_page()
    {
        var (playwright, browser, page, consoleErrors) = await BrowserFacts.OpenAsync(shared.App, "/admin/users", Roles.Administrator);
        using var _ = playwright;
        await using var __ = browser;

        var links = await page.Locator("nav.nav a.nav-link").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))");
        Assert.Contains("admin/users", links);
        Assert.Contains("hangfire", links);
        Assert.Contains(TestAccounts.UserName(Roles.Qa), await page.InnerTextAsync("table[data-table=users]"));
        Assert.Contains(TestAccounts.ApiKeyName(Roles.Qa), await page.InnerTextAsync("table[data-table=api-keys]"));
        Assert.Empty(consoleErrors);

        var fresh = await browser.NewContextAsync();
        var other = await fresh.NewPageAsync();
        await other.GotoAsync(new Uri(shared.App.BaseAddress, "/signin").ToString());
        await other.FillAsync("input[name=UserName]", TestAccounts.UserName(Roles.Qa));
        await other.FillAsync("input[name=Password]", "wrong " + TestAccounts.Password);
        await other.ClickAsync("form.signin-form button[type=submit]");
        await other.WaitForSelectorAsync("[data-signin=failed]", new() { Timeout = 10000 });
        Assert.Equal("/signin", new Uri(other.Url).AbsolutePath);
    }
}
