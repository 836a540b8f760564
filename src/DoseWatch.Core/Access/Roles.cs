namespace DoseWatch.Core.Access;

/// <summary>
/// The four roles of issue #7. Names are stored in the database and in API keys, so they never change.
/// Who sees patient identity is decided here (not in each page) so the rule is one line to audit.
/// </summary>
public static class Roles
{
    /// <summary>Users, devices, settings; the Hangfire dashboard and the audit log.</summary>
    public const string Administrator = "Administrator";

    /// <summary>Everything clinical: dashboards with identity, rules, protocol references, exports.</summary>
    public const string Physicist = "Physicist";

    /// <summary>Alerts and dashboards, with identity (QA follows an alert up with the patient's record).</summary>
    public const string Qa = "QA";

    /// <summary>Dashboards only, with pseudonyms instead of patient identity.</summary>
    public const string Viewer = "Viewer";

    public static readonly IReadOnlyList<string> All = [Administrator, Physicist, Qa, Viewer];

    /// <summary>Roles that see patient name, ID and birth date; everyone else sees the pseudonym.</summary>
    public static readonly IReadOnlyList<string> SeePatientIdentity = [Physicist, Qa];

    public static bool IsKnown(string role) => All.Contains(role, StringComparer.Ordinal);
}
