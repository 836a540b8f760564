using Dapper;

namespace DoseWatch.Data.Repositories;

/// <summary>What the Overview page needs to decide between the empty state and the dashboard.</summary>
public sealed record OverviewCounts(long Studies, long Devices);

public sealed class OverviewRepository(IDbConnectionFactory connections)
{
    public async Task<OverviewCounts> CountAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var devices = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT count(*) FROM devices", cancellationToken: cancellationToken));
        // The studies table arrives with the extraction migrations; until then there are no studies by definition.
        var studies = await connection.TableExistsAsync("studies", cancellationToken)
            ? await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT count(*) FROM studies", cancellationToken: cancellationToken))
            : 0;
        return new OverviewCounts(studies, devices);
    }
}
