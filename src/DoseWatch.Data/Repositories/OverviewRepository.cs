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
        // The events are counted from studies.event_count (kept at save time, migration 0012): one index-only pass over
        // the studies counts both, where counting the events table read two and a half times as many rows.
        return await connection.QuerySingleAsync<OverviewCounts>(new CommandDefinition("""
            SELECT
                (SELECT count(*) FROM studies) AS Studies,
                (SELECT CAST(COALESCE(SUM(event_count), 0) AS BIGINT) FROM studies) AS IrradiationEvents,
                (SELECT count(*) FROM devices) AS Devices,
                (SELECT count(*) FROM instances WHERE status IN ('received', 'extracting')) AS PendingInstances,
                (SELECT count(*) FROM instances WHERE status = 'failed') AS FailedInstances,
                (SELECT count(*) FROM instances WHERE status = 'quarantined') AS QuarantinedInstances
            """, cancellationToken: cancellationToken));
    }
}
