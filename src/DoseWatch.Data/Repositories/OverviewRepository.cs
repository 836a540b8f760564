using Dapper;

namespace DoseWatch.Data.Repositories;

/// <summary>What the Overview page shows before the dashboards: how much dose data there is, and whether the inbox needs attention.</summary>
public sealed record OverviewCounts(long Studies, long IrradiationEvents, long Devices, long PendingInstances, long FailedInstances,
    long QuarantinedInstances);

public sealed class OverviewRepository(IDbConnectionFactory connections)
{
    /// <summary>
    /// The Overview's figures for one device (the dashboards' device filter, issue #21): its studies and events from its
    /// own rows (ix_studies_device_key), one device; the inbox figures stay the installation's (an instance that failed
    /// to read has no device).
    /// </summary>
    public async Task<OverviewCounts> CountAsync(string? deviceKey, CancellationToken cancellationToken = default)
    {
        if (deviceKey is null) return await CountAsync(cancellationToken);
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.QuerySingleAsync<OverviewCounts>(new CommandDefinition("""
            SELECT
                (SELECT count(*) FROM studies WHERE device_key = @deviceKey) AS Studies,
                (SELECT CAST(COALESCE(SUM(event_count), 0) AS BIGINT) FROM studies WHERE device_key = @deviceKey) AS IrradiationEvents,
                CAST(1 AS BIGINT) AS Devices,
                (SELECT count(*) FROM instances WHERE status IN ('received', 'extracting')) AS PendingInstances,
                (SELECT count(*) FROM instances WHERE status = 'failed') AS FailedInstances,
                (SELECT count(*) FROM instances WHERE status = 'quarantined') AS QuarantinedInstances
            """, new { deviceKey }, cancellationToken: cancellationToken));
    }

    public async Task<OverviewCounts> CountAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        // Studies and events from the per-day counts kept at save time (study_activity, 0021), plus the studies without a
        // study date, which no day holds (an index range of ix_studies_study_date): counting every study took 0.4 s at
        // 10M events, and grew with them.
        return await connection.QuerySingleAsync<OverviewCounts>(new CommandDefinition("""
            SELECT
                (SELECT CAST(COALESCE(SUM(studies), 0) AS BIGINT) FROM study_activity)
                    + (SELECT count(*) FROM studies WHERE study_date IS NULL) AS Studies,
                (SELECT CAST(COALESCE(SUM(events), 0) AS BIGINT) FROM study_activity)
                    + (SELECT CAST(COALESCE(SUM(event_count), 0) AS BIGINT) FROM studies WHERE study_date IS NULL) AS IrradiationEvents,
                (SELECT count(*) FROM devices) AS Devices,
                (SELECT count(*) FROM instances WHERE status IN ('received', 'extracting')) AS PendingInstances,
                (SELECT count(*) FROM instances WHERE status = 'failed') AS FailedInstances,
                (SELECT count(*) FROM instances WHERE status = 'quarantined') AS QuarantinedInstances
            """, cancellationToken: cancellationToken));
    }
}
