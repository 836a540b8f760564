using Dapper;
using DoseWatch.Core.Abstractions;
using DoseWatch.Core.Audit;
using DoseWatch.Data.Audit;
using DoseWatch.Tests;

namespace DoseWatch.Data.Tests.Audit;

public abstract class AuditLogFacts(ITestDatabases databases) : MigratedDatabaseFacts(databases)
{
    private async Task<AuditLog> FilledAsync(int count)
    {
        var log = new AuditLog(Factory);
        for (var i = 1; i <= count; i++)
            await log.AppendAsync(new AuditEvent($"user{i % 3}", i % 2 == 0 ? "patient.view" : "rule.update", $"target-{i}", $"detail {i} ünïcode"));
        return log;
    }

    private async Task ExecuteRawAsync(string sql, object args)
    {
        await using var connection = await Factory.OpenAsync();
        Assert.Equal(1, await connection.ExecuteAsync(sql, args));
    }

    [Fact]
    public async Task An_untouched_log_verifies_and_its_rows_chain_by_hash()
    {
        var log = await FilledAsync(5);

        var result = await log.VerifyAsync();
        var rows = (await log.QueryAsync(new AuditQuery(PageSize: 10))).Items.OrderBy(r => r.Id).ToList();

        Assert.True(result.IsValid, result.Problem);
        Assert.Equal(5, result.CheckedRows);
        Assert.Equal([1L, 2, 3, 4, 5], rows.Select(r => r.Id));
        Assert.Equal(AuditChain.Genesis, rows[0].PrevHash);
        for (var i = 1; i < rows.Count; i++) Assert.Equal(rows[i - 1].Hash, rows[i].PrevHash);
        // The stored hash is recomputable from the stored fields alone (SHA-256 via the canonical encoding).
        Assert.All(rows, r => Assert.Equal(AuditChain.Hash(r), r.Hash));
        Assert.Equal(rows[^1].Hash, result.HeadHash);
    }

    [Fact]
    public async Task Editing_one_rows_detail_with_raw_sql_is_reported_at_that_row()
    {
        var log = await FilledAsync(6);

        await ExecuteRawAsync("UPDATE audit_log SET detail = @d WHERE id = @id", new { d = "nothing happened", id = 4L });
        var result = await log.VerifyAsync();

        Assert.False(result.IsValid);
        Assert.Equal(4, result.FirstBrokenId);
        Assert.Equal(3, result.CheckedRows);
    }

    [Fact]
    public async Task Rewriting_a_rows_hash_to_match_its_edit_breaks_the_next_row()
    {
        var log = await FilledAsync(6);
        var row3 = (await log.QueryAsync(new AuditQuery(PageSize: 10))).Items.Single(r => r.Id == 3);
        var forged = row3 with { Actor = "someone-else" };

        await ExecuteRawAsync("UPDATE audit_log SET actor = @a, hash = @h WHERE id = 3", new { a = forged.Actor, h = AuditChain.Hash(forged) });
        var result = await log.VerifyAsync();

        Assert.Equal(4, result.FirstBrokenId);
    }

    [Fact]
    public async Task Deleting_a_row_is_detected_at_the_row_after_the_gap()
    {
        var log = await FilledAsync(6);

        await ExecuteRawAsync("DELETE FROM audit_log WHERE id = @id", new { id = 2L });
        var result = await log.VerifyAsync();

        Assert.False(result.IsValid);
        Assert.Equal(3, result.FirstBrokenId);
    }

    [Fact]
    public async Task Concurrent_writers_on_separate_connections_and_factories_still_form_one_chain()
    {
        // Two factories stand for two processes/nodes on the same database.
        var second = Factory is SqliteConnectionFactory sqlite ? new SqliteConnectionFactory(sqlite.DatabasePath) : Factory;
        var writers = new[] { new AuditLog(Factory), new AuditLog(second) };

        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() => writers[i % 2].AppendAsync(new AuditEvent("system", "test.append", i.ToString())))));
        var result = await writers[0].VerifyAsync();

        Assert.True(result.IsValid, result.Problem);
        Assert.Equal(40, result.CheckedRows);
    }

    [Fact]
    public async Task Query_pages_newest_first_and_filters_by_actor_and_action()
    {
        var log = await FilledAsync(12);

        var views = await log.QueryAsync(new AuditQuery(Action: "patient.view", PageSize: 4));
        var user1Views = await log.QueryAsync(new AuditQuery(Actor: "user1", Action: "patient.view", PageSize: 50));
        var page2 = await log.QueryAsync(new AuditQuery(PageSize: 5, Page: 2));

        Assert.Equal(6, views.Total);
        Assert.Equal([12L, 10, 8, 6], views.Items.Select(r => r.Id));
        Assert.All(user1Views.Items, r => Assert.Equal(("user1", "patient.view"), (r.Actor, r.Action)));
        Assert.Equal(Enumerable.Range(1, 12).Where(i => i % 3 == 1 && i % 2 == 0).Count(), (int)user1Views.Total);
        Assert.Equal([7L, 6, 5, 4, 3], page2.Items.Select(r => r.Id));
    }
}

public sealed class SqliteAuditLogFacts() : AuditLogFacts(new SqliteTestDatabases());

public sealed class PostgreSqlAuditLogFacts(PostgresServerFixture postgres)
    : AuditLogFacts(new PostgreSqlTestDatabases(postgres.Server)), IClassFixture<PostgresServerFixture>;
