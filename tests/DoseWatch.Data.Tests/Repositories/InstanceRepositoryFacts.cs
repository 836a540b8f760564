using Dapper;
using DoseWatch.Data.Repositories;
using DoseWatch.Tests;

namespace DoseWatch.Data.Tests.Repositories;

public abstract class InstanceRepositoryFacts(ITestDatabases databases) : MigratedDatabaseFacts(databases)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private InstanceRepository _inbox => new(Factory);

    private static NewInstance Instance(string uid, DateTimeOffset at, string path = "/inbox/a.dcm") =>
        new("1.2.840.10008.5.1.4.1.1.88.67", uid, "1.2.3.study", "CT_SCANNER", "127.0.0.1:40000", 1234, path, at);

    [Fact]
    public async Task A_new_instance_is_received_with_every_field_kept()
    {
        var id = await _inbox.AddOrReplaceAsync(Instance("1.2.3.1", T0));

        var row = await _inbox.GetAsync(id);

        Assert.Equal(new InstanceRecord(id, "1.2.840.10008.5.1.4.1.1.88.67", "1.2.3.1", "1.2.3.study", "CT_SCANNER", "127.0.0.1:40000", 1234,
            "/inbox/a.dcm", T0, InstanceStatus.Received, null, 0, T0), row);
    }

    [Fact]
    public async Task The_header_fields_for_the_inbox_are_kept()
    {
        var id = await _inbox.AddOrReplaceAsync(Instance("1.2.3.1", T0) with { Modality = "MG", Device = "HOLOGIC Selenia (MG1)", AccessionNumber = "A7", StudyDate = "2024-03-05" });

        var row = (await _inbox.GetAsync(id))!;
        Assert.Equal(("MG", "HOLOGIC Selenia (MG1)", "A7", "2024-03-05"), (row.Modality, row.Device, row.AccessionNumber, row.StudyDate));
        Assert.Equal(row, Assert.Single(await _inbox.ListAsync([], 0, 10)));
    }

    [Fact]
    public async Task The_same_sop_instance_twice_is_one_row_that_starts_over()
    {
        var id = await _inbox.AddOrReplaceAsync(Instance("1.2.3.1", T0));
        Assert.True(await _inbox.TryClaimAsync(id, T0.AddSeconds(1), T0));
        await _inbox.SetStatusAsync(id, InstanceStatus.Quarantined, "bad", T0.AddSeconds(2));

        var again = await _inbox.AddOrReplaceAsync(Instance("1.2.3.1", T0.AddMinutes(5), "/inbox/b.dcm"));

        Assert.Equal(id, again);
        var row = (await _inbox.GetAsync(id))!;
        Assert.Equal((InstanceStatus.Received, 0, "/inbox/b.dcm", (string?)null), (row.Status, row.Attempts, row.Path, row.StatusReason));
        Assert.Equal(1, await _inbox.CountAsync([]));
    }

    /// <summary>
    /// Issue #18's batched intake: one transaction registers new instances, restarts a known one sent anew (as
    /// AddOrReplace) and leaves a resend kept as it was alone when it has a row (as AddIfMissing); the ids come back in
    /// order. The start-up scan then sees exactly the registered UIDs, in slices over the parameter limit.
    /// </summary>
    [Fact]
    public async Task A_batch_registers_in_one_go_and_the_known_uids_are_found_again()
    {
        var finished = await _inbox.AddOrReplaceAsync(Instance("1.2.3.1", T0));
        await _inbox.SetStatusAsync(finished, InstanceStatus.Extracted, null, T0.AddSeconds(1));
        var restarted = await _inbox.AddOrReplaceAsync(Instance("1.2.3.2", T0));
        await _inbox.SetStatusAsync(restarted, InstanceStatus.Quarantined, "bad", T0.AddSeconds(1));

        var ids = await _inbox.AddReceivedAsync([
            (Instance("1.2.3.10", T0.AddMinutes(1)), false),
            (Instance("1.2.3.1", T0.AddMinutes(1), "/inbox/again.dcm"), true),
            (Instance("1.2.3.2", T0.AddMinutes(1), "/inbox/new.dcm"), false),
            (Instance("1.2.3.11", T0.AddMinutes(1)), true),
        ]);

        Assert.Equal(4, ids.Count);
        Assert.Null(ids[1]);
        Assert.Equal(restarted, ids[2]);
        Assert.Equal(("1.2.3.10", "1.2.3.11"), ((await _inbox.GetAsync(ids[0]!.Value))!.SopInstanceUid, (await _inbox.GetAsync(ids[3]!.Value))!.SopInstanceUid));
        Assert.Equal((InstanceStatus.Extracted, "/inbox/a.dcm"), ((await _inbox.GetAsync(finished))!.Status, (await _inbox.GetAsync(finished))!.Path));
        Assert.Equal((InstanceStatus.Received, "/inbox/new.dcm"), ((await _inbox.GetAsync(restarted))!.Status, (await _inbox.GetAsync(restarted))!.Path));
        Assert.Equal(4, await _inbox.CountAsync([]));

        var asked = Enumerable.Range(0, 1200).Select(i => $"9.9.{i}").Concat(["1.2.3.1", "1.2.3.2", "1.2.3.10", "1.2.3.11"]).ToList();
        Assert.Equal(["1.2.3.1", "1.2.3.10", "1.2.3.11", "1.2.3.2"], (await _inbox.KnownSopInstanceUidsAsync(asked)).Order(StringComparer.Ordinal));
        Assert.Empty(await _inbox.KnownSopInstanceUidsAsync([]));
    }

    [Fact]
    public async Task Only_one_worker_can_claim_until_the_claim_goes_stale()
    {
        var id = await _inbox.AddOrReplaceAsync(Instance("1.2.3.1", T0));

        Assert.True(await _inbox.TryClaimAsync(id, T0.AddSeconds(1), staleBefore: T0));
        Assert.False(await _inbox.TryClaimAsync(id, T0.AddSeconds(2), staleBefore: T0));
        Assert.True(await _inbox.TryClaimAsync(id, T0.AddMinutes(10), staleBefore: T0.AddMinutes(5)));
        await _inbox.SetStatusAsync(id, InstanceStatus.Extracted, null, T0.AddMinutes(11));
        Assert.False(await _inbox.TryClaimAsync(id, T0.AddHours(1), staleBefore: T0.AddHours(1)));
        Assert.Equal(2, (await _inbox.GetAsync(id))!.Attempts);
    }

    [Fact]
    public async Task Listing_filters_by_status_newest_first_and_pages()
    {
        var ids = new List<long>();
        for (var i = 0; i < 5; i++) ids.Add(await _inbox.AddOrReplaceAsync(Instance($"1.2.3.{i}", T0.AddMinutes(i))));
        await _inbox.SetStatusAsync(ids[1], InstanceStatus.Failed, "disk", T0.AddHours(1));
        await _inbox.SetStatusAsync(ids[3], InstanceStatus.Quarantined, "unreadable", T0.AddHours(1), "/q/3.dcm");

        var problems = await _inbox.ListAsync([InstanceStatus.Failed, InstanceStatus.Quarantined], 0, 10);
        var page2 = await _inbox.ListAsync([], 2, 2);

        Assert.Equal([ids[3], ids[1]], problems.Select(r => r.Id));
        Assert.Equal(("unreadable", "/q/3.dcm"), (problems[0].StatusReason, problems[0].Path));
        Assert.Equal([ids[2], ids[1]], page2.Select(r => r.Id));
        Assert.Equal(2, await _inbox.CountAsync([InstanceStatus.Failed, InstanceStatus.Quarantined]));
    }

    [Fact]
    public async Task Stale_claims_are_taken_once_per_sweep_and_queued_rows_are_left_in_the_queue()
    {
        var fresh = await _inbox.AddOrReplaceAsync(Instance("1.2.3.fresh", T0.AddMinutes(9)));
        var lost = await _inbox.AddOrReplaceAsync(Instance("1.2.3.lost", T0));
        var crashed = await _inbox.AddOrReplaceAsync(Instance("1.2.3.crashed", T0));
        await _inbox.TryClaimAsync(crashed, T0.AddMinutes(1), T0);
        var done = await _inbox.AddOrReplaceAsync(Instance("1.2.3.done", T0));
        await _inbox.SetStatusAsync(done, InstanceStatus.Extracted, null, T0);

        var first = await _inbox.TakeStaleAsync(staleBefore: T0.AddMinutes(5), now: T0.AddMinutes(10), limit: 100);
        var second = await _inbox.TakeStaleAsync(staleBefore: T0.AddMinutes(5), now: T0.AddMinutes(10), limit: 100);

        Assert.Equal([crashed], first);
        Assert.Empty(second);
        // A received row that has waited long is still the queue's, untouched (FIFO by id, no write, no warning).
        var waiting = (await _inbox.GetAsync(lost))!;
        Assert.Equal((InstanceStatus.Received, T0), (waiting.Status, waiting.UpdatedAt));
        Assert.DoesNotContain(fresh, first);
        // The dead worker's claim is handed back, so the job enqueued for it can claim it at once (issue #22 item 8).
        Assert.Equal(InstanceStatus.Received, (await _inbox.GetAsync(crashed))!.Status);
        Assert.True(await _inbox.TryClaimAsync(crashed, T0.AddMinutes(10), staleBefore: T0.AddMinutes(9.5)));
    }

    [Fact]
    public async Task A_renewed_claim_is_never_stale_and_a_lost_one_can_be_retried()
    {
        var id = await _inbox.AddOrReplaceAsync(Instance("1.2.3.renewed", T0));
        Assert.True(await _inbox.TryClaimAsync(id, T0.AddSeconds(1), T0));
        Assert.True(await _inbox.RenewClaimAsync(id, T0.AddMinutes(5)));

        Assert.Empty(await _inbox.TakeStaleAsync(staleBefore: T0.AddMinutes(4), now: T0.AddMinutes(5), limit: 100));
        Assert.False(await _inbox.TryRequeueAsync(id, "/inbox/a.dcm", T0.AddMinutes(5), staleBefore: T0.AddMinutes(4)));
        Assert.True(await _inbox.TryRequeueAsync(id, "/inbox/a.dcm", T0.AddMinutes(7), staleBefore: T0.AddMinutes(6)));
        Assert.False(await _inbox.RenewClaimAsync(id, T0.AddMinutes(8)));
    }

    [Fact]
    public async Task Requeue_is_refused_while_an_instance_is_in_flight()
    {
        var id = await _inbox.AddOrReplaceAsync(Instance("1.2.3.1", T0));

        Assert.False(await _inbox.TryRequeueAsync(id, "/inbox/a.dcm", T0.AddMinutes(1)));
        await _inbox.TryClaimAsync(id, T0.AddSeconds(1), T0);
        Assert.False(await _inbox.TryRequeueAsync(id, "/inbox/a.dcm", T0.AddMinutes(1)));
        await _inbox.SetStatusAsync(id, InstanceStatus.Quarantined, "bad", T0.AddMinutes(2), "/q/a.dcm");
        Assert.True(await _inbox.TryRequeueAsync(id, "/inbox/a.dcm", T0.AddMinutes(3)));

        var row = (await _inbox.GetAsync(id))!;
        Assert.Equal((InstanceStatus.Received, 0, "/inbox/a.dcm"), (row.Status, row.Attempts, row.Path));
    }

    /// <summary>
    /// Issue #18's work queue: batches are claimed first registered first, only from <c>received</c>, each claim counts
    /// an attempt, and released claims go back to the queue without one.
    /// </summary>
    [Fact]
    public async Task Workers_claim_received_rows_in_batches_in_order_and_release_what_they_did_not_reach()
    {
        var ids = new List<long>();
        for (var i = 1; i <= 5; i++) ids.Add(await _inbox.AddOrReplaceAsync(Instance($"1.2.3.{i}", T0.AddSeconds(-i))));
        await _inbox.SetStatusAsync(ids[4], InstanceStatus.Quarantined, "bad", T0);

        var first = await _inbox.ClaimReceivedAsync(2, T0.AddMinutes(1));
        var second = await _inbox.ClaimReceivedAsync(10, T0.AddMinutes(1));
        var none = await _inbox.ClaimReceivedAsync(10, T0.AddMinutes(1));

        Assert.Equal(ids[..2], first.Select(r => r.Id));
        Assert.Equal(ids[2..4], second.Select(r => r.Id));
        Assert.Empty(none);
        Assert.All(first.Concat(second), r => Assert.Equal((InstanceStatus.Extracting, 1, T0.AddMinutes(1)), (r.Status, r.Attempts, r.UpdatedAt)));
        Assert.Equal("1.2.3.1", first[0].SopInstanceUid);

        await _inbox.SetStatusAsync(ids[2], InstanceStatus.Extracted, null, T0.AddMinutes(2));
        await _inbox.ReleaseClaimsAsync([ids[2], ids[3]], T0.AddMinutes(2));
        await _inbox.RenewClaimsAsync([ids[0], ids[1], ids[2]], T0.AddMinutes(3));

        var rows = new List<InstanceRecord>();
        foreach (var id in ids) rows.Add((await _inbox.GetAsync(id))!);
        Assert.Equal((InstanceStatus.Extracting, T0.AddMinutes(3)), (rows[0].Status, rows[0].UpdatedAt));
        Assert.Equal((InstanceStatus.Extracted, T0.AddMinutes(2)), (rows[2].Status, rows[2].UpdatedAt));   // finished: neither released nor renewed
        Assert.Equal((InstanceStatus.Received, 0), (rows[3].Status, rows[3].Attempts));
        Assert.Equal(ids[3], Assert.Single(await _inbox.ClaimReceivedAsync(10, T0.AddMinutes(4))).Id);
    }

    /// <summary>Workers claiming at the same time (threads here; nodes on PostgreSQL) never get the same row.</summary>
    [Fact]
    public async Task Concurrent_claims_share_the_rows_without_giving_one_twice()
    {
        var registered = await _inbox.AddReceivedAsync(Enumerable.Range(1, 200).Select(i => (Instance($"1.2.4.{i}", T0), false)).ToList());

        var claims = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
        {
            var mine = new List<long>();
            while (true)
            {
                var batch = await _inbox.ClaimReceivedAsync(7, T0.AddMinutes(1));
                if (batch.Count == 0) return mine;
                mine.AddRange(batch.Select(r => r.Id));
            }
        })));

        var all = claims.SelectMany(c => c).ToList();
        Assert.Equal(registered.Select(id => id!.Value).Order(), all.Order());
        Assert.Equal(all.Count, all.Distinct().Count());
    }

    [Fact]
    public async Task The_database_refuses_an_unknown_status()
    {
        var id = await _inbox.AddOrReplaceAsync(Instance("1.2.3.1", T0));
        await using var connection = await Factory.OpenAsync();

        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() =>
            connection.ExecuteAsync("UPDATE instances SET status = 'lost' WHERE id = @id", new { id }));
    }
}

public sealed class SqliteInstanceRepositoryFacts() : InstanceRepositoryFacts(new SqliteTestDatabases());

public sealed class PostgreSqlInstanceRepositoryFacts(PostgresServerFixture postgres)
    : InstanceRepositoryFacts(new PostgreSqlTestDatabases(postgres.Server)), IClassFixture<PostgresServerFixture>;
