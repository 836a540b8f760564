using DoseWatch.Core.Access;
using Microsoft.AspNetCore.Authorization;

namespace DoseWatch.Web.Access;

/// <summary>
/// The named policies of issue #7, the one place that says which role reaches what. Pages use
/// <c>@attribute [Authorize(Policy = AccessPolicies.X)]</c>, endpoints <c>.RequireAuthorization(AccessPolicies.X)</c>.
/// Administrators reach every page (they run the installation) but, like Viewers, never see patient identity
/// (<see cref="Roles.SeePatientIdentity"/>).
/// </summary>
public static class AccessPolicies
{
    /// <summary>Users, API keys, settings, the job dashboard, the audit log; anything that changes a device's record.</summary>
    public const string Administration = "Administration";

    /// <summary>Everything clinical: rules, protocol references, exports, the inbox of received instances.</summary>
    public const string Clinical = "Clinical";

    /// <summary>Alerts: reading, acknowledging, resolving.</summary>
    public const string Alerts = "Alerts";

    /// <summary>Dashboards and dose data, the device list and history included (with pseudonyms for roles that do not see identity).</summary>
    public const string Dashboards = "Dashboards";

    /// <summary>The de-identified research export: physicists only (an administrator manages the system, not the data).</summary>
    public const string Research = "Research";

    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> RolesOf = new Dictionary<string, IReadOnlyList<string>>
    {
        [Administration] = [Roles.Administrator],
        [Clinical] = [Roles.Administrator, Roles.Physicist],
        [Alerts] = [Roles.Administrator, Roles.Physicist, Roles.Qa],
        [Dashboards] = [Roles.Administrator, Roles.Physicist, Roles.Qa, Roles.Viewer],
        [Research] = [Roles.Physicist],
    };

    public static void Configure(AuthorizationBuilder authorization)
    {
        foreach (var (name, roles) in RolesOf) authorization.AddPolicy(name, policy => policy.RequireRole(roles));
        // Nothing is public by accident: an endpoint without its own policy still needs a signed-in user or key.
        authorization.SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
    }
}
