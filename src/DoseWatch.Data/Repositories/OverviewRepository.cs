using Dapper;

namespace DoseWatch.Data.Repositories;

/// <summary>What the Overview page shows before the dashboards: how much dose data there is, and whether the inbox needs attention.</summary>
public sealed record OverviewCounts(long Studies, long IrradiationEvents, long Devices, long PendingInstances, long FailedInstances,
    long QuarantinedInstances);

public sealed class OverviewRepository(IDbConnectionFactory connections)
{
    public async Task<OverviewCounts> CountAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.QuerySingleAsync<OverviewCounts>(new CommandDefinition("""
            SELECT
                (SELECT count(*) FROM studies) AS Studies,
                (SELECT count(*) FROM irradiation_events) AS IrradiationEvents,
                (SELECT count(*) FROM devices) AS Devices,
                (SELECT count(*) FROM instances WHERE status IN ('received', 'extracting')) AS PendingInstances,
                (SELECT count(*) FROM instances WHERE status = 'failed') AS FailedInstances,
                (SELECT count(*) FROM instances WHERE status = 'quarantined') AS QuarantinedInstances
            """, cancellationToken: cancellationToken));
    }
}
