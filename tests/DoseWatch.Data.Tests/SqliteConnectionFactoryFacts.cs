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
        await connection.ExecuteAsync("CREATE TABLE parent (id INTEGER PRIMARY KEY); CREATE TABLE child (parent_id INTEGER REFERENCES parent (id));");
        await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => connection.ExecuteAsync("INSERT INTO child VALUES (42)"));
    }

    [Fact]
    public async Task Connections_for_derived_writes_commit_without_waiting_for_the_disk_and_all_others_wait_for_it()
    {
        var factory = await _databases.NewDatabaseAsync();
        async Task<long> SynchronousAsync()
        {
            await using var connection = await factory.OpenAsync();
            return await connection.ExecuteScalarAsync<long>("PRAGMA synchronous");
        }
        const long Full = 2, Normal = 1;
        Assert.Equal(Full, await SynchronousAsync());
        using (DerivedWrites.Begin())
        {
            Assert.Equal(Normal, await SynchronousAsync());
            // The tasks the flow starts are in it too (the extraction worker's claim renewals).
            Assert.Equal(Normal, await Task.Run(SynchronousAsync));
        }
        // The pooled connection the scope left behind is back to waiting for the disk when opened outside it.
        Assert.Equal(Full, await SynchronousAsync());
        Assert.Equal(Full, await Task.Run(SynchronousAsync));
    }

    [Fact]
    public async Task A_writer_that_finds_the_write_lock_taken_waits_and_goes_on_within_milliseconds_of_its_release()
    {
        // SQLite's own busy handler would sleep in steps of up to 100 ms: released 330 ms into the wait, the write it
        // holds back would go on at 428 ms. The product's handler tries every millisecond (issue #18).
        var factory = await _databases.NewDatabaseAsync();
        await using (var setup = await factory.OpenAsync()) await setup.ExecuteAsync("CREATE TABLE t (x INTEGER)");
        var afterRelease = new List<double>();
        for (var trial = 0; trial < 3; trial++)
        {
            await using var holder = await factory.OpenAsync();
            await using var waiter = await factory.OpenAsync();
            var tx = await holder.BeginTransactionAsync();
            await holder.ExecuteAsync("INSERT INTO t VALUES (1)", transaction: tx);
            var write = Task.Run(() => waiter.Execute("INSERT INTO t VALUES (2)"));
            await Task.Delay(330);
            Assert.False(write.IsCompleted, "the second writer did not wait for the lock");
            await tx.CommitAsync();
            var released = System.Diagnostics.Stopwatch.GetTimestamp();
            await write;
            afterRelease.Add(System.Diagnostics.Stopwatch.GetElapsedTime(released).TotalMilliseconds);
        }
        afterRelease.Sort();
        Assert.True(afterRelease[1] < 50, $"went on {string.Join(", ", afterRelease.Select(ms => $"{ms:F0}"))} ms after the release");
        await using var check = await factory.OpenAsync();
        Assert.Equal(6L, await check.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM t"));
    }
}
