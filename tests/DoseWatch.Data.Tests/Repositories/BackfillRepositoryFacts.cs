using DoseWatch.Core.Backfill;
using DoseWatch.Data.Repositories;
using DoseWatch.Tests;

namespace DoseWatch.Data.Tests.Repositories;

public abstract class BackfillRepositoryFacts(ITestDatabases databases) : MigratedDatabaseFacts(databases)
{
    private static readonly BackfillRequest Request = new("pacs.example", 104, "PACS", "DOSEWATCH", "DOSEWATCH",
        new DateOnly(2024, 3, 1), new DateOnly(2024, 3, 31), ["CT", "MG"]);

    private BackfillRepository Journal => new(Factory, TimeProvider.System);

    [Fact]
    public async Task A_backfill_reads_back_as_requested_and_running()
    {
        var id = await Journal.CreateAsync(Request);
        var record = (await Journal.GetAsync(id))!;
        Assert.Equal((BackfillStatus.Running, 0, 0), (record.Status, record.Studies, record.StudiesDone));
        Assert.Equal(Request with { Modalities = [] }, record.Request with { Modalities = [] });
        Assert.Equal(["CT", "MG"], record.Request.Modalities);
    }

    [Fact]
    public async Task A_cget_backfill_over_tls_reads_back_as_such()
    {
        var get = Request with { Method = RetrieveMethod.Get, Tls = true };
        var record = (await Journal.GetAsync(await Journal.CreateAsync(get)))!;
        Assert.Equal((RetrieveMethod.Get, true), (record.Request.Method, record.Request.Tls));
        var move = (await Journal.GetAsync(await Journal.CreateAsync(Request)))!;
        Assert.Equal((RetrieveMethod.Move, false), (move.Request.Method, move.Request.Tls));
    }

    [Fact]
    public async Task Studies_are_recorded_once_and_only_unfinished_ones_are_left_to_do()
    {
        var id = await Journal.CreateAsync(Request);
        BackfillStudy a = new("1.2.1", new DateOnly(2024, 3, 2), "A1", "CT"), b = new("1.2.2", new DateOnly(2024, 3, 1), null, ""), c = new("1.2.3", null, null, "MG");
        await Journal.AddStudiesAsync(id, [a, b], default);
        await Journal.SetStudyResultAsync(id, a.StudyInstanceUid, new BackfillStudyResult(BackfillStudyOutcome.Retrieved, 2, 2, 0, null), default);
        await Journal.SetStudyResultAsync(id, b.StudyInstanceUid, new BackfillStudyResult(BackfillStudyOutcome.Failed, 1, 0, 1, "refused"), default);
        // Found again by a rerun's C-FIND: the retrieved study keeps its outcome.
        await Journal.AddStudiesAsync(id, [a, b, c], default);

        var toDo = await Journal.StudiesToDoAsync(id, default);
        Assert.Equal(["1.2.3", "1.2.2"], toDo.Select(s => s.StudyInstanceUid).Order(StringComparer.Ordinal).Reverse());
        var all = await Journal.StudiesAsync(id);
        Assert.Equal(3, all.Count);
        Assert.Equal(new BackfillStudyResult(BackfillStudyOutcome.Retrieved, 2, 2, 0, null), all.Single(s => s.Study.StudyInstanceUid == "1.2.1").Result);
        Assert.Equal(a, all.Single(s => s.Study.StudyInstanceUid == "1.2.1").Study);
        var record = (await Journal.GetAsync(id))!;
        Assert.Equal((3, 1, 2, 1), (record.Studies, record.StudiesDone, record.InstancesRetrieved, record.InstancesFailed));

        await Journal.SetStatusAsync(id, BackfillStatus.Completed, "study query ended with a warning", default);
        Assert.Equal((BackfillStatus.Completed, "study query ended with a warning"), ((await Journal.GetAsync(id))!.Status, (await Journal.GetAsync(id))!.Detail));
    }

    [Fact]
    public async Task Known_instances_are_those_in_the_inbox()
    {
        var inbox = new InstanceRepository(Factory);
        await inbox.AddOrReplaceAsync(new NewInstance("1.2.840.10008.5.1.4.1.1.88.67", "9.9.1", "1.2.1", "PACS", "", 10, "/x.dcm", DateTimeOffset.UtcNow));
        var uids = Enumerable.Range(0, 1200).Select(i => $"9.9.{i}").ToList();  // more than one chunk
        Assert.Equal(["9.9.1"], await Journal.KnownInstancesAsync(uids, default));
    }
}

public sealed class SqliteBackfillRepositoryFacts() : BackfillRepositoryFacts(new SqliteTestDatabases());

public sealed class PostgreSqlBackfillRepositoryFacts(PostgresServerFixture postgres)
    : BackfillRepositoryFacts(new PostgreSqlTestDatabases(postgres.Server)), IClassFixture<PostgresServerFixture>;
