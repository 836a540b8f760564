using DoseWatch.Data;
using DoseWatch.Data.Migrations;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DoseWatch.Web.Health;

/// <summary>Healthy when the database answers and carries exactly the migrations this build knows.</summary>
public sealed class DatabaseHealthCheck(IDbConnectionFactory connections, MigrationCatalog catalog) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>
        {
            ["provider"] = connections.Provider.ToString(),
            ["location"] = connections.Description,
            ["expectedVersion"] = catalog.LatestVersion,
            ["reachable"] = false,
        };
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken);
            var version = await MigrationRunner.ReadVersionAsync(connection, cancellationToken);
            data["reachable"] = true;
            data["migratedVersion"] = version;
            return version == catalog.LatestVersion
                ? HealthCheckResult.Healthy($"Migrated to {version:D4}", data)
                : HealthCheckResult.Unhealthy($"At migration {version:D4}, this build expects {catalog.LatestVersion:D4}", data: data);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("Database unreachable", e, data);
        }
    }
}
