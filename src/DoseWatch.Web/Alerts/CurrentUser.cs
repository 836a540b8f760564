using Microsoft.AspNetCore.Components.Authorization;

namespace DoseWatch.Web.Alerts;

/// <summary>Who acts in a page, for histories and the audit trail.</summary>
public static class CurrentUser
{
    /// <summary>The signed-in user's name (issue #7); <paramref name="fallback"/> while the app runs without sign-in.</summary>
    public static async Task<string> NameAsync(AuthenticationStateProvider authentication, string fallback = "web") =>
        (await authentication.GetAuthenticationStateAsync()).User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } ? name : fallback;
}
