using DoseWatch.Web.Access;
using Microsoft.AspNetCore.Components.Authorization;

namespace DoseWatch.Web.Alerts;

/// <summary>Who acts in a page, for alert histories and the audit trail.</summary>
public static class CurrentUser
{
    public static async Task<string> NameAsync(AuthenticationStateProvider authentication) =>
        SignedInUser.Actor((await authentication.GetAuthenticationStateAsync()).User);
}
