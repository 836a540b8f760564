using System.Text.Json;
using DoseWatch.Core.Analysis;
using DoseWatch.Core.Domain;
using DoseWatch.Data.Migrations;
using DoseWatch.Data.Repositories;
using DoseWatch.Tests;

namespace DoseWatch.Data.Tests.Analysis;

/// <summary>Rules, protocols and alerts (migrations/0005) on a real SQLite file and a real PostgreSQL 15 server.</summary>
public abstract class AnalysisRepositoryFacts(ITestDatabases databases) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await databases.DisposeAsync();

    private readonly StepClock _clock = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));

    private async Task<IDbConnectionFactory> NewDatabaseAsync()
    {
        var factory = await databases.NewDatabaseAsync();
        await new MigrationRunner(factory, MigrationCatalog.Embedded(databases.Provider)).MigrateAsync();
        return factory;
    }

    private static readonly DeviceIdentity Scanner = new("ACME", "CT 9000", "CT1", "SN1", null);

    private static Study Study(string uid, string modality = "CT") =>
        new(uid, null, new DateOnly(2026, 2, 1), null, modality, "CT CHEST", PatientCharacteristics.Unknown, Scanner);

    [Fact]
    public async Task Default_rules_are_seeded_once_and_every_edit_is_audited()
    {
        var rules = new RuleRepository(await NewDatabaseAsync(), _clock);
        Assert.Equal(DefaultRules.All.Count, await rules.SeedAsync(DefaultRules.All));
        Assert.Equal(0, await rules.SeedAsync(DefaultRules.All));
        var stored = await rules.ListAsync();
        Assert.Equal(DefaultRules.All.Select(r => (r.Name, r.Type, r.Scope, r.Threshold, r.Unit, r.Enabled)), stored.Select(r => (r.Name, r.Type, r.Scope, r.Threshold, r.Unit, r.Enabled)));
        Assert.All(stored.Zip(DefaultRules.All), p => Assert.Equal(p.Second.Parameters.OrderBy(x => x.Key), p.First.Parameters.OrderBy(x => x.Key)));

        var outlier = stored.First(r => r.Type == RuleType.DoseOutlier);
        _clock.Now = _clock.Now.AddHours(1);
        Assert.True(await rules.UpdateAsync(outlier with { Threshold = 4.0 }, "physicist"));
        Assert.True(await rules.UpdateAsync(outlier with { Threshold = 4.0 }, "physicist")); // unchanged: no audit row
        Assert.True(await rules.UpdateAsync(outlier with { Threshold = 4.0, Enabled = false }, "lead"));
        Assert.False(await rules.UpdateAsync(outlier with { Id = 999_999 }, "nobody"));

        var changes = await rules.ChangesAsync(outlier.Id);
        Assert.Equal([("created", "system"), ("updated", "physicist"), ("disabled", "lead")], changes.Select(c => (c.Change, c.ChangedBy)));
        Assert.Equal(outlier.Threshold, JsonDocument.Parse(changes[1].BeforeJson!).RootElement.GetProperty("Threshold").GetDouble());
        Assert.Equal(4.0, JsonDocument.Parse(changes[1].AfterJson).RootElement.GetProperty("Threshold").GetDouble());
        Assert.Equal(_clock.Now, changes[2].ChangedAt);
        Assert.Equal((4.0, false), ((await rules.GetAsync(outlier.Id))!.Threshold, (await rules.GetAsync(outlier.Id))!.Enabled));
    }

    [Fact]
    public async Task Nodes_seeding_together_store_the_default_rules_once()
    {
        var factory = await NewDatabaseAsync();
        var added = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => new RuleRepository(factory, _clock).SeedAsync(DefaultRules.All))));
        Assert.Equal([0, 0, 0, DefaultRules.All.Count], added.Order());
        Assert.Equal(DefaultRules.All.Count, (await new RuleRepository(factory, _clock).ListAsync()).Count);
    }

    [Fact]
    public async Task Protocol_catalogue_review_queue_and_references_round_trip()
    {
        var protocols = new ProtocolRepository(await NewDatabaseAsync(), _clock);
        await protocols.SaveStandardProtocolAsync(new StandardProtocol("Chest", "CT", new HashSet<string> { Scanner.Key }));
        await protocols.SaveStandardProtocolAsync(new StandardProtocol("Head", "CT", new HashSet<string>()));
        await protocols.MapAsync("THORAX ROUTINE", ProtocolNameSource.AcquisitionProtocol, "", "Chest", "physicist");
        await protocols.RecordUnmappedAsync("Hd w/o 5mm", ProtocolNameSource.AcquisitionProtocol, Scanner.Key, "CT", _clock.Now);
        await protocols.RecordUnmappedAsync("HD W/O", ProtocolNameSource.AcquisitionProtocol, Scanner.Key, "CT", _clock.Now.AddMinutes(5));

        var catalogue = await protocols.LoadCatalogueAsync();
        var chest = catalogue.Resolve(Scanner.Key, "Thorax routine", null).Standard;
        Assert.Equal(("Chest", true, false), (chest?.Name, chest?.IsApprovedOn(Scanner.Key), chest?.IsApprovedOn("other")));

        var item = Assert.Single(await protocols.ReviewQueueAsync()); // both spellings normalise to "hd without"
        Assert.Equal((2, _clock.Now, _clock.Now.AddMinutes(5)), (item.Name.Occurrences, item.Name.FirstSeen, item.Name.LastSeen));
        await protocols.MapAsync("hd w/o", ProtocolNameSource.AcquisitionProtocol, Scanner.Key, "Head", "physicist");
        Assert.Empty(await protocols.ReviewQueueAsync());

        var learned = new ProtocolReference
        {
            StandardProtocol = "Chest", DeviceKey = Scanner.Key, TargetRegion = new ConceptCode("51185008", "SCT", "Chest"),
            KvpSet = new HashSet<double> { 100, 120 }, PitchFactor = new ValueRange(0.8, 1.2), EventCount = new ValueRange(1, 2), SampleSize = 40,
        };
        Assert.True(await protocols.SaveReferenceAsync(learned));
        Assert.Equal(learned.KvpSet, Assert.Single(await protocols.ListReferencesAsync()).KvpSet);
        var edited = learned with { KvpSet = new HashSet<double> { 120 }, EditedBy = "physicist" };
        Assert.True(await protocols.SaveReferenceAsync(edited));
        Assert.False(await protocols.SaveReferenceAsync(learned)); // relearning never overwrites a physicist's edit
        var stored = Assert.Single(await protocols.ListReferencesAsync());
        Assert.Equal((edited.TargetRegion, edited.PitchFactor, edited.EventCount, (ValueRange?)null, 40, "physicist"),
            (stored.TargetRegion, stored.PitchFactor, stored.EventCount, stored.CtdiVolMGy, stored.SampleSize, stored.EditedBy));
        Assert.Equal(new HashSet<double> { 120 }, stored.KvpSet);
    }

    [Fact]
    public async Task The_history_cache_gives_each_study_what_its_own_query_gives_and_reads_only_studies_that_changed()
    {
        var factory = await NewDatabaseAsync();
        var doses = new DoseRecordRepository(factory, _clock);
        // Eight studies of one device: two sharing a date and time (ordered by UID), one without a date, and one of another
        // device that no history may contain.
        (string Uid, DateOnly? Date, TimeOnly? Time, DeviceIdentity Device)[] studies =
        [
            ("1.3.1", new DateOnly(2026, 1, 1), new TimeOnly(8, 0), Scanner), ("1.3.2", new DateOnly(2026, 1, 3), new TimeOnly(8, 0), Scanner),
            ("1.3.3", new DateOnly(2026, 1, 2), new TimeOnly(9, 0), Scanner), ("1.3.4", new DateOnly(2026, 1, 3), new TimeOnly(8, 0), Scanner),
            ("1.3.5", null, null, Scanner), ("1.3.6", new DateOnly(2026, 1, 5), new TimeOnly(7, 0), Scanner),
            ("1.3.7", new DateOnly(2026, 1, 4), new TimeOnly(23, 59), Scanner), ("1.3.8", new DateOnly(2026, 1, 6), null, Scanner),
            ("1.3.9", new DateOnly(2026, 1, 9), new TimeOnly(8, 0), Scanner with { StationName = "CT2", SerialNumber = "SN2" }),
        ];
        async Task SaveAsync(string uid, DateOnly? date, TimeOnly? time, DeviceIdentity device, double ctdiVol)
        {
            IrradiationEvent ev = new() { EventUid = uid + ".1", Source = DoseSourceKind.CtRdsr, Protocol = "Thorax", CtdiVolMGy = ctdiVol, DlpMGyCm = 300 };
            await doses.SaveAsync(new ExtractionResult(ExtractionKind.DoseObject, new SourceInstance("1.2.840.10008.5.1.4.1.1.88.67", uid + ".9", null, "CT"),
                Study(uid) with { StudyDate = date, StudyTime = time, Device = device }, [ev], AccumulatedDose.None, [], []));
        }
        foreach (var (uid, date, time, device) in studies) await SaveAsync(uid, date, time, device, 10);
        var protocols = new ProtocolRepository(factory, _clock);
        var cache = new StudyHistoryCache(protocols);

        async Task<List<HistoricalStudy>> SameAsOwnQueryAsync(string excluded)
        {
            var own = await protocols.DeviceHistoryAsync(Scanner.Key, "CT", excluded, 4);
            var cached = await cache.DeviceHistoryAsync(Scanner.Key, "CT", excluded, 4);
            Assert.Equal(own.Select(h => h.StudyInstanceUid), cached.Select(h => h.StudyInstanceUid));
            Assert.Equal(own.Select(h => h.Events.Single().CtdiVolMGy), cached.Select(h => h.Events.Single().CtdiVolMGy));
            return own.ToList();
        }

        foreach (var excluded in studies.Select(s => s.Uid).Append("not stored"))
        {
            var own = (await SameAsOwnQueryAsync(excluded)).Select(h => h.StudyInstanceUid).ToList();
            Assert.DoesNotContain(excluded, own);
            Assert.DoesNotContain("1.3.9", own);
            // Newest first among the dated ones (where the engines place a study without a date differs, and each engine's
            // own query decides it for both sides above).
            var dated = studies.Where(s => s.Date is not null && s.Device == Scanner).OrderByDescending(s => s.Date).ThenByDescending(s => s.Time ?? TimeOnly.MinValue)
                .ThenBy(s => s.Uid, StringComparer.Ordinal).Select(s => s.Uid).ToList();
            Assert.Equal(dated.Where(own.Contains), own.Where(dated.Contains));
        }
        Assert.Equal(["1.3.8", "1.3.6", "1.3.7", "1.3.2"], (await protocols.DeviceHistoryAsync(Scanner.Key, "CT", "1.3.5", 4)).Select(h => h.StudyInstanceUid));
        // Each study of the device's latest five read once, however many analyses asked.
        var read = cache.StudiesRead;
        Assert.InRange(read, 4, 5);

        // A study saved again (another object of it) is read again, and only it.
        await SaveAsync("1.3.6", new DateOnly(2026, 1, 5), new TimeOnly(7, 0), Scanner, 99);
        Assert.Equal(99, (await SameAsOwnQueryAsync("1.3.8")).Single(h => h.StudyInstanceUid == "1.3.6").Events.Single().CtdiVolMGy);
        Assert.Equal(read + 1, cache.StudiesRead);

        // A new latest study pushes the oldest out of the history; only the new one is read.
        await SaveAsync("1.3.10", new DateOnly(2026, 2, 1), new TimeOnly(7, 0), Scanner, 12);
        Assert.Contains("1.3.10", (await SameAsOwnQueryAsync("not stored")).Select(h => h.StudyInstanceUid));
        Assert.Equal(read + 2, cache.StudiesRead);
        Assert.Empty(await cache.DeviceHistoryAsync(Scanner.Key, "MR", "x", 4)); // another modality is another history
    }

    [Fact]
    public async Task National_drl_tables_are_seeded_per_country_and_editable()
    {
        var protocols = new ProtocolRepository(await NewDatabaseAsync(), _clock);
        var uk = NationalDrlTable.UnitedKingdom2022;
        var tables = await protocols.NationalDrlTablesAsync([uk]);
        Assert.Equal(uk.Rows.OrderBy(r => r.Examination, StringComparer.Ordinal), Assert.Single(tables).Rows.OrderBy(r => r.Examination, StringComparer.Ordinal));
        await protocols.SaveNationalDrlAsync("UK", "site 2026", uk.Rows[0] with { CtdiVolMGy = 40 });
        var again = Assert.Single(await protocols.NationalDrlTablesAsync([uk])); // not re-seeded over the edit
        Assert.Equal(40, again.Find(uk.Rows[0].Examination)!.CtdiVolMGy);
        Assert.Equal(uk.Rows.Count, again.Rows.Count);
    }

    [Fact]
    public async Task Device_history_reads_saved_studies_with_their_tube_voltages()
    {
        var factory = await NewDatabaseAsync();
        var doses = new DoseRecordRepository(factory, _clock);
        for (var i = 0; i < 3; i++)
        {
            var study = Study($"1.2.{i}") with { StudyDate = new DateOnly(2026, 1, 1 + i), StudyTime = new TimeOnly(9 + i, 30, 5) };
            IrradiationEvent ev = new()
            {
                EventUid = $"1.2.{i}.1", Source = DoseSourceKind.CtRdsr, Protocol = "Thorax", CtdiVolMGy = 10 + i, DlpMGyCm = 300,
                XRaySources = [new XRaySourceParameters("A", 100, 200, null, null), new XRaySourceParameters("B", 140, 100, null, null)], Kvp = 100,
            };
            await doses.SaveAsync(new ExtractionResult(ExtractionKind.DoseObject, new SourceInstance("1.2.840.10008.5.1.4.1.1.88.67", $"9.{i}", null, "CT"),
                study, [ev], AccumulatedDose.None, [], []));
        }
        var history = await new ProtocolRepository(factory, _clock).DeviceHistoryAsync(Scanner.Key, "CT", "1.2.1", 10);
        Assert.Equal(["1.2.0", "1.2.2"], history.Select(h => h.StudyInstanceUid).Order());
        var first = history.Single(h => h.StudyInstanceUid == "1.2.0");
        Assert.Equal((new DateOnly(2026, 1, 1), new TimeOnly(9, 30, 5), "CT CHEST"), (first.StudyDate!.Value, first.StudyTime, first.StudyDescription));
        Assert.Equal([100.0, 140.0], DoseEvents.Kvps(Assert.Single(first.Events)));
        Assert.Single(await new ProtocolRepository(factory, _clock).DeviceHistoryAsync(Scanner.Key, "CT", "none", 1)); // most recent only
        Assert.Empty(await new ProtocolRepository(factory, _clock).DeviceHistoryAsync(Scanner.Key, "MR", "none", 10));
    }

    private static AlertCandidate Candidate(Rule rule, string study, string? ev, double value) =>
        new(study, ev, rule, "ctdivol", value, 35, "mGy", $"CTDIvol {value}", AlertEvidence.Of(null, ("score", "7")).WithDistribution([9, 10, 11]));

    [Fact]
    public async Task Alerts_are_stored_once_per_study_event_and_rule_with_history_and_deliveries()
    {
        var factory = await NewDatabaseAsync();
        var rules = new RuleRepository(factory, _clock);
        var alerts = new AlertRepository(factory, _clock);
        await rules.SeedAsync(DefaultRules.All);
        var all = await rules.ListAsync();
        var outlier = all.First(r => r.Type == RuleType.DoseOutlier);
        var deviation = all.First(r => r.Type == RuleType.ProtocolDeviation);
        var everything = await alerts.AddSubscriptionAsync(new AlertSubscription(0, "webhook", "http://127.0.0.1:1/hook"));
        var outliersOnly = await alerts.AddSubscriptionAsync(new AlertSubscription(0, "email", "qa@example.org", RuleId: outlier.Id, DigestMinutes: 10));
        await alerts.AddSubscriptionAsync(new AlertSubscription(0, "email", "mr@example.org", Modality: "MR"));

        var study = Study("1.2.3");
        var first = await alerts.StoreAsync(study, [Candidate(outlier, "1.2.3", "e1", 80), Candidate(deviation, "1.2.3", null, 1)]);
        var second = await alerts.StoreAsync(study, [Candidate(outlier, "1.2.3", "e1", 80), Candidate(outlier, "1.2.3", "e2", 90)]);
        Assert.Equal(2, first.Count);
        var added = Assert.Single(second); // e1 existed; e2 is new

        var page = await alerts.ListAsync(new AlertQuery());
        Assert.Equal(3, page.Total);
        var stored = (await alerts.GetAsync(first[0]))!;
        Assert.Equal(("1.2.3", "e1", outlier.Id, "dose-outlier", (double?)80, (double?)35, "mGy", AlertStatuses.New, Scanner.Key, "CT"),
            (stored.StudyInstanceUid, stored.EventUid, stored.RuleId, stored.Type, stored.Value, stored.Threshold, stored.Unit, stored.Status, stored.DeviceKey, stored.Modality));
        Assert.Equal([9.0, 10, 11], JsonSerializer.Deserialize<AlertEvidence>(stored.EvidenceJson)!.Distribution);
        Assert.Null((await alerts.GetAsync(first[1]))!.EventUid);

        // Deliveries: the webhook gets all three, the outlier e-mail the two outliers (held 10 minutes), the MR e-mail none.
        var deliveries = await alerts.ListDeliveriesAsync();
        Assert.Equal(3, deliveries.Count(d => d.SubscriptionId == everything.Id));
        Assert.Equal([first[0], added], deliveries.Where(d => d.SubscriptionId == outliersOnly.Id).Select(d => d.AlertId));
        Assert.All(deliveries.Where(d => d.SubscriptionId == outliersOnly.Id), d => Assert.Equal(_clock.Now.AddMinutes(10), d.NextAttemptAt));
        Assert.Equal(3, (await alerts.DueDeliveriesAsync(_clock.Now)).Count);
        Assert.Equal(5, (await alerts.DueDeliveriesAsync(_clock.Now.AddMinutes(10))).Count);
    }

    [Fact]
    public async Task A_period_key_is_stored_once_whichever_study_carries_it()
    {
        var factory = await NewDatabaseAsync();
        var rules = new RuleRepository(factory, _clock);
        var alerts = new AlertRepository(factory, _clock);
        await rules.SeedAsync(DefaultRules.All);
        var drl = (await rules.ListAsync()).First(r => r.Type == RuleType.DrlExceeded);
        AlertCandidate Monthly(string study, string month) => Candidate(drl, study, $"{AlertCandidate.DrlMedianKeyPrefix}{Scanner.Key}:Head (acute stroke):{month}", 50);

        Assert.Single(await alerts.StoreAsync(Study("1.2.3"), [Monthly("1.2.3", "2026-01")]));
        Assert.Empty(await alerts.StoreAsync(Study("1.2.4"), [Monthly("1.2.4", "2026-01")])); // the month's alert exists on 1.2.3
        Assert.Single(await alerts.StoreAsync(Study("1.2.5"), [Monthly("1.2.5", "2026-02")]));
        // Analyses running at once: one of them stores March's alert (migration 0034's unique index), the others nothing and no error.
        var march = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() => alerts.StoreAsync(Study($"1.3.{i}"), [Monthly($"1.3.{i}", "2026-03")]))));
        Assert.Equal(1, march.Sum(m => m.Count));
        // An ordinary event key stays per study: the same event UID on another study is another alert.
        Assert.Single(await alerts.StoreAsync(Study("1.2.6"), [Candidate(drl, "1.2.6", "e1", 50)]));
        Assert.Single(await alerts.StoreAsync(Study("1.2.7"), [Candidate(drl, "1.2.7", "e1", 50)]));
        Assert.Equal(5, (await alerts.ListAsync(new AlertQuery())).Total); // January, February, March, and the two ordinary ones
    }

    [Fact]
    public async Task Lifecycle_is_enforced_and_every_step_is_kept()
    {
        var factory = await NewDatabaseAsync();
        var rules = new RuleRepository(factory, _clock);
        var alerts = new AlertRepository(factory, _clock);
        var rule = await rules.CreateAsync(DefaultRules.All[0], "lead");
        var id = Assert.Single(await alerts.StoreAsync(Study("1.2.3"), [Candidate(rule, "1.2.3", "e1", 1)]));
        var t0 = _clock.Now;

        _clock.Now = t0.AddMinutes(1);
        Assert.Equal(AlertTransition.Done, await alerts.AssignAsync(id, "lead", "qa1"));
        _clock.Now = t0.AddMinutes(2);
        Assert.Equal(AlertTransition.Done, await alerts.AcknowledgeAsync(id, "qa1", "looking"));
        Assert.Equal(AlertTransition.NotAllowed, await alerts.AcknowledgeAsync(id, "qa1", null));
        _clock.Now = t0.AddMinutes(3);
        Assert.Equal(AlertTransition.Done, await alerts.ResolveAsync(id, "qa1", "obese patient, protocol correct"));
        Assert.Equal(AlertTransition.NotAllowed, await alerts.ResolveAsync(id, "qa1", "again"));
        Assert.Equal(AlertTransition.NotFound, await alerts.ResolveAsync(id + 1000, "qa1", "x"));

        var alert = (await alerts.GetAsync(id))!;
        Assert.Equal((AlertStatuses.Resolved, "qa1", "obese patient, protocol correct", t0.AddMinutes(2), t0.AddMinutes(3)),
            (alert.Status, alert.Assignee, alert.Comment, alert.AcknowledgedAt!.Value, alert.ResolvedAt!.Value));
        Assert.Equal([("raised", "system", "new"), ("assigned", "lead", "new"), ("acknowledged", "qa1", "acknowledged"), ("resolved", "qa1", "resolved")],
            (await alerts.HistoryAsync(id)).Select(h => (h.Action, h.Actor, h.Status)));

        Assert.Single((await alerts.ListAsync(new AlertQuery(Status: "resolved", Type: rule.Type.ToWire(), From: t0))).Items);
        Assert.Empty((await alerts.ListAsync(new AlertQuery(Status: "new"))).Items);
        Assert.Empty((await alerts.ListAsync(new AlertQuery(From: t0.AddSeconds(1)))).Items);
        Assert.Empty((await alerts.ListAsync(new AlertQuery(Type: "dose-outlier"))).Items);
    }

    [Fact]
    public async Task Failed_deliveries_are_retried_then_marked_failed_and_never_dropped()
    {
        var factory = await NewDatabaseAsync();
        var rule = await new RuleRepository(factory, _clock).CreateAsync(DefaultRules.All[0], "lead");
        var alerts = new AlertRepository(factory, _clock);
        await alerts.AddSubscriptionAsync(new AlertSubscription(0, "webhook", "http://127.0.0.1:9/hook"));
        await alerts.AddSubscriptionAsync(new AlertSubscription(0, "email", "qa@example.org"));
        await alerts.StoreAsync(Study("1.2.3"), [Candidate(rule, "1.2.3", "e1", 1)]);
        var due = await alerts.DueDeliveriesAsync(_clock.Now);
        var hook = due.Single(d => d.Channel == "webhook");
        var mail = due.Single(d => d.Channel == "email");

        await alerts.MarkAttemptFailedAsync([hook.Id], "connection refused", _clock.Now.AddSeconds(30));
        Assert.DoesNotContain(await alerts.DueDeliveriesAsync(_clock.Now), d => d.Id == hook.Id);
        Assert.Contains(await alerts.DueDeliveriesAsync(_clock.Now.AddSeconds(30)), d => d.Id == hook.Id);
        await alerts.MarkAttemptFailedAsync([hook.Id], "connection refused again", null);
        await alerts.MarkSentAsync([mail.Id]);

        var stored = await alerts.ListDeliveriesAsync();
        Assert.Equal((DeliveryStatuses.Failed, 2, "connection refused again"), stored.Where(d => d.Id == hook.Id).Select(d => (d.Status, d.Attempts, d.LastError)).Single());
        Assert.Equal((DeliveryStatuses.Sent, 1, (string?)null, _clock.Now), stored.Where(d => d.Id == mail.Id).Select(d => (d.Status, d.Attempts, d.LastError, d.SentAt!.Value)).Single());
        Assert.Empty(await alerts.DueDeliveriesAsync(_clock.Now.AddDays(1)));
    }
}

public sealed class SqliteAnalysisRepositoryFacts() : AnalysisRepositoryFacts(new SqliteTestDatabases());

public sealed class PostgreSqlAnalysisRepositoryFacts(PostgresServerFixture postgres)
    : AnalysisRepositoryFacts(new PostgreSqlTestDatabases(postgres.Server)), IClassFixture<PostgresServerFixture>;
