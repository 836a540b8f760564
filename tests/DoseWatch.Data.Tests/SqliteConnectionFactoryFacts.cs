using Dapper;

namespace DoseWatch.Data.Tests;

public sealed class SqliteConnectionFactoryFacts : IAsyncLifetime
{
    private readonly SqliteTestDatabases _databases = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _databases.DisposeAsync();

    [Fact]
    public async Task Connections_use_wal_enforce_foreign_keys_and_wait_when_busy()
    {
        var factory = await _databases.NewDatabaseAsync();
        await using var connection = await factory.OpenAsync();

        Assert.Equal("wal", await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode"));
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("PRAGMA foreign_keys"));
        Assert.True(await connection.ExecuteScalarAsync<long>("PRAGMA busy_timeout") >= 1000);
        await connection.ExecuteAsync("CREATE TABLE parent (id INTEGER PRIMARY KEY); CREATE TABLE child (parent_id INTEGER REFERENCES parent (id));");
        await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => connection.ExecuteAsync("INSERT INTO child VALUES (42)"));
    }
}
