using DoseWatch.Core.Access;

namespace DoseWatch.Web.Components.Dashboards.Modality;

/// <summary>Who opens the dashboards (issue #7's role table): every role; Viewer sees pseudonyms only.</summary>
public static class DashboardRoles
{
    public const string All = Roles.Administrator + "," + Roles.Physicist + "," + Roles.Qa + "," + Roles.Viewer;
}
