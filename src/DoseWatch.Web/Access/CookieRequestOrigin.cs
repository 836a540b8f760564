using Microsoft.AspNetCore.Mvc;

namespace DoseWatch.Web.Access;

/// <summary>
/// Cross-site request forgery defence for the REST API and the Hangfire dashboard (OWASP: "verifying origin with
/// standard headers"): a state-changing request (not GET, HEAD, OPTIONS or TRACE) that is authenticated by the sign-in
/// cookie must come from this site, by its <c>Origin</c> header or, when a browser sends none, its <c>Referer</c>;
/// a foreign, opaque (<c>null</c>) or missing origin is refused with 403. SameSite=Lax alone does not stop a POST from
/// a sibling subdomain or an older browser. Calls with an API key (<c>Authorization: Bearer</c>) carry no ambient
/// credential and are left alone; the sign-in and sign-out forms check Blazor's anti-forgery token instead.
/// </summary>
public static class CookieRequestOrigin
{
    public static WebApplication UseCookieRequestOrigin(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (NeedsCheck(context) && !IsSameOrigin(context.Request))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await context.Response.WriteAsJsonAsync(new ProblemDetails
                {
                    Status = StatusCodes.Status403Forbidden,
                    Title = "Cross-site request refused",
                    Detail = "A signed-in browser may change data only from pages of this site (Origin or Referer of this site). Scripts use an API key.",
                }, options: null, contentType: "application/problem+json", cancellationToken: context.RequestAborted);
                return;
            }
            await next(context);
        });
        return app;
    }

    private static bool NeedsCheck(HttpContext context) =>
        !(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)
          || HttpMethods.IsOptions(context.Request.Method) || HttpMethods.IsTrace(context.Request.Method))
        && (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/hangfire"))
        && context.User.Identity?.IsAuthenticated == true
        && context.User.FindFirst(SignedInUser.MethodClaim)?.Value != "apikey";

    private static bool IsSameOrigin(HttpRequest request)
    {
        var claimed = request.Headers.Origin.ToString();
        if (string.IsNullOrEmpty(claimed)) claimed = request.Headers.Referer.ToString();
        if (!Uri.TryCreate(claimed, UriKind.Absolute, out var origin)) return false;
        var port = request.Host.Port ?? (request.IsHttps ? 443 : 80);
        return string.Equals(origin.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(origin.IdnHost, request.Host.Host, StringComparison.OrdinalIgnoreCase)
            && origin.Port == port;
    }
}
