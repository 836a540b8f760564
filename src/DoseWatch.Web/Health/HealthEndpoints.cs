using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DoseWatch.Web.Health;

public static class HealthEndpoints
{
    public static IServiceCollection AddDoseWatchHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database")
            .AddCheck<JobServerHealthCheck>("jobServer");
        services.AddSingleton<SystemHealth>();
        return services;
    }

    /// <summary>Check data shown only to a signed-in user or key: where the database lives and error texts (which can
    /// name paths and hosts) are of use to an administrator and to an attacker, not to a load balancer.</summary>
    private static readonly HashSet<string> SignedInOnly = ["location", "error"];

    /// <summary>JSON report: overall status, then one object per check with its data. 200 when healthy, 503 otherwise.
    /// Anonymous callers get the statuses without <see cref="SignedInOnly"/> data.</summary>
    public static IEndpointConventionBuilder MapDoseWatchHealth(this IEndpointRouteBuilder endpoints, string pattern) =>
        endpoints.MapHealthChecks(pattern, new HealthCheckOptions
        {
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
            ResponseWriter = WriteJson,
        });

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private static Task WriteJson(HttpContext context, HealthReport report)
    {
        var signedIn = context.User.Identity?.IsAuthenticated == true;
        var body = new Dictionary<string, object?> { ["status"] = report.Status.ToString() };
        foreach (var (name, entry) in report.Entries)
        {
            var check = new Dictionary<string, object?> { ["status"] = entry.Status.ToString() };
            if (entry.Description is not null) check["description"] = entry.Description;
            foreach (var (key, value) in entry.Data) check[key] = value;
            if (entry.Exception is not null) check["error"] = entry.Exception.Message;
            if (!signedIn) check.Keys.Where(SignedInOnly.Contains).ToList().ForEach(k => check.Remove(k));
            body[name] = check;
        }
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Json));
    }
}
