using DoseWatch.Core.Access;
using Hangfire.Dashboard;

namespace DoseWatch.Web.Access;

/// <summary>The job dashboard is for administrators: the principal is the one the cookie (or an API key) gave the request.</summary>
public sealed class HangfireDashboardAccess : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context) => context.GetHttpContext().User.IsInRole(Roles.Administrator);
}
