using Dapper;
using DoseWatch.Tests;
using Npgsql;

namespace DoseWatch.Data.Tests;

/// <summary>The server settings the PostgreSQL factory gives its connections, read back from a real server.</summary>
public sealed class PostgreSqlConnectionFactoryFacts(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    [Fact]
    public async Task Connections_run_without_jit_unless_the_connection_string_asks_for_it()
    {
        var connectionString = await postgres.Server.CreateDatabaseAsync();
        // The server's own default is on (PostgreSQL's), so "off" below is the factory's doing.
        await using (var plain = new NpgsqlConnection(connectionString))
        {
            await plain.OpenAsync();
            Assert.Equal("on", await plain.ExecuteScalarAsync<string>("SHOW jit"));
        }

        await using (var factory = new PostgreSqlConnectionFactory(connectionString))
        await using (var connection = await factory.OpenAsync())
            Assert.Equal("off", await connection.ExecuteScalarAsync<string>("SHOW jit"));

        // A site's own Options are kept, and its own jit setting wins.
        await using (var factory = new PostgreSqlConnectionFactory(connectionString + ";Options=-c jit=on -c work_mem=8MB"))
        await using (var connection = await factory.OpenAsync())
        {
            Assert.Equal("on", await connection.ExecuteScalarAsync<string>("SHOW jit"));
            Assert.Equal("8MB", await connection.ExecuteScalarAsync<string>("SHOW work_mem"));
        }
        await using (var factory = new PostgreSqlConnectionFactory(connectionString + ";Options=-c work_mem=8MB"))
        await using (var connection = await factory.OpenAsync())
        {
            Assert.Equal("off", await connection.ExecuteScalarAsync<string>("SHOW jit"));
            Assert.Equal("8MB", await connection.ExecuteScalarAsync<string>("SHOW work_mem"));
        }
    }
}
