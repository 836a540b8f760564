using Dapper;
using DoseWatch.Core.Analysis;
using DoseWatch.Core.Domain;
using DoseWatch.Data.Migrations;
using DoseWatch.Data.Repositories;
using DoseWatch.Tests;

namespace DoseWatch.Data.Tests.Analysis;

/// <summary>
/// Issue #15 in SQL (real SQLite file, real PostgreSQL): unknown protocol names reach the review queue and at most one
/// digest alert per ISO week, also when several analyses run at once; migration 0025 renames the stored default.
/// </summary>
public abstract class StudyAnalysisFacts(ITestDatabases databases) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await databases.DisposeAsync();

    // A Wednesday: the ISO week 2026-W10 runs from Monday 2 March to Sunday 8 March.
    private readonly StepClock _clock = new(new DateTimeOffset(2026, 3, 4, 8, 0, 0, TimeSpan.Zero));
    private static readonly DeviceIdentity Scanner = new("ACME", "CT 9000", "CT1", "SN1", null);

    private async Task<(IDbConnectionFactory Database, StudyAnalysis Analysis)> NewAsync()
    {
        var database = await databases.NewDatabaseAsync();
        await new MigrationRunner(database, MigrationCatalog.Embedded(databases.Provider)).MigrateAsync();
        var rules = new RuleRepository(database, _clock);
        await rules.SeedAsync(DefaultRules.All);
        return (database, new StudyAnalysis(database, rules, new ProtocolRepository(database, _clock), new AlertRepository(database, _clock), _clock));
    }

    private static async Task SaveAsync(IDbConnectionFactory database, string uid, string protocol)
    {
        // A routine chest CT below the UK national DRL (8.5 mGy, 290 mGy·cm), which is on by default: these facts are about
        // protocol names, so no study of theirs should reach a DRL.
        IrradiationEvent ev = new()
        {
            EventUid = uid + ".1", Source = DoseSourceKind.CtRdsr, Protocol = protocol, CtdiVolMGy = 5, DlpMGyCm = 200, Kvp = 120,
            AcquisitionType = new ConceptCode("116152004", "SCT"), TargetRegion = new ConceptCode("51185008", "SCT", "Chest"),
        };
        var study = new Study(uid, null, new DateOnly(2026, 3, 1), null, "CT", null, PatientCharacteristics.Unknown, Scanner);
        await new DoseRecordRepository(database).SaveAsync(new ExtractionResult(ExtractionKind.DoseObject,
            new SourceInstance("1.2.840.10008.5.1.4.1.1.88.67", uid + ".9", null, "CT"), study, [ev], AccumulatedDose.None, [], []));
    }

    private static async Task<List<(string Study, double Value, string Message)>> DigestsAsync(IDbConnectionFactory database)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<(string, double, string)>(
            "SELECT study_instance_uid, value, message FROM alerts WHERE quantity = 'newProtocolNames' ORDER BY id")).ToList();
    }

    [Fact]
    public async Task Unknown_names_raise_one_digest_per_week_even_from_concurrent_analyses_and_no_alert_per_study()
    {
        var (database, analysis) = await NewAsync();
        var uids = Enumerable.Range(1, 8).Select(i => $"1.2.826.15.{i}").ToList();
        for (var i = 0; i < uids.Count; i++) await SaveAsync(database, uids[i], $"Name {(char)('A' + i)}");
        var outcomes = await Task.WhenAll(uids.Select(u => analysis.AnalyzeAsync(u, 500, 20)));
        Assert.Equal(1, outcomes.Sum(o => o!.Created.Count));
        var first = Assert.Single(await DigestsAsync(database));
        Assert.InRange(first.Value, 1, 8); // the names recorded when the winning analysis looked

        // Later the same week: new names wait for next week's digest.
        await SaveAsync(database, "1.2.826.15.20", "Name late");
        _clock.Now = _clock.Now.AddDays(3); // Saturday, still 2026-W10
        Assert.Empty((await analysis.AnalyzeAsync("1.2.826.15.20", 500, 20))!.Created);

        // Next Monday: one digest naming only what entered the queue since the last one.
        _clock.Now = new DateTimeOffset(2026, 3, 9, 7, 0, 0, TimeSpan.Zero);
        await SaveAsync(database, "1.2.826.15.21", "Name next week");
        Assert.Single((await analysis.AnalyzeAsync("1.2.826.15.21", 500, 20))!.Created);
        var second = (await DigestsAsync(database))[^1];
        Assert.Equal(("1.2.826.15.21", 2.0), (second.Study, second.Value)); // "Name late" and "Name next week"
        Assert.Contains("'Name late'", second.Message);
        Assert.DoesNotContain("'Name A'", second.Message);

        // The review queue has each name once, with its one study.
        var queue = await new ProtocolRepository(database, _clock).ReviewQueueAsync();
        Assert.Equal(10, queue.Count);
        Assert.All(queue, q => Assert.Equal(1, q.Name.Occurrences));
    }

    [Fact]
    public async Task A_devices_head_CT_median_above_the_national_DRL_raises_one_alert_per_month_on_the_study_that_took_it_there()
    {
        var (database, analysis) = await NewAsync();
        // Ten head CTs at 35 mGy, then 55 mGy from 11 January (UK DRL for the head: 47 mGy, DLP 790 mGy·cm; DLP here 15 × CTDIvol).
        // The median of the latest 20 is 45 on 20 January, 55 from 21 January, the study that takes it above; one more alert in February.
        var dates = Enumerable.Range(0, 30).Select(i => new DateOnly(2026, 1, 1 + i)).Concat(Enumerable.Range(0, 3).Select(i => new DateOnly(2026, 2, 1 + i))).ToList();
        for (var i = 0; i < dates.Count; i++)
        {
            var uid = $"1.2.826.16.{i}";
            var ctdiVol = i < 10 ? 35.0 : 55.0;
            IrradiationEvent ev = new()
            {
                EventUid = uid + ".1", Source = DoseSourceKind.CtRdsr, Protocol = "HEAD ROUTINE", CtdiVolMGy = ctdiVol, DlpMGyCm = ctdiVol * 15, Kvp = 120,
                Phantom = CtdiPhantom.Head16, AcquisitionType = new ConceptCode("113804", "DCM"), TargetRegion = new ConceptCode("69536005", "SCT", "Head"),
            };
            var study = new Study(uid, null, dates[i], new TimeOnly(10, 0), "CT", "CT HEAD", PatientCharacteristics.Unknown, Scanner);
            await new DoseRecordRepository(database).SaveAsync(new ExtractionResult(ExtractionKind.DoseObject,
                new SourceInstance("1.2.840.10008.5.1.4.1.1.88.67", uid + ".9", null, "CT"), study, [ev], AccumulatedDose.None, [], []));
            await analysis.AnalyzeAsync(uid, 500, 20);
        }
        await using var connection = await database.OpenAsync();
        var drl = (await connection.QueryAsync<(string Study, string Quantity, double Value, double Threshold, string Message)>(
            "SELECT study_instance_uid, quantity, value, threshold, message FROM alerts WHERE type = 'drl-exceeded' ORDER BY study_instance_uid, quantity")).ToList();
        Assert.Equal([("1.2.826.16.20", "ctdivol", 55.0, 47.0), ("1.2.826.16.20", "dlp", 825.0, 790.0), ("1.2.826.16.30", "ctdivol", 55.0, 47.0), ("1.2.826.16.30", "dlp", 825.0, 790.0)],
            drl.Select(a => (a.Study, a.Quantity, a.Value, a.Threshold)));
        Assert.Contains("of the last 20 Head (acute stroke) CT studies on CT1 (CT 9000, ACME)", drl[0].Message);
    }

    [Fact]
    public async Task A_reference_learned_again_unchanged_is_not_written_again_and_a_changed_one_is()
    {
        var (database, analysis) = await NewAsync();
        async Task SaveHeadAsync(int i, double kvp)
        {
            var uid = $"1.2.826.17.{i}";
            IrradiationEvent ev = new()
            {
                EventUid = uid + ".1", Source = DoseSourceKind.CtRdsr, Protocol = "HEAD ROUTINE", CtdiVolMGy = 35, DlpMGyCm = 525, Kvp = kvp,
                Phantom = CtdiPhantom.Head16, AcquisitionType = new ConceptCode("113804", "DCM"), TargetRegion = new ConceptCode("69536005", "SCT", "Head"),
            };
            var study = new Study(uid, null, new DateOnly(2026, 1, 1 + i), new TimeOnly(10, 0), "CT", "CT HEAD", PatientCharacteristics.Unknown, Scanner);
            await new DoseRecordRepository(database).SaveAsync(new ExtractionResult(ExtractionKind.DoseObject,
                new SourceInstance("1.2.840.10008.5.1.4.1.1.88.67", uid + ".9", null, "CT"), study, [ev], AccumulatedDose.None, [], []));
        }
        async Task<List<(int SampleSize, string KvpSet, DateTimeOffset UpdatedAt)>> StoredAsync()
        {
            await using var connection = await database.OpenAsync();
            return (await connection.QueryAsync<(int, string, DateTimeOffset)>("SELECT sample_size, kvp_set, updated_at FROM protocol_references")).ToList();
        }
        var protocols = new ProtocolRepository(database, _clock);
        await protocols.SaveStandardProtocolAsync(new StandardProtocol("Head", "CT", new HashSet<string>()));
        await protocols.MapAsync("HEAD ROUTINE", ProtocolNameSource.AcquisitionProtocol, "", "Head", "physicist");
        for (var i = 0; i < 21; i++) await SaveHeadAsync(i, 120);
        await analysis.AnalyzeAsync("1.2.826.17.20", 500, 20); // 20 earlier studies: learned and stored
        var learned = Assert.Single(await StoredAsync());
        Assert.Equal((20, "120"), (learned.SampleSize, learned.KvpSet));

        // The same study analysed again an hour later learns the same reference: the stored row is left as it was.
        _clock.Now = _clock.Now.AddHours(1);
        await analysis.AnalyzeAsync("1.2.826.17.20", 500, 20);
        Assert.Equal(learned, Assert.Single(await StoredAsync()));

        // Two more studies change what the next analysis learns (its sample): written.
        await SaveHeadAsync(21, 120);
        await SaveHeadAsync(22, 120);
        await analysis.AnalyzeAsync("1.2.826.17.22", 500, 20);
        Assert.Equal((22, "120", _clock.Now), Assert.Single(await StoredAsync()));
    }

    [Fact]
    public async Task Migration_0025_renames_the_stored_unknown_protocol_default_and_it_is_not_seeded_again()
    {
        var database = await databases.NewDatabaseAsync();
        var catalog = MigrationCatalog.Embedded(databases.Provider);
        await new MigrationRunner(database, new MigrationCatalog(catalog.Scripts.Where(m => m.Version < 25))).MigrateAsync();
        // As a release before #15 stored it: the old name as name and seed key.
        var rules = new RuleRepository(database, _clock);
        var old = DefaultRules.All[0] with { Name = "Unknown protocol name" };
        await rules.SeedAsync([old]);
        await new MigrationRunner(database, catalog).MigrateAsync();
        Assert.Equal(DefaultRules.All.Count - 1, await rules.SeedAsync(DefaultRules.All));
        var stored = (await rules.ListAsync()).Where(r => r.Parameter(RuleParameters.Check) == RuleParameters.CheckUnknownProtocol).ToList();
        Assert.Equal(DefaultRules.NewProtocolNamesDigest, Assert.Single(stored).Name);
    }
}

public sealed class SqliteStudyAnalysisFacts() : StudyAnalysisFacts(new SqliteTestDatabases());

public sealed class PostgreSqlStudyAnalysisFacts(PostgresServerFixture postgres)
    : StudyAnalysisFacts(new PostgreSqlTestDatabases(postgres.Server)), IClassFixture<PostgresServerFixture>;
