using Dapper;
using DoseWatch.Core.Analysis;
using DoseWatch.Core.Domain;
using DoseWatch.Data.Migrations;
using DoseWatch.Data.Repositories;
using DoseWatch.Tests;

namespace DoseWatch.Data.Tests.Analysis;

/// <summary>
/// Migration 0008 and what it serves: keyed default rules, patient history by pseudonym, alert markers, assignment,
/// webhook idempotency records and e-mail flood counts, on a real SQLite file and a real PostgreSQL 15 server.
/// </summary>
public abstract class AlertWorkflowRepositoryFacts(ITestDatabases databases) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await databases.DisposeAsync();

    private readonly StepClock _clock = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
    private static readonly DeviceIdentity Room = new("ACME", "Angio 1", "XA1", "SN7", null);

    private async Task<IDbConnectionFactory> NewDatabaseAsync(int? upTo = null)
    {
        var factory = await databases.NewDatabaseAsync();
        var catalog = MigrationCatalog.Embedded(databases.Provider);
        await new MigrationRunner(factory, upTo is null ? catalog : new MigrationCatalog(catalog.Scripts.Where(m => m.Version <= upTo))).MigrateAsync();
        return factory;
    }

    private static AlertCandidate Candidate(Rule rule, string study, string? ev) =>
        new(study, ev, rule, "doserp", 5.5, 5, "Gy", $"Cumulative on {study}", AlertEvidence.Of(null));

    private static Study Study(string uid, DateOnly date) => new(uid, null, date, null, "XA", "ANGIO", PatientCharacteristics.Unknown, Room);

    [Fact]
    public async Task A_release_with_a_new_default_rule_adds_it_to_an_installation_seeded_before_0008()
    {
        var factory = await NewDatabaseAsync(upTo: 5);
        // An installation of the first release: its defaults stored by 0005's seeding (no seed_key column yet).
        var firstRelease = DefaultRules.All.Where(r => r.Parameter(RuleParameters.Quantity) is not ("dap" or "fluorotime") || r.Type != RuleType.CumulativeDose).ToList();
        await using (var connection = await factory.OpenAsync())
            foreach (var rule in firstRelease)
            {
                var id = await connection.ExecuteScalarAsync<long>("""
                    INSERT INTO rules (name, type, parameters, enabled, created_at, updated_at) VALUES (@Name, @Type, '{}', 1, @now, @now) RETURNING id
                    """, new { rule.Name, Type = rule.Type.ToWire(), now = _clock.Now });
                await connection.ExecuteAsync("INSERT INTO rule_changes (rule_id, changed_at, changed_by, change, after_json) VALUES (@id, @now, 'system', 'created', '{}')",
                    new { id, now = _clock.Now });
            }
        await new MigrationRunner(factory, MigrationCatalog.Embedded(databases.Provider)).MigrateAsync();
        var rules = new RuleRepository(factory, _clock);
        var renamed = (await rules.ListAsync()).First(r => r.Name == "Cumulative Ka,r over 12 weeks");
        Assert.True(await rules.UpdateAsync(renamed with { Name = "Cumulative air kerma (site name)" }, "physicist"));

        Assert.Equal(DefaultRules.All.Count - firstRelease.Count, await rules.SeedAsync(DefaultRules.All));
        Assert.Equal(0, await rules.SeedAsync(DefaultRules.All));
        var names = (await rules.ListAsync()).Select(r => r.Name).ToList();
        Assert.Equal(DefaultRules.All.Count, names.Count);
        Assert.Contains("Cumulative DAP over 12 weeks", names);
        Assert.DoesNotContain("Cumulative Ka,r over 12 weeks", names); // renamed, not brought back
    }

    [Fact]
    public async Task Patient_history_is_the_same_pseudonyms_other_studies_in_the_date_range()
    {
        var factory = await NewDatabaseAsync();
        var doses = new DoseRecordRepository(factory, _clock);
        (string Uid, DateOnly Date, string? Pseudonym, double Gy)[] studies =
        [
            ("now", new DateOnly(2026, 3, 1), "P1", 1), ("jan", new DateOnly(2026, 1, 10), "P1", 2), ("old", new DateOnly(2025, 12, 7), "P1", 4),
            ("other", new DateOnly(2026, 2, 1), "P2", 8), ("anon", new DateOnly(2026, 2, 1), null, 16),
        ];
        foreach (var (uid, date, _, gy) in studies)
        {
            IrradiationEvent ev = new() { EventUid = uid + ".1", Source = DoseSourceKind.ProjectionRdsr, AcquisitionType = DoseEvents.Fluoroscopy, DoseRpGy = gy, DapGyCm2 = 10 * gy };
            await doses.SaveAsync(new ExtractionResult(ExtractionKind.DoseObject, new SourceInstance("1.2.840.10008.5.1.4.1.1.88.67", uid + ".9", null, "XA"),
                Study(uid, date), [ev], AccumulatedDose.None, [], []));
        }
        await using (var connection = await factory.OpenAsync())
            foreach (var (uid, _, pseudonym, _) in studies)
                await connection.ExecuteAsync("UPDATE studies SET patient_pseudonym = @pseudonym WHERE study_instance_uid = @uid", new { pseudonym, uid });
        var protocols = new ProtocolRepository(factory, _clock);

        var history = await protocols.PatientHistoryAsync("now", new DateOnly(2025, 12, 8), new DateOnly(2026, 3, 1));
        var jan = Assert.Single(history);
        Assert.Equal(("jan", new DateOnly(2026, 1, 10), 2.0, 20.0), (jan.StudyInstanceUid, jan.StudyDate!.Value, jan.Events.Single().DoseRpGy!.Value, jan.Events.Single().DapGyCm2!.Value));
        Assert.Equal(["jan", "old"], (await protocols.PatientHistoryAsync("now", new DateOnly(2025, 12, 7), new DateOnly(2026, 3, 1))).Select(h => h.StudyInstanceUid).Order());
        Assert.Empty(await protocols.PatientHistoryAsync("anon", new DateOnly(2000, 1, 1), new DateOnly(2030, 1, 1))); // no pseudonym, no patient
        Assert.Empty(await protocols.PatientHistoryAsync("other", new DateOnly(2000, 1, 1), new DateOnly(2030, 1, 1)));
    }

    /// <summary>
    /// Issue #18: a patient with many studies in the window (a QA phantom sent daily under one patient ID) is kept in
    /// memory like a device's history: every list equals the repository's own query, and a second analysis reads only
    /// what changed. A patient with a few studies is read whole each time and not kept.
    /// </summary>
    [Fact]
    public async Task The_history_cache_gives_a_patients_studies_as_the_query_does_and_reads_a_large_history_once()
    {
        var factory = await NewDatabaseAsync();
        var doses = new DoseRecordRepository(factory, _clock);
        var phantom = Enumerable.Range(0, StudyHistoryCache.PatientCachedFrom + 8).Select(i => ($"ph.{i}", new DateOnly(2026, 1, 1).AddDays(i), "PHANTOM")).ToList();
        (string Uid, DateOnly Date, string? Pseudonym)[] studies = [.. phantom, ("p2.a", new DateOnly(2026, 1, 5), "P2"), ("p2.b", new DateOnly(2026, 1, 9), "P2"),
            ("p2.c", new DateOnly(2026, 1, 20), "P2"), ("anon", new DateOnly(2026, 1, 5), null)];
        async Task SaveAsync(string uid, DateOnly date, double gy)
        {
            IrradiationEvent ev = new() { EventUid = uid + ".1", Source = DoseSourceKind.ProjectionRdsr, AcquisitionType = DoseEvents.Fluoroscopy, DoseRpGy = gy, DapGyCm2 = 10 * gy };
            await doses.SaveAsync(new ExtractionResult(ExtractionKind.DoseObject, new SourceInstance("1.2.840.10008.5.1.4.1.1.88.67", uid + ".9", null, "XA"),
                Study(uid, date), [ev], AccumulatedDose.None, [], []));
        }
        foreach (var (uid, date, _) in studies) await SaveAsync(uid, date, 1);
        await using (var connection = await factory.OpenAsync())
            foreach (var (uid, _, pseudonym) in studies)
                await connection.ExecuteAsync("UPDATE studies SET patient_pseudonym = @pseudonym WHERE study_instance_uid = @uid", new { pseudonym, uid });
        var protocols = new ProtocolRepository(factory, _clock);
        var cache = new StudyHistoryCache(protocols);

        async Task<IReadOnlyList<HistoricalStudy>> SameAsQueryAsync(string study, DateOnly from, DateOnly to)
        {
            var own = await protocols.PatientHistoryAsync(study, from, to);
            var cached = await cache.PatientHistoryAsync(study, from, to);
            Assert.Equal(own.Select(h => h.StudyInstanceUid), cached.Select(h => h.StudyInstanceUid));
            Assert.Equal(own.Select(h => h.Events.Single().DoseRpGy), cached.Select(h => h.Events.Single().DoseRpGy));
            return own;
        }

        var all = (new DateOnly(2025, 1, 1), new DateOnly(2027, 1, 1));
        Assert.Equal(phantom.Count - 1, (await SameAsQueryAsync("ph.39", all.Item1, all.Item2)).Count);
        Assert.Equal(phantom.Count - 1, cache.StudiesRead);
        // The next analysis of the phantom reads only the study the first one left out (it was the one analysed).
        await SameAsQueryAsync("ph.38", all.Item1, all.Item2);
        Assert.Equal(phantom.Count, cache.StudiesRead);
        // A study saved again is read again, and only it; a narrower window is read from memory.
        await SaveAsync("ph.3", new DateOnly(2026, 1, 4), 7);
        Assert.Equal(7, (await SameAsQueryAsync("ph.39", all.Item1, all.Item2)).Single(h => h.StudyInstanceUid == "ph.3").Events.Single().DoseRpGy);
        Assert.Equal(phantom.Count + 1, cache.StudiesRead);
        Assert.Equal(9, (await SameAsQueryAsync("ph.39", new DateOnly(2026, 1, 31), new DateOnly(2026, 2, 9))).Count);
        Assert.Equal(phantom.Count + 1 + 9, cache.StudiesRead); // below the threshold: read whole, not kept

        // A patient with three studies: read whole every time.
        var before = cache.StudiesRead;
        Assert.Equal(["p2.b", "p2.a"], (await SameAsQueryAsync("p2.c", all.Item1, all.Item2)).Select(h => h.StudyInstanceUid));
        await SameAsQueryAsync("p2.c", all.Item1, all.Item2);
        Assert.Equal(before + 4, cache.StudiesRead);
        Assert.Empty(await SameAsQueryAsync("anon", all.Item1, all.Item2));
    }

    [Fact]
    public async Task Markers_list_open_alerts_of_the_asked_studies_only_across_chunks()
    {
        var factory = await NewDatabaseAsync();
        var rule = await new RuleRepository(factory, _clock).CreateAsync(DefaultRules.All[0], "lead");
        var alerts = new AlertRepository(factory, _clock);
        var open = Assert.Single(await alerts.StoreAsync(Study("s1", default), [Candidate(rule, "s1", null)]));
        var acknowledged = Assert.Single(await alerts.StoreAsync(Study("s2", default), [Candidate(rule, "s2", "e1")]));
        var resolved = Assert.Single(await alerts.StoreAsync(Study("s3", default), [Candidate(rule, "s3", null)]));
        Assert.Single(await alerts.StoreAsync(Study("s4", default), [Candidate(rule, "s4", null)])); // not asked for
        await alerts.AcknowledgeAsync(acknowledged, "qa", null);
        await alerts.ResolveAsync(resolved, "qa", "fine");

        // 1,200 UIDs: three chunks of at most 500.
        var asked = Enumerable.Range(0, 1197).Select(i => $"none.{i}").Concat(["s1", "s2", "s3"]).ToList();
        var marks = await alerts.OpenAlertsForStudiesAsync(asked);
        Assert.Equal(["s1", "s2"], marks.Keys.Order());
        Assert.Equal((open, (string?)null, "new", rule.Name, "Cumulative on s1"), marks["s1"].Select(m => (m.AlertId, m.EventUid, m.Status, m.RuleName, m.Message)).Single());
        Assert.Equal((acknowledged, "e1", "acknowledged"), marks["s2"].Select(m => (m.AlertId, m.EventUid, m.Status)).Single());
        Assert.Empty(await alerts.OpenAlertsForStudiesAsync([]));
    }

    [Fact]
    public async Task Assignment_is_stored_with_who_and_when_and_filters_the_list()
    {
        var factory = await NewDatabaseAsync();
        var rule = await new RuleRepository(factory, _clock).CreateAsync(DefaultRules.All[0], "lead");
        var alerts = new AlertRepository(factory, _clock);
        var id = Assert.Single(await alerts.StoreAsync(Study("s1", default), [Candidate(rule, "s1", null)]));
        Assert.Single(await alerts.StoreAsync(Study("s2", default), [Candidate(rule, "s2", null)]));
        _clock.Now = _clock.Now.AddMinutes(3);
        Assert.Equal(AlertTransition.Done, await alerts.AssignAsync(id, "physicist", "qa.jones"));
        Assert.Equal(AlertTransition.NotFound, await alerts.AssignAsync(999_999, "physicist", "qa.jones"));

        var stored = (await alerts.GetAsync(id))!;
        Assert.Equal(("qa.jones", "physicist", _clock.Now), (stored.Assignee, stored.AssignedBy, stored.AssignedAt!.Value));
        Assert.Equal([id], (await alerts.ListAsync(new AlertQuery(Assignee: "qa.jones"))).Items.Select(a => a.Id));
        Assert.Equal(("assigned", "physicist", "qa.jones"), (await alerts.HistoryAsync(id)).Select(h => (h.Action, h.Actor, h.Comment)).Last());
    }

    [Fact]
    public async Task A_timeline_lists_one_protocols_or_devices_alerts_newest_first_and_counts_them_per_week_and_type()
    {
        var factory = await NewDatabaseAsync();
        var ruleStore = new RuleRepository(factory, _clock);
        var defaults = DefaultRules.All.DistinctBy(r => r.Type).Take(2).ToList();
        var (first, second) = (await ruleStore.CreateAsync(defaults[0], "lead"), await ruleStore.CreateAsync(defaults[1], "lead"));
        var alerts = new AlertRepository(factory, _clock);
        var otherRoom = new DeviceIdentity("ACME", "Angio 2", "XA2", "SN8", null);
        AlertCandidate Of(Rule rule, string study, string protocol) =>
            new(study, null, rule, "dap", 12, 10, "Gy·cm²", $"{rule.Name} on {study}", new AlertEvidence(protocol, "raw " + protocol, new Dictionary<string, string>(), []));

        // 2026-03-01 is a Sunday (week of Monday 23 Feb); a day later starts the week of 2 March.
        var a1 = Assert.Single(await alerts.StoreAsync(Study("s1", default), [Of(first, "s1", "Cardiac")]));
        _clock.Now = _clock.Now.AddDays(1);
        var a2 = Assert.Single(await alerts.StoreAsync(Study("s2", default), [Of(first, "s2", "Cardiac")]));
        _clock.Now = _clock.Now.AddHours(1);
        var a3 = Assert.Single(await alerts.StoreAsync(Study("s3", default), [Of(second, "s3", "Cardiac")]));
        var elsewhere = await alerts.StoreAsync(Study("s4", default) with { Device = otherRoom }, [Of(first, "s4", "Cardiac"), Of(second, "s4", "Neuro")]);
        Assert.Equal(2, elsewhere.Count);

        var cardiac = await alerts.TimelineAsync(new AlertScope(StandardProtocol: "Cardiac"));
        Assert.Equal(4, cardiac.Total);
        Assert.Equal([elsewhere[0], a3, a2, a1], cardiac.Recent.Select(a => a.Id)); // same instant: higher id first
        var (monday1, monday2) = (new DateOnly(2026, 2, 23), new DateOnly(2026, 3, 2));
        Assert.Equal([(monday1, first.Type.ToWire(), 1), (monday2, first.Type.ToWire(), 2), (monday2, second.Type.ToWire(), 1)],
            cardiac.Weeks.Select(w => (w.Monday, w.Type, w.Count)).OrderBy(w => w.Monday).ThenBy(w => w.Item2 == first.Type.ToWire() ? 0 : 1));

        var room = await alerts.TimelineAsync(new AlertScope(DeviceKey: Room.Key), limit: 2);
        Assert.Equal(3, room.Total);
        Assert.Equal([a3, a2], room.Recent.Select(a => a.Id));
        Assert.Equal(3, room.Weeks.Sum(w => w.Count)); // counted over all, not only the listed ones
        var neuroThere = await alerts.TimelineAsync(new AlertScope("Neuro", otherRoom.Key));
        Assert.Equal(("Neuro", otherRoom.Key, "Gy·cm²", 12.0, 10.0), neuroThere.Recent.Select(a => (a.StandardProtocol!, a.DeviceKey, a.Unit, a.Value!.Value, a.Threshold!.Value)).Single());
        Assert.Equal(0, (await alerts.TimelineAsync(new AlertScope(StandardProtocol: "Unknown"))).Total);
        await Assert.ThrowsAsync<ArgumentException>(() => alerts.TimelineAsync(new AlertScope()));
    }

    [Fact]
    public async Task An_ended_subscription_is_no_longer_listed_nor_delivered_to_and_its_past_deliveries_stay()
    {
        var factory = await NewDatabaseAsync();
        var rule = await new RuleRepository(factory, _clock).CreateAsync(DefaultRules.All[0], "lead");
        var alerts = new AlertRepository(factory, _clock);
        var kept = await alerts.AddSubscriptionAsync(new AlertSubscription(0, "email", "kept@example.org", DeviceKey: Room.Key, DigestMinutes: 5));
        var ended = await alerts.AddSubscriptionAsync(new AlertSubscription(0, "webhook", "http://127.0.0.1:9/hook", Modality: "XA"));
        var before = Assert.Single(await alerts.StoreAsync(Study("s1", default), [Candidate(rule, "s1", null)]));

        Assert.True(await alerts.EndSubscriptionAsync(ended.Id));
        Assert.False(await alerts.EndSubscriptionAsync(ended.Id));
        Assert.False(await alerts.EndSubscriptionAsync(999_999));
        Assert.Equal([kept], await alerts.ListSubscriptionsAsync());
        var after = Assert.Single(await alerts.StoreAsync(Study("s2", default), [Candidate(rule, "s2", null)]));
        Assert.Equal(["email"], (await alerts.DeliveriesOfAsync(after)).Select(d => d.Channel));
        Assert.Equal(["email", "webhook"], (await alerts.DeliveriesOfAsync(before)).Select(d => d.Channel).Order());
    }

    [Fact]
    public async Task Deliveries_carry_a_stable_idempotency_key_the_accepting_status_and_flood_counts()
    {
        var factory = await NewDatabaseAsync();
        var rule = await new RuleRepository(factory, _clock).CreateAsync(DefaultRules.All[0], "lead");
        var alerts = new AlertRepository(factory, _clock);
        var hook = await alerts.AddSubscriptionAsync(new AlertSubscription(0, "webhook", "http://127.0.0.1:9/hook"));
        var mail = await alerts.AddSubscriptionAsync(new AlertSubscription(0, "email", "qa@example.org", DigestMinutes: 5));
        var id = Assert.Single(await alerts.StoreAsync(Study("s1", default), [Candidate(rule, "s1", null)]));
        var deliveries = await alerts.DeliveriesOfAsync(id);
        var webhook = deliveries.Single(d => d.Channel == "webhook");
        Assert.Equal($"dosewatch-alert-{id}-{hook.Id}", webhook.IdempotencyKey);

        await alerts.MarkAttemptFailedAsync([webhook.Id], "timeout", _clock.Now.AddSeconds(30));
        Assert.Equal(webhook.IdempotencyKey, (await alerts.DeliveriesOfAsync(id)).Single(d => d.Channel == "webhook").IdempotencyKey); // same on retry
        await alerts.MarkSentAsync([webhook.Id], 202);
        Assert.Equal((DeliveryStatuses.Sent, (int?)202), (await alerts.DeliveriesOfAsync(id)).Where(d => d.Channel == "webhook").Select(d => (d.Status, d.AcceptedStatus)).Single());

        var pending = Assert.Single(await alerts.PendingMailsToAsync("qa@example.org"));
        Assert.Equal((id, _clock.Now, _clock.Now.AddMinutes(5), true), (pending.AlertId, pending.CreatedAt, pending.DueAt, pending.HeldBySubscription));
        Assert.Equal(0, await alerts.SentToSinceAsync("email", "qa@example.org", _clock.Now.AddMinutes(-10)));
        _clock.Now = _clock.Now.AddMinutes(5);
        await alerts.MarkSentAsync([pending.DeliveryId]);
        Assert.Equal(1, await alerts.SentToSinceAsync("email", "qa@example.org", _clock.Now.AddMinutes(-10)));
        Assert.Equal(0, await alerts.SentToSinceAsync("email", "qa@example.org", _clock.Now)); // sent_at is not after now
        Assert.Empty(await alerts.PendingMailsToAsync("qa@example.org"));
        Assert.NotEqual(0, mail.Id);
    }
}

public sealed class SqliteAlertWorkflowRepositoryFacts() : AlertWorkflowRepositoryFacts(new SqliteTestDatabases());

public sealed class PostgreSqlAlertWorkflowRepositoryFacts(PostgresServerFixture postgres)
    : AlertWorkflowRepositoryFacts(new PostgreSqlTestDatabases(postgres.Server)), IClassFixture<PostgresServerFixture>;
