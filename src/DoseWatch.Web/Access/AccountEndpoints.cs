using DoseWatch.Core.Abstractions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;

namespace DoseWatch.Web.Access;

/// <summary>The sign-in form's target, sign-out and the single-sign-on start. Form posts carry Blazor's anti-forgery token.</summary>
public static class AccountEndpoints
{
    public const string SignInPage = "/signin";
    public const string AccessDeniedPage = "/access-denied";
    public const string PasswordPage = "/password";
    public const string UsersPage = "/admin/users";

    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var account = endpoints.MapGroup("/account").ExcludeFromDescription();
        // Anti-forgery is checked in the handlers, so that a missing token is a plain 400 rather than a form-binding failure.
        account.MapPost("/signin", SignInAsync).AllowAnonymous().DisableAntiforgery();
        account.MapPost("/signout", SignOutAsync).AllowAnonymous().DisableAntiforgery();
        account.MapGet("/sso", SingleSignOn).AllowAnonymous();
        // Plain form posts (the pages that hold the forms are interactive, the passwords never travel through the circuit).
        account.MapPost("/password", ChangeOwnPasswordAsync).RequireAuthorization().DisableAntiforgery();
        account.MapPost("/password-reset", ResetPasswordAsync).RequireAuthorization(AccessPolicies.Administration).DisableAntiforgery();
        return endpoints;
    }

    private sealed class SignInForm
    {
        public string? UserName { get; set; }
        public string? Password { get; set; }
        public string? Code { get; set; }
        public string? ReturnUrl { get; set; }
    }

    private static async Task<IResult> SignInAsync(HttpContext context, IAntiforgery antiforgery, LocalSignIn signIn, TimeProvider clock)
    {
        if (!await antiforgery.IsRequestValidAsync(context)) return Results.BadRequest();
        var fields = await context.Request.ReadFormAsync(context.RequestAborted);
        var form = new SignInForm { UserName = fields["UserName"], Password = fields["Password"], Code = fields["Code"], ReturnUrl = fields["ReturnUrl"] };
        var returnUrl = LocalOnly(form.ReturnUrl);
        // Back to the form with what it should say; the name and the page asked for travel along.
        IResult BackToSignIn(string error) =>
            Results.LocalRedirect($"{SignInPage}?error={error}&user={Uri.EscapeDataString(form.UserName ?? "")}&ReturnUrl={Uri.EscapeDataString(returnUrl)}");
        string? newPassword = fields["NewPassword"];
        if (!string.IsNullOrEmpty(newPassword) && newPassword != fields["ConfirmPassword"])
            return BackToSignIn($"change-required&refused={PasswordRefusal.ConfirmationDiffers}");
        var attempt = await signIn.AttemptAsync(form.UserName ?? "", form.Password ?? "", form.Code, context.RequestAborted, newPassword);
        if (attempt.Outcome is SignInOutcome.PasswordChangeRequired or SignInOutcome.NewPasswordRefused)
        {
            // Only after the right password: the page then asks for the new one (and the code, for an account with one).
            var refused = attempt.Refusal is { } r ? $"&refused={r}" : "";
            var code = attempt.Account!.HasSecondFactor ? "&code=1" : "";
            return BackToSignIn($"change-required{refused}{code}");
        }
        // A locked account answers exactly as a wrong password or an unknown name does: "locked" only for real
        // accounts told an attacker which names exist. (The code prompt comes only after the right password.)
        if (attempt.Outcome != SignInOutcome.Succeeded)
            return BackToSignIn(attempt.Outcome == SignInOutcome.CodeRequired ? "code" : "failed");
        await context.SignInAsync(SignedInUser.CookieScheme, SignedInUser.Local(attempt.Account!, clock.GetUtcNow()));
        return Results.LocalRedirect(returnUrl);
    }

    private static async Task<IResult> ChangeOwnPasswordAsync(HttpContext context, IAntiforgery antiforgery, AccountAdministration accounts)
    {
        if (!await antiforgery.IsRequestValidAsync(context)) return Results.BadRequest();
        var fields = await context.Request.ReadFormAsync(context.RequestAborted);
        PasswordRefusal? refusal;
        if (context.User.FindFirst(SignedInUser.MethodClaim)?.Value != "local"
            || !long.TryParse(context.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value, out var userId))
            refusal = PasswordRefusal.NoLocalPassword;
        else if (fields["NewPassword"] != fields["ConfirmPassword"])
            refusal = PasswordRefusal.ConfirmationDiffers;
        else
            refusal = await accounts.ChangeOwnPasswordAsync(userId, SignedInUser.Actor(context.User), fields["CurrentPassword"].ToString(),
                fields["NewPassword"].ToString(), context.RequestAborted);
        return Results.LocalRedirect(refusal is { } r ? $"{PasswordPage}?refused={r}" : $"{PasswordPage}?changed=1");
    }

    private static async Task<IResult> ResetPasswordAsync(HttpContext context, IAntiforgery antiforgery, AccountAdministration accounts)
    {
        if (!await antiforgery.IsRequestValidAsync(context)) return Results.BadRequest();
        var fields = await context.Request.ReadFormAsync(context.RequestAborted);
        var userName = fields["UserName"].ToString().Trim();
        var refusal = await accounts.ResetPasswordAsync(SignedInUser.Actor(context.User), userName, fields["NewPassword"].ToString(), context.RequestAborted);
        var outcome = refusal is { } r ? $"resetRefused={r}" : "reset=1";
        return Results.LocalRedirect($"{UsersPage}?{outcome}&user={Uri.EscapeDataString(userName)}");
    }

    private static async Task<IResult> SignOutAsync(HttpContext context, IAntiforgery antiforgery, IAuditTrail audit)
    {
        if (!await antiforgery.IsRequestValidAsync(context)) return Results.BadRequest();
        if (context.User.Identity?.IsAuthenticated == true && context.User.FindFirst(SignedInUser.MethodClaim)?.Value != "apikey")
        {
            await audit.AppendAsync(new AuditEvent(SignedInUser.Actor(context.User), "auth.sign-out"), context.RequestAborted);
            await context.SignOutAsync(SignedInUser.CookieScheme);
        }
        return Results.LocalRedirect($"{SignInPage}?signedOut=1");
    }

    private static IResult SingleSignOn(string? returnUrl, IOptions<AuthOptions> options) =>
        options.Value.OpenIdConnect.Enabled
            ? Results.Challenge(new AuthenticationProperties { RedirectUri = LocalOnly(returnUrl) }, [AccessHosting.OpenIdConnectScheme])
            : Results.NotFound();

    /// <summary>
    /// Only paths of this site: an open redirect after sign-in would hand a phishing page a trusted link. No control
    /// character anywhere: browsers drop TAB and line breaks, so <c>/&lt;TAB&gt;/evil.example</c> would become
    /// <c>//evil.example</c>, and LocalRedirect refuses such a URL with an exception (a 500 after the cookie was set).
    /// </summary>
    public static string LocalOnly(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && !url.Any(char.IsControl) ? url : "/";
}
