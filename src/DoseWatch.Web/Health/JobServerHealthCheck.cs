using Hangfire;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DoseWatch.Web.Health;

/// <summary>Healthy when at least one Hangfire server (any node) has sent a heartbeat recently.</summary>
public sealed class JobServerHealthCheck(JobStorage storage) : IHealthCheck
{
    /// <summary>Three missed heartbeats (Hangfire beats every 30 s) before a server counts as gone.</summary>
    public static readonly TimeSpan HeartbeatTolerance = TimeSpan.FromSeconds(90);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>();
        try
        {
            var now = DateTime.UtcNow;
            var servers = storage.GetMonitoringApi().Servers();
            var alive = servers.Where(s => s.Heartbeat is { } beat && now - beat < HeartbeatTolerance).ToList();
            data["servers"] = servers.Count;
            data["aliveServers"] = alive.Count;
            data["workers"] = alive.Sum(s => s.WorkersCount);
            if (servers.Count > 0 && servers.Max(s => s.Heartbeat) is { } last)
                data["lastHeartbeat"] = DateTime.SpecifyKind(last, DateTimeKind.Utc);
            return Task.FromResult(alive.Count > 0
                ? HealthCheckResult.Healthy($"{alive.Count} job server(s) alive", data)
                : HealthCheckResult.Unhealthy("No job server has sent a heartbeat recently", data: data));
        }
        catch (Exception e)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("Job storage unreachable", e, data));
        }
    }
}
