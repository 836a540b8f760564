using System.Net;
using DoseWatch.Core.Access;
using DoseWatch.Core.Audit;
using DoseWatch.Data.Accounts;
using DoseWatch.Data.Audit;
using DoseWatch.Web.Access;
using Microsoft.Extensions.DependencyInjection;

namespace DoseWatch.Web.Tests.Access;

/// <summary>
/// Issue #21: a user changes their own password, an administrator resets another's, through the real forms over HTTP
/// (anti-forgery token and cookie as a browser sends them). Each is proved by signing in afterwards with the new and the
/// old password, and by the entry left in the audit chain.
/// </summary>
[Collection(nameof(SharedApp))]
public sealed class PasswordFacts(SharedApp shared)
{
    private const string Original = "the original password";
    private const string Replacement = "a replacement password";

    private async Task<string> NewUserAsync(string role)
    {
        var name = $"pw-{Guid.NewGuid():N}"[..16];
        Assert.Equal(ProvisioningOutcome.Created, await shared.App.Services.GetRequiredService<AccountProvisioning>().AddUserAsync(name, Original, [role]));
        return name;
    }

    private async Task<Session> SignedInAsync(string user, string password)
    {
        var session = new Session(shared.App);
        using var signIn = await session.SignInAsync(user, password, returnUrl: "/password");
        Assert.Equal("/password", signIn.Headers.Location?.OriginalString);
        return session;
    }

    /// <summary>True when a fresh session signs in with these credentials (the form redirects to the page asked for).</summary>
    private async Task<bool> SignsInAsync(string user, string password)
    {
        using var session = new Session(shared.App);
        using var response = await session.SignInAsync(user, password, returnUrl: "/password");
        return response.Headers.Location?.OriginalString == "/password";
    }

