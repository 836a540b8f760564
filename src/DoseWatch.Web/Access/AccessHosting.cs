using System.Security.Claims;
using DoseWatch.Core.Abstractions;
using DoseWatch.Core.Access;
using DoseWatch.Data.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;

namespace DoseWatch.Web.Access;

public static class AccessHosting
{
    /// <summary>Picks the cookie or the API key per request; the default scheme of the app.</summary>
    public const string Scheme = "DoseWatch";
    public const string OpenIdConnectScheme = OpenIdConnectDefaults.AuthenticationScheme;

    /// <summary>Local accounts, API keys, optional single sign-on, the named policies and start-up provisioning.</summary>
    public static WebApplicationBuilder AddDoseWatchAccess(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section)
            .Validate(o => o.Lockout.MaxFailedAttempts > 0 && o.Lockout.Duration > TimeSpan.Zero, "DoseWatch:Auth:Lockout needs MaxFailedAttempts > 0 and a positive Duration.")
            .Validate(o => o.ProvisionedApiKeys.All(k => k.Role is not null && Roles.IsKnown(k.Role)), $"DoseWatch:Auth:ProvisionedApiKeys: each Role must be one of {string.Join(", ", Roles.All)}.")
            .ValidateOnStart();
        services.AddSingleton<UserRepository>();
        services.AddSingleton<ApiKeyRepository>();
        services.AddSingleton<AccountProvisioning>();
        services.AddSingleton<LocalSignIn>();
        services.AddSingleton<AccountAdministration>();

        var authOptions = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        var authentication = services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Cookie or API key", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString().StartsWith(ApiKeyAuthenticationHandler.BearerPrefix, StringComparison.OrdinalIgnoreCase)
                    ? ApiKeyAuthenticationHandler.SchemeName : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddCookie(o => ConfigureCookie(o, authOptions));
        if (authOptions.OpenIdConnect.Enabled) authentication.AddOpenIdConnect(OpenIdConnectScheme, authOptions.OpenIdConnect.DisplayName, o => ConfigureOpenIdConnect(o, authOptions.OpenIdConnect));

        AccessPolicies.Configure(services.AddAuthorizationBuilder());
        services.AddCascadingAuthenticationState();
        services.AddHostedService<ProvisionAccountsOnStartup>();
        builder.AddDoseWatchTransportSecurity();
        return builder;
    }

    private static void ConfigureCookie(CookieAuthenticationOptions o, AuthOptions options)
    {
        o.Cookie.Name = "DoseWatch.Auth";
        o.Cookie.HttpOnly = true;
        // Lax, not Strict: the single-sign-on callback arrives from the identity provider's site.
        o.Cookie.SameSite = SameSiteMode.Lax;
        o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        o.LoginPath = AccountEndpoints.SignInPage;
        o.AccessDeniedPath = AccountEndpoints.AccessDeniedPage;
        o.ExpireTimeSpan = options.SessionLifetime;
        o.SlidingExpiration = true;
        // API clients get status codes, not a redirect to an HTML form.
        o.Events.OnRedirectToLogin = context => RedirectOrStatus(context, StatusCodes.Status401Unauthorized);
        o.Events.OnRedirectToAccessDenied = context => RedirectOrStatus(context, StatusCodes.Status403Forbidden);
        o.Events.OnValidatePrincipal = LocalAccountStillValid;
    }

    private static Task RedirectOrStatus(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api")) context.Response.StatusCode = status;
        else context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    /// <summary>
    /// A local user's cookie is checked against the database once a minute: a deleted or disabled account is signed out,
    /// changed roles take effect, without waiting for the session to expire.
    /// </summary>
    private static async Task LocalAccountStillValid(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal!;
        if (principal.FindFirst(SignedInUser.MethodClaim)?.Value != "local") return;
        var clock = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>();
        var now = clock.GetUtcNow();
        if (long.TryParse(principal.FindFirst(SignedInUser.ValidatedAtClaim)?.Value, out var validated)
            && now.ToUnixTimeSeconds() - validated < 60) return;
        var account = await context.HttpContext.RequestServices.GetRequiredService<UserRepository>().FindAsync(principal.Identity!.Name!, context.HttpContext.RequestAborted);
        if (account is null || account.Disabled || account.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) != principal.FindFirst(ClaimTypes.NameIdentifier)?.Value)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return;
        }
        context.ReplacePrincipal(SignedInUser.Local(account, now));
        context.ShouldRenew = true;
    }

    private static void ConfigureOpenIdConnect(OpenIdConnectOptions o, SingleSignOnOptions sso)
    {
        o.Authority = sso.Authority;
        o.ClientId = sso.ClientId;
        o.ClientSecret = sso.ClientSecret;
        o.RequireHttpsMetadata = sso.RequireHttpsMetadata;
        o.ResponseType = "code";
        o.UsePkce = true;
        o.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
        o.CallbackPath = "/signin-oidc";
        o.MapInboundClaims = false;
        o.Scope.Clear();
        foreach (var scope in new[] { "openid", "profile", "email" }) o.Scope.Add(scope);
        o.GetClaimsFromUserInfoEndpoint = true;
        o.Events.OnTokenValidated = context => SingleSignOnUser(context, sso);
        o.Events.OnRemoteFailure = context =>
        {
            context.Response.Redirect($"{AccountEndpoints.SignInPage}?error=sso");
            context.HandleResponse();
            return Task.CompletedTask;
        };
    }

    /// <summary>
    /// Replaces the identity provider's principal with DoseWatch's: a name, the roles mapped from the configured claim
    /// (values may also arrive as one JSON array claim), and the method. A user with no mapped role signs in but reaches
    /// only pages without a role policy (the access-denied page).
    /// </summary>
    private static async Task SingleSignOnUser(Microsoft.AspNetCore.Authentication.OpenIdConnect.TokenValidatedContext context, SingleSignOnOptions sso)
    {
        var external = context.Principal!;
        var name = new[] { "preferred_username", "email", "name", "sub" }.Select(t => external.FindFirst(t)?.Value).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v)) ?? "unknown";
        var roles = SingleSignOnRoles.From(external.FindAll(sso.RoleClaim).Select(c => c.Value), sso.RoleMap);
        context.Principal = SignedInUser.Principal(name, roles, "oidc", CookieAuthenticationDefaults.AuthenticationScheme);
        var audit = context.HttpContext.RequestServices.GetRequiredService<IAuditTrail>();
        await audit.AppendAsync(new AuditEvent(name, "auth.sign-in", name, $"single sign-on; roles {string.Join(",", roles)}"), context.HttpContext.RequestAborted);
    }

    public static WebApplication UseDoseWatchAccess(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseCookieRequestOrigin();
        app.UseAuthorization();
        return app;
    }
}
