using System.Net;
using System.Text.RegularExpressions;
using DoseWatch.Core.Access;
using DoseWatch.Data.Accounts;
using DoseWatch.Data.Audit;
using DoseWatch.Web.Access;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DoseWatch.Web.Tests.Access;

/// <summary>
/// Local sign-in through the real form over HTTP (anti-forgery token and cookie as a browser sends them): lockout, the
/// TOTP second factor checked against codes Python computes, sign-out, and the audit entries each step leaves.
/// </summary>
[Collection(nameof(SharedApp))]
public sealed partial class SignInFacts(SharedApp shared)
{
    private const string Password = "a long enough password";

    private async Task<string> NewUserAsync(string role)
    {
        var name = $"user-{Guid.NewGuid():N}"[..16];
        Assert.Equal(ProvisioningOutcome.Created, await shared.App.Services.GetRequiredService<AccountProvisioning>().AddUserAsync(name, Password, [role]));
        return name;
    }

    private async Task<IReadOnlyList<string>> AuditActionsAsync(string actor) =>
        (await shared.App.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery(Actor: actor, PageSize: 100))).Items
            .OrderBy(e => e.Id).Select(e => e.Action).ToList();

    [Fact]
    public async Task A_fresh_installation_gets_an_administrator_whose_generated_password_signs_in()
    {
        // Nothing configured: no provisioned keys (the funnel's are blanked), no user.
        var blank = TestAccounts.ApiKeySettings().Where(s => s.Key.EndsWith(":Key", StringComparison.Ordinal))
            .ToDictionary(s => s.Key, _ => (string?)"");
        await using var app = await DoseWatchApp.StartAsync(blank);
        var file = Path.Combine(app.DataDirectory, ProvisionAccountsOnStartup.FirstAdministratorFileName);
        Assert.True(File.Exists(file));
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        // Plain UTF-8 without a byte-order mark (issue #21): "user: …" is the file's first byte, as a shell's cat shows it.
        Assert.Equal("user: "u8.ToArray(), File.ReadAllBytes(file)[..6]);
        var lines = File.ReadAllLines(file).Select(l => l.Split(": ", 2)).ToDictionary(p => p[0], p => p[1]);

        using var session = new Session(app);
        using var signIn = await session.SignInAsync(lines["user"], lines["password"], returnUrl: "/admin/users");
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/admin/users", signIn.Headers.Location?.OriginalString);
        using (var page = await session.Http.GetAsync("/admin/users")) Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        using (var wrong = new Session(app))
        using (var refused = await wrong.SignInAsync(lines["user"], lines["password"] + "x", returnUrl: "/admin/users"))
            Assert.NotEqual("/admin/users", refused.Headers.Location?.OriginalString);

        // A restart creates nothing more: the installation has a user now.
        File.Delete(file);
        await app.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<ProvisionAccountsOnStartup>().Single().StartAsync(default);
        Assert.False(File.Exists(file));
    }

    [Fact]
    public async Task A_correct_password_signs_in_returns_to_the_page_asked_for_and_signing_out_ends_the_session()
    {
        var user = await NewUserAsync(Roles.Viewer);
        using var session = new Session(shared.App);

        using var signIn = await session.SignInAsync(user, Password, returnUrl: "/ct");
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/ct", signIn.Headers.Location?.OriginalString);
        using (var ct = await session.Http.GetAsync("/ct")) Assert.Equal(HttpStatusCode.OK, ct.StatusCode);
        using (var devices = await session.Http.GetAsync("/devices")) Assert.Equal(HttpStatusCode.OK, devices.StatusCode);
        using (var audit = await session.Http.GetAsync("/audit"))
        {
            Assert.Equal(HttpStatusCode.Redirect, audit.StatusCode);
            Assert.StartsWith(AccountEndpoints.AccessDeniedPage, audit.Headers.Location!.AbsolutePath);
        }

        using var signOut = await session.PostFormAsync("/ct", "/account/signout", []);
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.StartsWith(AccountEndpoints.SignInPage, signOut.Headers.Location!.OriginalString);
        using var after = await session.Http.GetAsync("/ct");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith(AccountEndpoints.SignInPage, after.Headers.Location!.AbsolutePath);
        Assert.Equal(["auth.sign-in", "auth.sign-out"], await AuditActionsAsync(user));
    }

    [Fact]
    public async Task Repeated_failures_lock_the_account_so_that_even_the_right_password_is_refused()
    {
        var user = await NewUserAsync(Roles.Qa);
        var lockout = shared.App.Services.GetRequiredService<IOptions<AuthOptions>>().Value.Lockout;
        using var session = new Session(shared.App);
        var before = DateTimeOffset.UtcNow;

        for (var i = 1; i <= lockout.MaxFailedAttempts; i++)
        {
            using var wrong = await session.SignInAsync(user, "not the password " + i);
            Assert.Contains("error=failed", wrong.Headers.Location!.OriginalString);
        }
        using var right = await session.SignInAsync(user, Password);

        // Refused, with the answer a wrong password gets (a distinct "locked" would reveal that the name exists).
        Assert.Contains("error=failed", right.Headers.Location!.OriginalString);
        using (var page = await session.Http.GetAsync("/ct")) Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        var account = await shared.App.Services.GetRequiredService<UserRepository>().FindAsync(user);
        Assert.InRange(account!.LockedUntil!.Value, before + lockout.Duration, DateTimeOffset.UtcNow + lockout.Duration);
        var actions = await AuditActionsAsync(user);
        Assert.Equal(lockout.MaxFailedAttempts, actions.Count(a => a == "auth.sign-in-failed"));
        Assert.Equal(["auth.lockout", "auth.sign-in-refused"], actions.Where(a => a != "auth.sign-in-failed"));
    }

    /// <summary>Issue #22 item 12: a real account being locked and a name that does not exist get the same answers.</summary>
    [Fact]
    public async Task Lockout_does_not_tell_which_user_names_exist()
    {
        var real = await NewUserAsync(Roles.Viewer);
        var unknown = $"nobody-{Guid.NewGuid():N}"[..16];
        var lockout = shared.App.Services.GetRequiredService<IOptions<AuthOptions>>().Value.Lockout;
        using var session = new Session(shared.App);

        for (var i = 0; i <= lockout.MaxFailedAttempts + 1; i++)
        {
            using var forReal = await session.SignInAsync(real, "not the password " + i);
            using var forUnknown = await session.SignInAsync(unknown, "not the password " + i);
            Assert.Equal(HttpStatusCode.Redirect, forReal.StatusCode);
            Assert.Equal(forUnknown.Headers.Location!.OriginalString.Replace(unknown, "NAME", StringComparison.Ordinal),
                forReal.Headers.Location!.OriginalString.Replace(real, "NAME", StringComparison.Ordinal));
            var realPage = await session.Http.GetStringAsync(forReal.Headers.Location);
            var unknownPage = await session.Http.GetStringAsync(forUnknown.Headers.Location);
            Assert.NotEmpty(SignInMessage().Match(realPage).Value);
            Assert.Equal(SignInMessage().Match(unknownPage).Value, SignInMessage().Match(realPage).Value);
        }
        // The real one is locked all the same (the audit says so, the page does not).
        Assert.Contains("auth.lockout", await AuditActionsAsync(real));
    }

    [GeneratedRegex("<p[^>]*role=\"alert\"[^<]*</p>")]
    private static partial Regex SignInMessage();

    /// <summary>Issue #22 item 12: a ReturnUrl with a TAB (a browser drops it: "/\t/evil" is "//evil") goes home, not to a 500.</summary>
    [Theory]
    [InlineData("/\t/evil.example/")]
    [InlineData("/ct\t")]
    [InlineData("/\r\n/evil.example/")]
    public async Task A_return_url_with_a_control_character_signs_in_to_the_home_page(string returnUrl)
    {
        var user = await NewUserAsync(Roles.Viewer);
        using var session = new Session(shared.App);

        using var signIn = await session.SignInAsync(user, Password, returnUrl: returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/", signIn.Headers.Location?.OriginalString);
        using var home = await session.Http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
    }

    /// <summary>
    /// Issue #22 item 11: a signed-in browser's cookie rides along on a POST a foreign page makes. A cookie-authenticated
    /// state change must come from this site (Origin, else Referer); an API-key call is unaffected by any Origin.
    /// The alert does not exist: 404 means the request passed the check and reached the endpoint.
    /// </summary>
    [Fact]
    public async Task A_cookie_authenticated_api_post_from_a_foreign_origin_is_refused_and_an_api_key_post_is_not()
    {
        var user = await NewUserAsync(Roles.Qa);
        using var session = new Session(shared.App);
        using (var signIn = await session.SignInAsync(user, Password)) Assert.Equal("/ct", signIn.Headers.Location?.OriginalString);
        const string Acknowledge = "/api/v1/alerts/987654321/acknowledge";
        var self = shared.App.BaseAddress.GetLeftPart(UriPartial.Authority);

        async Task<HttpStatusCode> PostAsync(HttpClient client, string? origin, string? referer)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Acknowledge) { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
            if (origin is not null) request.Headers.Add("Origin", origin);
            if (referer is not null) request.Headers.Referrer = new Uri(referer);
            using var response = await client.SendAsync(request);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(session.Http, "http://evil.example", null));
        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(session.Http, "null", null));
        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(session.Http, null, "http://evil.example/page"));
        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(session.Http, null, null));
        // The same port on another host name, and another port on this host, are other origins.
        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(session.Http, self.Replace("127.0.0.1", "127.0.0.2", StringComparison.Ordinal), null));
        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(session.Http, "http://127.0.0.1:1", null));
        Assert.Equal(HttpStatusCode.NotFound, await PostAsync(session.Http, self, null));
        Assert.Equal(HttpStatusCode.NotFound, await PostAsync(session.Http, null, self + "/alerts"));
        // Reading stays open to the cookie whatever the origin.
        using (var read = await session.Http.GetAsync("/api/v1/alerts")) Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        using var withKey = shared.App.CreateHttpClient(Roles.Qa);
        Assert.Equal(HttpStatusCode.NotFound, await PostAsync(withKey, "http://evil.example", null));
    }

    [Fact]
    public async Task With_totp_the_password_alone_is_not_enough_and_a_code_works_once()
    {
        var user = await NewUserAsync(Roles.Physicist);
        var account = await shared.App.Services.GetRequiredService<UserRepository>().FindAsync(user);
        var secret = await shared.App.Services.GetRequiredService<AccountAdministration>().SetUpSecondFactorAsync("admin-test", account!);
        using var session = new Session(shared.App);

        using var noCode = await session.SignInAsync(user, Password);
        Assert.Contains("error=code", noCode.Headers.Location!.OriginalString);
        using var wrongCode = await session.SignInAsync(user, Password, WrongCode(secret));
        Assert.Contains("error=failed", wrongCode.Headers.Location!.OriginalString);

        var code = PythonTotp(secret);
        using var withCode = await session.SignInAsync(user, Password, code, returnUrl: "/inbox");
        Assert.Equal("/inbox", withCode.Headers.Location?.OriginalString);
        using (var inbox = await session.Http.GetAsync("/inbox")) Assert.Equal(HttpStatusCode.OK, inbox.StatusCode);

        using var replay = new Session(shared.App);
        using var again = await replay.SignInAsync(user, Password, code);
        Assert.Contains("error=failed", again.Headers.Location!.OriginalString);
        Assert.Equal(["auth.sign-in-failed", "auth.sign-in", "auth.sign-in-failed"], await AuditActionsAsync(user));
    }

    [Fact]
    public async Task The_sign_in_form_needs_its_anti_forgery_token_and_returns_only_to_this_site()
    {
        var user = await NewUserAsync(Roles.Viewer);
        using var session = new Session(shared.App);

        using var forged = await session.Http.PostAsync("/account/signin", new FormUrlEncodedContent(new Dictionary<string, string> { ["UserName"] = user, ["Password"] = Password }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Empty(await AuditActionsAsync(user));

        using var offsite = await session.SignInAsync(user, Password, returnUrl: "//evil.example/phish");
        Assert.Equal("/", offsite.Headers.Location?.OriginalString);
    }

    /// <summary>The current RFC 6238 code, computed by Python's hmac/struct (not by DoseWatch).</summary>
    private static string PythonTotp(string secret)
    {
        var python = new System.Diagnostics.ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, UseShellExecute = false };
        python.ArgumentList.Add("-c");
        python.ArgumentList.Add("""
            import base64, hmac, hashlib, struct, sys, time
            key = base64.b32decode(sys.argv[1] + '=' * (-len(sys.argv[1]) % 8))
            mac = hmac.new(key, struct.pack('>Q', int(time.time()) // 30), hashlib.sha1).digest()
            o = mac[-1] & 0x0f
            print('%06d' % ((struct.unpack('>I', mac[o:o + 4])[0] & 0x7fffffff) % 1000000))
            """);
        python.ArgumentList.Add(secret);
        using var process = System.Diagnostics.Process.Start(python)!;
        var code = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        Assert.Matches("^[0-9]{6}$", code);
        return code;
    }

    private static string WrongCode(string secret)
    {
        var now = Totp.StepAt(DateTimeOffset.UtcNow);
        var valid = Enumerable.Range(-1, 3).Select(d => Totp.Code(secret, now + d)).ToHashSet();
        return Enumerable.Range(0, 10).Select(i => $"{(int.Parse(Totp.Code(secret, now)) + 1 + i) % 1_000_000:D6}").First(c => !valid.Contains(c));
    }
}
