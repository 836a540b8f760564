using DoseWatch.Data.Repositories;
using DoseWatch.Tests;

namespace DoseWatch.Data.Tests.Repositories;

/// <summary>
/// The registry delivery queue and log (migration 0041) on both engines: a report is queued once per registry, claimed by
/// one attempt at a time, retried when due, failed for good after the last attempt, requeued by an operator, and listed
/// newest first with what the log shows of the received object.
/// </summary>
public abstract class RegistrySubmissionRepositoryFacts(ITestDatabases databases) : MigratedDatabaseFacts(databases)
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 2, 0, 0, TimeSpan.Zero);

    private RegistrySubmissionRepository Submissions => new(Factory);

    private async Task<long> InstanceAsync(string sop) => await new InstanceRepository(Factory).AddOrReplaceAsync(new NewInstance(
        "1.2.840.10008.5.1.4.1.1.88.67", sop, "1.2.3.study", "CT_1", "10.0.0.7", 1234, $"/inbox/{sop}.dcm", T0,
        Modality: "SR", Device: "Siemens SOMATOM", StudyDate: "2026-12-06"));

    [Fact]
    public async Task A_report_is_queued_once_per_registry_and_its_log_row_names_the_received_object()
    {
        var instance = await InstanceAsync("1.2.3.1");
        var id = await Submissions.QueueAsync(instance, "REGISTRY", "1.2.840.10008.5.1.4.1.1.88.67", "1.2.3.study", "CT", T0);
        Assert.Equal(id, await Submissions.QueueAsync(instance, "REGISTRY", "1.2.840.10008.5.1.4.1.1.88.67", "1.2.3.study", "CT", T0.AddMinutes(1)));
        var other = await Submissions.QueueAsync(instance, "OTHER_REG", "1.2.840.10008.5.1.4.1.1.88.67", "1.2.3.study", "CT", T0.AddMinutes(2));
        Assert.NotEqual(id, other);

        var log = await Submissions.ListAsync();
        Assert.Equal([other, id], log.Select(s => s.Id));
        var row = log[1];
        Assert.Equal((instance, "REGISTRY", "CT", RegistrySubmissionStatuses.Pending, 0), (row.InstanceId, row.RegistryAe, row.Modality, row.Status, row.Attempts));
        Assert.Equal(("/inbox/1.2.3.1.dcm", "2026-12-06", "Siemens SOMATOM"), (row.Path, row.StudyDate, row.Device));
        Assert.Equal(T0, row.CreatedAt);
        Assert.Null(row.SentAt);
    }

    [Fact]
    public async Task One_attempt_at_a_time_retried_when_due_failed_after_the_last_and_a_sent_row_is_never_claimed_again()
    {
        var id = await Submissions.QueueAsync(await InstanceAsync("1.2.3.2"), "REGISTRY", "1.2.840.10008.5.1.4.1.1.88.67", "1.2.3.study", "CT", T0);
        var stale = T0.AddMinutes(-10);
        Assert.True(await Submissions.TryClaimAsync(id, T0, stale));
        Assert.False(await Submissions.TryClaimAsync(id, T0, stale)); // a second run of the job while the first sends

        await Submissions.MarkAttemptFailedAsync(id, "The registry could not be reached", null, T0.AddMinutes(1), T0);
        var waiting = (await Submissions.GetAsync(id))!;
        Assert.Equal((RegistrySubmissionStatuses.Pending, 1, T0.AddMinutes(1)), (waiting.Status, waiting.Attempts, waiting.NextAttemptAt));
        Assert.False(await Submissions.TryClaimAsync(id, T0.AddSeconds(30), stale)); // not due yet
        Assert.True(await Submissions.TryClaimAsync(id, T0.AddMinutes(1), stale));

        await Submissions.MarkAttemptFailedAsync(id, "Refused: the registry is out of resources", 0xA700, null, T0.AddMinutes(1));
        var failed = (await Submissions.GetAsync(id))!;
        Assert.Equal((RegistrySubmissionStatuses.Failed, 2, 0xA700), (failed.Status, failed.Attempts, failed.DimseStatus));
        Assert.False(await Submissions.TryClaimAsync(id, T0.AddHours(1), T0.AddMinutes(50)));

        // The operator's retry: due now, attempts counted afresh; then sent, and neither a retry nor a claim touches it again.
        Assert.True(await Submissions.RequeueAsync(id, T0.AddHours(1)));
        Assert.True(await Submissions.TryClaimAsync(id, T0.AddHours(1), T0.AddMinutes(50)));
        await Submissions.MarkSentAsync(id, "2.25.1234", 0, T0.AddHours(1));
        var sent = (await Submissions.GetAsync(id))!;
        Assert.Equal((RegistrySubmissionStatuses.Sent, 1, 0, "2.25.1234", T0.AddHours(1)), (sent.Status, sent.Attempts, sent.DimseStatus, sent.SentSopInstanceUid, sent.SentAt));
        Assert.Null(sent.LastError);
        Assert.False(await Submissions.RequeueAsync(id, T0.AddHours(2)));
        Assert.False(await Submissions.TryClaimAsync(id, T0.AddDays(1), T0.AddDays(1)));
    }

    [Fact]
    public async Task A_claim_left_by_a_dead_worker_is_taken_over_once_stale_and_the_sweep_finds_what_is_claimable()
    {
        var id = await Submissions.QueueAsync(await InstanceAsync("1.2.3.3"), "REGISTRY", "1.2.840.10008.5.1.4.1.1.88.67", "1.2.3.study", "CT", T0);
        var later = await Submissions.QueueAsync(await InstanceAsync("1.2.3.4"), "REGISTRY", "1.2.840.10008.5.1.4.1.1.88.67", "1.2.3.study", "CT", T0.AddMinutes(20));
        Assert.Equal([id], await Submissions.ClaimableAsync(T0, T0.AddMinutes(-10)));
        Assert.True(await Submissions.TryClaimAsync(id, T0, T0.AddMinutes(-10)));
        Assert.Empty(await Submissions.ClaimableAsync(T0.AddMinutes(5), T0.AddMinutes(-5)));
        Assert.False(await Submissions.TryClaimAsync(id, T0.AddMinutes(5), T0.AddMinutes(-5)));
        // The sweep sees the stale claim and the row that became due, oldest due first.
        Assert.Equal([id, later], await Submissions.ClaimableAsync(T0.AddMinutes(20), T0.AddMinutes(5)));
        Assert.True(await Submissions.TryClaimAsync(id, T0.AddMinutes(15), T0.AddMinutes(5)));
    }
}

public sealed class SqliteRegistrySubmissionRepositoryFacts() : RegistrySubmissionRepositoryFacts(new SqliteTestDatabases());

public sealed class PostgreSqlRegistrySubmissionRepositoryFacts(PostgresServerFixture postgres)
    : RegistrySubmissionRepositoryFacts(new PostgreSqlTestDatabases(postgres.Server)), IClassFixture<PostgresServerFixture>;
