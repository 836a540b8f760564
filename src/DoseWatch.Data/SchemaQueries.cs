using System.Data.Common;
using Dapper;

namespace DoseWatch.Data;

public static class SchemaQueries
{
    /// <summary>Whether <paramref name="table"/> exists in the connection's database (current schema on PostgreSQL).</summary>
    public static async Task<bool> TableExistsAsync(this DbConnection connection, string table, CancellationToken cancellationToken = default) =>
        await connection.ExecuteScalarAsync<long>(new CommandDefinition(connection is Npgsql.NpgsqlConnection
            ? "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = @table"
            : "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = @table",
            new { table }, cancellationToken: cancellationToken)) > 0;
}
