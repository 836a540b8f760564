using System.Security.Claims;
using DoseWatch.Data.Accounts;

namespace DoseWatch.Web.Access;

/// <summary>The claims DoseWatch puts into its cookie and reads back: name, roles, how the user signed in.</summary>
public static class SignedInUser
{
    public const string MethodClaim = "dosewatch:method";
    public const string ValidatedAtClaim = "dosewatch:validated";

    public static string ApiKeyActor(string keyName) => $"apikey:{keyName}";

    /// <summary>The audit actor: the user name, or <c>apikey:NAME</c>; <c>anonymous</c> before sign-in.</summary>
    public static string Actor(ClaimsPrincipal? user) => user?.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } ? name : "anonymous";

    public static ClaimsPrincipal Local(UserAccount account, DateTimeOffset now) =>
        Principal(account.UserName, account.Roles, "local", CookieScheme, new Claim(ClaimTypes.NameIdentifier, account.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new Claim(ValidatedAtClaim, now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public static ClaimsPrincipal Principal(string name, IEnumerable<string> roles, string method, string authenticationType, params Claim[] extra)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, name), new(MethodClaim, method) };
        claims.AddRange(roles.Distinct(StringComparer.Ordinal).Select(r => new Claim(ClaimTypes.Role, r)));
        claims.AddRange(extra);
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, ClaimTypes.Name, ClaimTypes.Role));
    }

    public const string CookieScheme = Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationDefaults.AuthenticationScheme;
}
