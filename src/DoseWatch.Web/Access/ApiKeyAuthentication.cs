using System.Security.Claims;
using System.Text.Encodings.Web;
using DoseWatch.Data.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace DoseWatch.Web.Access;

/// <summary>
/// <c>Authorization: Bearer &lt;key&gt;</c>: the key's SHA-256 finds an active key, whose one role becomes the caller's.
/// A request without a bearer header is not this handler's business (the cookie handles browsers).
/// </summary>
public sealed class ApiKeyAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    ApiKeyRepository apiKeys, TimeProvider clock) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string BearerPrefix = "Bearer ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        var key = header[BearerPrefix.Length..].Trim();
        if (key.Length == 0) return AuthenticateResult.Fail("Empty bearer key.");

        var record = await apiKeys.FindActiveByHashAsync(ApiKeySecret.HashOf(key), Context.RequestAborted);
        if (record is null) return AuthenticateResult.Fail("Unknown or revoked API key.");
        await apiKeys.TouchAsync(record.Id, clock.GetUtcNow(), Context.RequestAborted);

        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, SignedInUser.ApiKeyActor(record.Name)),
            new Claim(ClaimTypes.Role, record.Role),
            new Claim(SignedInUser.MethodClaim, "apikey"),
        ], SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    // Problem details with a body: the status code page (HTML "Not found") only rewrites empty error responses.
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        return Problem(StatusCodes.Status401Unauthorized, "A valid API key is required", "The bearer key is unknown or revoked.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problem(StatusCodes.Status403Forbidden, "The API key's role does not reach this endpoint", $"Role: {Context.User.FindFirst(System.Security.Claims.ClaimTypes.Role)?.Value}.");

    private Task Problem(int status, string title, string detail) =>
        Results.Problem(title: title, detail: detail, statusCode: status).ExecuteAsync(Context);
}