    private async Task<IReadOnlyList<AuditEntry>> AuditOfAsync(string target) =>
        (await shared.App.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery(PageSize: 500))).Items
            .Where(e => e.Target == target).OrderBy(e => e.Id).ToList();

    private static Task<HttpResponseMessage> ChangeAsync(Session session, string current, string replacement, string? confirmation = null) =>
        session.PostFormAsync("/password", "/account/password",
            new() { ["CurrentPassword"] = current, ["NewPassword"] = replacement, ["ConfirmPassword"] = confirmation ?? replacement });

    [Fact]
    public async Task A_user_changes_their_own_password_and_only_the_new_one_signs_in_afterwards()
    {
        var user = await NewUserAsync(Roles.Viewer);
        using var session = await SignedInAsync(user, Original);

        using var changed = await ChangeAsync(session, Original, Replacement);

        Assert.Equal("/password?changed=1", changed.Headers.Location?.OriginalString);
        Assert.True(await SignsInAsync(user, Replacement));
        Assert.False(await SignsInAsync(user, Original));
        var entry = Assert.Single(await AuditOfAsync(user), e => e.Action == "user.password-change");
        Assert.Equal(user, entry.Actor);
        Assert.True((await shared.App.Services.GetRequiredService<AuditLog>().VerifyAsync()).IsValid);
    }

    [Fact]
    public async Task A_change_needs_the_right_current_password_a_matching_confirmation_and_the_length_policy()
    {
        var user = await NewUserAsync(Roles.Qa);
        using var session = await SignedInAsync(user, Original);

        using (var wrong = await ChangeAsync(session, "not the current password", Replacement))
            Assert.Equal($"/password?refused={PasswordRefusal.WrongCurrentPassword}", wrong.Headers.Location?.OriginalString);
        using (var mismatch = await ChangeAsync(session, Original, Replacement, Replacement + "x"))
            Assert.Equal($"/password?refused={PasswordRefusal.ConfirmationDiffers}", mismatch.Headers.Location?.OriginalString);
        var tooShort = new string('x', LocalPasswords.MinimumLength - 1);
        using (var shortOne = await ChangeAsync(session, Original, tooShort))
            Assert.Equal($"/password?refused={PasswordRefusal.TooShort}", shortOne.Headers.Location?.OriginalString);

        // The page words the refusal; nothing changed.
        var page = await session.Http.GetStringAsync($"/password?refused={PasswordRefusal.WrongCurrentPassword}");
        Assert.Contains("The current password is wrong.", page);
        Assert.True(await SignsInAsync(user, Original));
        Assert.False(await SignsInAsync(user, tooShort));
        var actions = (await AuditOfAsync(user)).Select(e => e.Action).ToList();
        Assert.Contains("user.password-change-failed", actions);
        Assert.DoesNotContain("user.password-change", actions);
    }

    [Fact]
    public async Task An_administrator_resets_another_users_password_and_the_reset_is_audited()
    {
        var user = await NewUserAsync(Roles.Physicist);
        var administrator = await NewUserAsync(Roles.Administrator);
        using var session = await SignedInAsync(administrator, Original);

        using var reset = await session.PostFormAsync("/admin/users", "/account/password-reset", new() { ["UserName"] = user, ["NewPassword"] = Replacement });

        Assert.Equal($"/admin/users?reset=1&user={user}", reset.Headers.Location?.OriginalString);
        Assert.False(await SignsInAsync(user, Original));
        var entry = Assert.Single(await AuditOfAsync(user), e => e.Action == "user.password-reset");
        Assert.Equal(administrator, entry.Actor);
    }

    [Fact]
    public async Task A_password_an_administrator_set_opens_no_page_until_the_user_has_replaced_it_at_sign_in()
    {
        var user = await NewUserAsync(Roles.Physicist);
        var administrator = await NewUserAsync(Roles.Administrator);
        using (var admin = await SignedInAsync(administrator, Original))
        using (var reset = await admin.PostFormAsync("/admin/users", "/account/password-reset", new() { ["UserName"] = user, ["NewPassword"] = Replacement }))
            Assert.Equal($"/admin/users?reset=1&user={user}", reset.Headers.Location?.OriginalString);
        const string own = "a password of my own";
        var changeRequired = $"/signin?error=change-required&user={user}&ReturnUrl=%2Fpassword";

        using var session = new Session(shared.App);
        // The right password alone: no session, the form asks for a new one (the page says why).
        using (var first = await session.SignInAsync(user, Replacement, returnUrl: "/password"))
            Assert.Equal(changeRequired, first.Headers.Location?.OriginalString);
        using (var page = await session.Http.GetAsync("/studies"))
            Assert.StartsWith(AccountEndpoints.SignInPage, page.Headers.Location?.AbsolutePath);
        var form = await session.Http.GetStringAsync(changeRequired);
        Assert.Contains("An administrator set this password", form);
        Assert.Contains("name=\"NewPassword\"", form);

        // The new password is held to the same rules as a change; a wrong old password is a plain failed sign-in.
        using (var mismatch = await session.SignInReplacingAsync(user, Replacement, own, own + "x", returnUrl: "/password"))
            Assert.Equal($"/signin?error=change-required&refused={PasswordRefusal.ConfirmationDiffers}&user={user}&ReturnUrl=%2Fpassword", mismatch.Headers.Location?.OriginalString);
        using (var same = await session.SignInReplacingAsync(user, Replacement, Replacement, returnUrl: "/password"))
            Assert.Equal($"/signin?error=change-required&refused={PasswordRefusal.SameAsCurrent}&user={user}&ReturnUrl=%2Fpassword", same.Headers.Location?.OriginalString);
        using (var tooShort = await session.SignInReplacingAsync(user, Replacement, "short", returnUrl: "/password"))
            Assert.Equal($"/signin?error=change-required&refused={PasswordRefusal.TooShort}&user={user}&ReturnUrl=%2Fpassword", tooShort.Headers.Location?.OriginalString);
        using (var wrongOld = await session.SignInReplacingAsync(user, Original, own, returnUrl: "/password"))
            Assert.StartsWith("/signin?error=failed", wrongOld.Headers.Location?.OriginalString);

        using (var replaced = await session.SignInReplacingAsync(user, Replacement, own, returnUrl: "/password"))
            Assert.Equal("/password", replaced.Headers.Location?.OriginalString);
        using (var page = await session.Http.GetAsync("/studies"))
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);

        // From now on the user's own password signs in directly, and the administrator's no longer does.
        Assert.True(await SignsInAsync(user, own));
        Assert.False(await SignsInAsync(user, Replacement));
        var change = Assert.Single(await AuditOfAsync(user), e => e.Action == "user.password-change");
        Assert.Equal(user, change.Actor);
    }

    /// <summary>A user an administrator creates on the Users page has the administrator's password: replaced at the first sign-in, as after a reset.</summary>
    [Fact]
    public async Task A_user_an_administrator_created_replaces_the_first_password_at_the_first_sign_in()
    {
        var user = $"pw-{Guid.NewGuid():N}"[..16];
        Assert.Null(await shared.App.Services.GetRequiredService<AccountAdministration>().AddUserAsync("admin-test", user, Original, Roles.Qa));
        const string own = "a password of my own";

        using var session = new Session(shared.App);
        using (var first = await session.SignInAsync(user, Original, returnUrl: "/password"))
            Assert.Equal($"/signin?error=change-required&user={user}&ReturnUrl=%2Fpassword", first.Headers.Location?.OriginalString);
        using (var replaced = await session.SignInReplacingAsync(user, Original, own, returnUrl: "/password"))
            Assert.Equal("/password", replaced.Headers.Location?.OriginalString);
        Assert.True(await SignsInAsync(user, own));
        Assert.False(await SignsInAsync(user, Original));
        Assert.Equal(["user.create", "user.password-change"], (await AuditOfAsync(user)).Select(e => e.Action).Where(a => a.StartsWith("user.", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(Roles.Physicist)]
    [InlineData(Roles.Qa)]
    [InlineData(Roles.Viewer)]
    public async Task Someone_who_is_not_an_administrator_cannot_reset_another_users_password(string role)
    {
        var user = await NewUserAsync(Roles.Viewer);
        var caller = await NewUserAsync(role);
        using var session = await SignedInAsync(caller, Original);

        using var reset = await session.PostFormAsync("/password", "/account/password-reset", new() { ["UserName"] = user, ["NewPassword"] = Replacement });

        Assert.Equal(HttpStatusCode.Redirect, reset.StatusCode);
        Assert.StartsWith(AccountEndpoints.AccessDeniedPage, reset.Headers.Location!.AbsolutePath);
        Assert.True(await SignsInAsync(user, Original));
        Assert.False(await SignsInAsync(user, Replacement));
        Assert.DoesNotContain(await AuditOfAsync(user), e => e.Action == "user.password-reset");
    }

    [Fact]
    public async Task An_administrator_cannot_reset_their_own_password_without_the_current_one()
    {
        var administrator = await NewUserAsync(Roles.Administrator);
        using var session = await SignedInAsync(administrator, Original);

        using var reset = await session.PostFormAsync("/admin/users", "/account/password-reset", new() { ["UserName"] = administrator, ["NewPassword"] = Replacement });

        Assert.Equal($"/admin/users?resetRefused={PasswordRefusal.OwnAccount}&user={administrator}", reset.Headers.Location?.OriginalString);
        Assert.True(await SignsInAsync(administrator, Original));
    }
}
