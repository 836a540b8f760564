using Dapper;
using DoseWatch.Core.Abstractions;
using DoseWatch.Core.Audit;
using DoseWatch.Data.Audit;
using DoseWatch.Tests;

namespace DoseWatch.Data.Tests.Audit;

public abstract class AuditLogFacts(ITestDatabases databases) : MigratedDatabaseFacts(databases)
{
    private readonly byte[] _key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);

    private async Task<AuditLog> FilledAsync(int count)
    {
        var log = new AuditLog(Factory, _key);
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
        // The stored hash is recomputable from the stored fields and the key (HMAC-SHA256 over the canonical encoding),
        // and not from the fields alone (the unkeyed SHA-256 of older versions).
        Assert.All(rows, r => Assert.Equal(AuditChain.KeyedHash(_key, r), r.Hash));
        Assert.All(rows, r => Assert.NotEqual(AuditChain.Hash(r), r.Hash));
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
    public async Task Editing_a_row_and_recomputing_every_later_hash_without_the_key_is_caught_at_the_edited_row()
    {
        var log = await FilledAsync(6);
        var rows = (await log.QueryAsync(new AuditQuery(PageSize: 10))).Items.OrderBy(r => r.Id).ToList();

        // The attacker of issue #22: write access to the table, the documented encoding, but not the key. Row 3 is
        // edited and the chain from it to the end rebuilt consistently (each prev_hash the previous row's new hash),
        // once with the unkeyed formula and once with a key of the attacker's own.
        foreach (var attackerKey in new byte[]?[] { null, System.Security.Cryptography.RandomNumberGenerator.GetBytes(32) })
        {
            var prev = rows[1].Hash;
            foreach (var row in rows.Skip(2))
            {
                var edited = row with { Actor = row.Id == 3 ? "someone-else" : row.Actor, PrevHash = prev };
                var hash = attackerKey is null ? AuditChain.Hash(edited) : AuditChain.KeyedHash(attackerKey, edited);
                await ExecuteRawAsync("UPDATE audit_log SET actor = @Actor, prev_hash = @PrevHash, hash = @hash WHERE id = @Id",
                    new { edited.Actor, edited.PrevHash, hash, edited.Id });
                prev = hash;
            }
            var result = await log.VerifyAsync();

            Assert.False(result.IsValid);
            Assert.Equal(3, result.FirstBrokenId);
            Assert.Contains("keyed hash", result.Problem);
        }
        // The same rebuild with the real key passes: the key, not the formula, is what protects the chain.
        var keyedPrev = rows[1].Hash;
        foreach (var row in rows.Skip(2))
        {
            var edited = row with { Actor = row.Id == 3 ? "someone-else" : row.Actor, PrevHash = keyedPrev };
            keyedPrev = AuditChain.KeyedHash(_key, edited);
            await ExecuteRawAsync("UPDATE audit_log SET actor = @Actor, prev_hash = @PrevHash, hash = @hash WHERE id = @Id",
                new { edited.Actor, edited.PrevHash, hash = keyedPrev, edited.Id });
        }
        Assert.True((await log.VerifyAsync()).IsValid);
    }

    [Fact]
    public async Task An_unkeyed_chain_of_an_older_version_is_anchored_and_only_its_keyed_part_can_no_longer_be_rebuilt()
    {
        // Rows as the previous version wrote them: unkeyed SHA-256 hashes.
        var prev = AuditChain.Genesis;
        for (long id = 1; id <= 3; id++)
        {
            var at = AuditChain.Normalize(DateTimeOffset.UtcNow);
            var hash = AuditChain.Hash(id, at, "alice", "rule.update", $"rule {id}", null, prev);
            await ExecuteRawAsync("INSERT INTO audit_log (id, at, actor, action, target, detail, prev_hash, hash) VALUES (@id, @at, 'alice', 'rule.update', @target, NULL, @prev, @hash)",
                new { id, at, target = $"rule {id}", prev, hash });
            prev = hash;
        }
        var log = new AuditLog(Factory, _key);
        var before = await log.VerifyAsync();
        Assert.False(before.IsValid); // unkeyed rows alone prove nothing: anyone could have written them
        Assert.Contains("no row is keyed", before.Problem);

        await log.EnsureKeyedAsync();
        await log.EnsureKeyedAsync(); // once
        await log.AppendAsync(new AuditEvent("bob", "user.create", "carol"));
        var rows = (await log.QueryAsync(new AuditQuery(PageSize: 10))).Items.OrderBy(r => r.Id).ToList();
        Assert.Equal(["rule.update", "rule.update", "rule.update", AuditChain.KeyedAction, "user.create"], rows.Select(r => r.Action));
        Assert.Contains(AuditChain.KeyId(_key), rows[3].Detail);
        Assert.True((await log.VerifyAsync()).IsValid);

        // Editing an old unkeyed row and recomputing the unkeyed hashes up to the anchor breaks at the anchor.
        var edited = rows[1] with { Actor = "mallory" };
        var editedHash = AuditChain.Hash(edited);
        await ExecuteRawAsync("UPDATE audit_log SET actor = 'mallory', hash = @editedHash WHERE id = 2", new { editedHash });
        var third = rows[2] with { PrevHash = editedHash };
        await ExecuteRawAsync("UPDATE audit_log SET prev_hash = @p, hash = @h WHERE id = 3", new { p = editedHash, h = AuditChain.Hash(third) });
        var result = await log.VerifyAsync();
        Assert.False(result.IsValid);
        Assert.Equal(4, result.FirstBrokenId);
    }

    [Fact]
    public async Task A_signed_head_detects_rows_removed_from_the_end_and_refuses_a_forged_signature()
    {
        var log = await FilledAsync(6);
        var (head, _) = await log.ExportHeadAsync();
        Assert.NotNull(head);
        Assert.Equal((6L, 6L), (head.Rows, head.HeadId));
        Assert.True(head.IsSignedBy(_key));
        Assert.True((await log.VerifyAsync(head)).IsValid);

        await log.AppendAsync(new AuditEvent("later", "rule.update", "x")); // the chain grows past the head: still fine
        Assert.True((await log.VerifyAsync(head)).IsValid);

        Assert.False((await log.VerifyAsync(head with { HeadHash = new string('a', 64) })).IsValid); // signature no longer matches
        Assert.Contains("not signed", (await log.VerifyAsync(head with { Rows = 7 })).Problem);

        // Cutting the chain back to row 4 leaves a valid chain; only the exported head reveals the removal.
        await using (var connection = await Factory.OpenAsync())
            await connection.ExecuteAsync("DELETE FROM audit_log WHERE id >= 5");
        Assert.True((await log.VerifyAsync()).IsValid);
        var cut = await log.VerifyAsync(head);
        Assert.False(cut.IsValid);
        Assert.Contains("rows at the end were removed", cut.Problem);
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
        var writers = new[] { new AuditLog(Factory, _key), new AuditLog(second, _key) };

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
