using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace DoseWatch.Web.Access;

/// <summary>Configuration section <c>DoseWatch:Https</c> (docs/security.md).</summary>
public sealed class HttpsOptions
{
    public const string Section = "DoseWatch:Https";

    /// <summary>
    /// TLS ends at a reverse proxy on this machine: X-Forwarded-Proto/For from loopback proxies are trusted, so redirects,
    /// secure cookies and single sign-on see the original https request, and the plain-HTTP warning is not logged.
    /// </summary>
    public bool BehindProxy { get; set; }
}

/// <summary>
/// HTTPS by default outside Development: HTTP requests are redirected to the HTTPS endpoint when Kestrel has one, and HSTS
/// is sent on HTTPS responses; when no HTTPS endpoint is bound (and no proxy is declared) a warning says so at start-up,
/// because sign-in would then cross the network in clear text. Security headers go on every response.
/// </summary>
public static class TransportSecurity
{
    public static WebApplicationBuilder AddDoseWatchTransportSecurity(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<HttpsOptions>().BindConfiguration(HttpsOptions.Section);
        builder.Services.Configure<ForwardedHeadersOptions>(o => o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto);
        builder.Services.AddHsts(o => o.MaxAge = TimeSpan.FromDays(365));
        return builder;
    }

    public static WebApplication UseDoseWatchTransportSecurity(this WebApplication app)
    {
        var https = app.Services.GetRequiredService<IOptions<HttpsOptions>>().Value;
        if (https.BehindProxy) app.UseForwardedHeaders();
        app.Use(SecurityHeaders.AddAsync);
        if (app.Environment.IsDevelopment()) return app;
        app.UseHsts();
        app.UseHttpsRedirection();
        if (!https.BehindProxy) app.Lifetime.ApplicationStarted.Register(() => WarnIfPlainHttpOnly(app));
        return app;
    }

    private static void WarnIfPlainHttpOnly(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        if (addresses.Any(a => a.StartsWith("https://", StringComparison.OrdinalIgnoreCase))) return;
        app.Logger.LogWarning(
            "DoseWatch is serving plain HTTP only ({Addresses}): passwords, session cookies and patient data cross the network unencrypted. " +
            "Configure an HTTPS endpoint (Kestrel:Endpoints:Https with a certificate) or put a TLS reverse proxy in front and set DoseWatch:Https:BehindProxy=true. See docs/security.md.",
            string.Join(", ", addresses));
    }
}

/// <summary>
/// Headers for every response. The content security policy allows what Blazor Server and Plotly need and nothing else:
/// scripts and the circuit's WebSocket from this origin only, inline styles (Blazor's reconnect dialog and Plotly set
/// style attributes), images from data: URIs (Plotly's mode bar icons); no framing, no plugins, forms post here only.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self' {0}; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'{1}; frame-ancestors 'none'";

    private const string NonceKey = "DoseWatch.CspNonce";

    /// <summary>The nonce that this response's inline import map must carry.</summary>
    public static string? NonceOf(HttpContext? context) => context?.Items[NonceKey] as string;

    public static Task AddAsync(HttpContext context, Func<Task> next)
    {
        // Hex, not base64: a "+" would be HTML-encoded in the page (&#x2B;) and no longer match the header byte for byte.
        var nonce = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        context.Items[NonceKey] = nonce;
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "same-origin";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
            var sso = context.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.OpenIdConnect;
            var ssoOrigin = sso.Enabled && Uri.TryCreate(sso.Authority, UriKind.Absolute, out var authority) ? $" {authority.GetLeftPart(UriPartial.Authority)}" : "";
            headers.ContentSecurityPolicy = string.Format(System.Globalization.CultureInfo.InvariantCulture, ContentSecurityPolicy, $"'nonce-{nonce}'", ssoOrigin);
            return Task.CompletedTask;
        });
        return next();
    }
}
