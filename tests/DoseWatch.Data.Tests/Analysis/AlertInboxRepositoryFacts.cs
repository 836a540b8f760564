using DoseWatch.Core.Abstractions;
using DoseWatch.Core.Analysis;
using DoseWatch.Core.Domain;
using DoseWatch.Data.Migrations;
using DoseWatch.Data.Repositories;
using DoseWatch.Tests;

namespace DoseWatch.Data.Tests.Analysis;

/// <summary>
/// The alert inbox at scale (issue #15 item 6, migration 0026): 540 alerts over three devices, two modalities, six types
/// and three statuses; every filter, paging past 200, counts per type and bulk acknowledgement are checked against the
/// same alerts filtered in the test with LINQ, on a real SQLite file and a real PostgreSQL server.
/// </summary>
public abstract class AlertInboxRepositoryFacts(ITestDatabases databases) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await databases.DisposeAsync();

    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly StepClock _clock = new(T0);

    private static readonly DeviceIdentity[] Devices =
    [
        new("ACME", "CT 9000", "CT1", "SN1", null),
        new("ACME", "CT 9000", "CT2", "SN2", null),
        new("Contoso", "Angio X", "XA1", "SN3", null),
    ];

    /// <summary>What the test knows of each alert it stored: the expected answer of every query is computed from these.</summary>
    private sealed record Known(long Id, string Type, string Modality, string DeviceKey, DateTimeOffset CreatedAt, string StudyUid)
    {
        public string Status { get; set; } = AlertStatuses.New;
    }

    private async Task<(AlertRepository Alerts, List<Known> Known)> SeedAsync()
    {
        var factory = await databases.NewDatabaseAsync();
        await new MigrationRunner(factory, MigrationCatalog.Embedded(databases.Provider)).MigrateAsync();
        var ruleRepository = new RuleRepository(factory, _clock);
        var rules = new List<Rule>();
        foreach (var type in Enum.GetValues<RuleType>())
            rules.Add(await ruleRepository.CreateAsync(new Rule(0, $"rule {type}", type, RuleScope.Everywhere, null, "mGy", new Dictionary<string, string>()), "lead"));
        var doses = new DoseRecordRepository(factory, _clock);
        var alerts = new AlertRepository(factory, _clock);
        var known = new List<Known>();
        // 9 studies (3 per device), 60 alerts each: a minute apart, the type cycling through the rules (one per rule type).
        for (var s = 0; s < 9; s++)
        {
            var device = Devices[s % 3];
            var modality = device.StationName == "XA1" ? "XA" : "CT";
            var uid = $"2.25.77.{s}";
            var study = new Study(uid, $"ACC{s:000}", new DateOnly(2026, 2, 1 + s), null, modality, "STUDY", PatientCharacteristics.Unknown, device);
            await doses.SaveAsync(new ExtractionResult(ExtractionKind.DoseObject, new SourceInstance("1.2.840.10008.5.1.4.1.1.88.67", uid + ".9", null, modality),
                study, [], AccumulatedDose.None, [], []));
            for (var e = 0; e < 60; e++)
            {
                _clock.Now = T0.AddMinutes(known.Count);
                var rule = rules[(s + e) % rules.Count];
                var id = Assert.Single(await alerts.StoreAsync(study, [new AlertCandidate(uid, $"{uid}.{e}", rule, "ctdivol", 10, 5, "mGy", "m", AlertEvidence.Of(null))]));
                known.Add(new Known(id, rule.Type.ToWire(), modality, device.Key, _clock.Now, uid));
            }
        }
        // Every fifth resolved, every seventh (not resolved) acknowledged.
        foreach (var k in known.Where((_, i) => i % 5 == 0)) { await alerts.ResolveAsync(k.Id, "qa", "done"); k.Status = AlertStatuses.Resolved; }
        foreach (var k in known.Where((k, i) => i % 7 == 0 && k.Status == AlertStatuses.New)) { await alerts.AcknowledgeAsync(k.Id, "qa", null); k.Status = AlertStatuses.Acknowledged; }
        return (alerts, known);
    }

    private static IEnumerable<Known> Newest(IEnumerable<Known> alerts) => alerts.OrderByDescending(k => k.CreatedAt).ThenByDescending(k => k.Id);

    [Fact]
    public async Task Every_filter_and_page_past_200_returns_what_the_alerts_say()
    {
        var (alerts, known) = await SeedAsync();
        Assert.Equal(540, known.Count);

        // No filter, 200 a page: three pages, the last one partial, together every alert once in order.
        var pages = new List<AlertPage>();
        for (var page = 1; page <= 3; page++) pages.Add(await alerts.ListAsync(new AlertQuery(Page: page, PageSize: 200)));
        Assert.All(pages, p => Assert.Equal((540L, 3), (p.Total, p.Pages)));
        Assert.Equal([200, 200, 140], pages.Select(p => p.Items.Count));
        Assert.Equal(Newest(known).Select(k => k.Id), pages.SelectMany(p => p.Items).Select(a => a.Id));
        Assert.Empty((await alerts.ListAsync(new AlertQuery(Page: 4, PageSize: 200))).Items);

        var ct2 = Devices[1].Key;
        var from = T0.AddMinutes(100);
        var before = T0.AddMinutes(400);
        AlertQuery[] cases =
        [
            new(Type: "drl-exceeded"),
            new(Status: AlertStatuses.New) { Modality = "CT" },
            new() { DeviceKey = ct2 },
            new(From: from) { Before = before },
            // With seven rule types, the acknowledged alerts (every seventh) of the CT2 studies cycle through protocol-deviation,
            // notification-value and cumulative-dose only: (study + event) mod 7 with minute = 60 × study + event.
            new(Status: AlertStatuses.Acknowledged, Type: "notification-value", From: from) { Modality = "CT", DeviceKey = ct2, Before = before },
            new() { Modality = "MR" },
        ];
        foreach (var query in cases)
        {
            var want = Newest(known.Where(k => Matches(query, k))).ToList();
            var got = await alerts.ListAsync(query with { PageSize = 500 });
            Assert.Equal((long)want.Count, got.Total);
            Assert.Equal(want.Select(k => k.Id), got.Items.Select(a => a.Id));
            // Counts per type under the same filters, the type filter left out.
            var wantCounts = known.Where(k => Matches(query with { Type = null }, k)).GroupBy(k => k.Type).ToDictionary(g => g.Key, g => (long)g.Count());
            Assert.Equal(wantCounts.OrderBy(x => x.Key), (await alerts.CountByTypeAsync(query)).OrderBy(x => x.Key));
        }
        Assert.Contains(known, k => Matches(cases[4], k)); // the narrowest filter still finds something

        // Page 2 of a filtered query continues where page 1 stopped.
        var ctNew = Newest(known.Where(k => k.Modality == "CT")).Select(k => k.Id).ToList();
        var second = await alerts.ListAsync(new AlertQuery(Page: 2, PageSize: 150) { Modality = "CT" });
        Assert.Equal(ctNew.Skip(150).Take(150), second.Items.Select(a => a.Id));

        // The page's studies come with date, accession and device.
        var first = pages[0].Items[0];
        var study = pages[0].Studies[first.StudyInstanceUid];
        var index = int.Parse(first.StudyInstanceUid.Split('.')[^1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal((new DateOnly(2026, 2, 1 + index), $"ACC{index:000}", Devices[index % 3].StationName + " · " + Devices[index % 3].Model + " · " + Devices[index % 3].Manufacturer),
            (study.StudyDate, study.AccessionNumber, study.DeviceLabel));
    }

    private static bool Matches(AlertQuery q, Known k) =>
        (q.Status is null || q.Status == k.Status) && (q.Type is null || q.Type == k.Type) && (q.Modality is null || q.Modality == k.Modality)
        && (q.DeviceKey is null || q.DeviceKey == k.DeviceKey) && (q.From is null || k.CreatedAt >= q.From) && (q.Before is null || k.CreatedAt < q.Before);

    [Fact]
    public async Task Bulk_acknowledge_moves_only_new_alerts_each_with_its_history()
    {
        var (alerts, known) = await SeedAsync();
        var chosen = known.Where(k => k.DeviceKey == Devices[2].Key).Take(250).ToList(); // more than one page of 200, mixed statuses
        _clock.Now = T0.AddDays(1);
        var moved = await alerts.AcknowledgeManyAsync(chosen.Select(k => k.Id).Append(999_999).ToList(), "qa.bulk", "reviewed in bulk");

        var expected = chosen.Where(k => k.Status == AlertStatuses.New).Select(k => k.Id).Order().ToList();
        Assert.NotEmpty(expected);
        Assert.NotEqual(chosen.Count, expected.Count); // some were acknowledged or resolved before and stay as they were
        Assert.Equal(expected, moved);
        foreach (var k in chosen)
        {
            var alert = (await alerts.GetAsync(k.Id))!;
            var wasNew = k.Status == AlertStatuses.New;
            Assert.Equal(wasNew ? AlertStatuses.Acknowledged : k.Status, alert.Status);
            if (wasNew)
            {
                Assert.Equal((_clock.Now, "reviewed in bulk"), (alert.AcknowledgedAt!.Value, alert.Comment));
                Assert.Equal(("acknowledged", "qa.bulk"), (await alerts.HistoryAsync(k.Id)).Select(h => (h.Action, h.Actor)).Last());
            }
        }
        Assert.Empty(await alerts.AcknowledgeManyAsync(expected, "qa.bulk", null)); // nothing new left among them
        Assert.Empty(await alerts.AcknowledgeManyAsync([], "qa.bulk", null));
    }
}

public sealed class SqliteAlertInboxRepositoryFacts() : AlertInboxRepositoryFacts(new SqliteTestDatabases());

public sealed class PostgreSqlAlertInboxRepositoryFacts(PostgresServerFixture postgres)
    : AlertInboxRepositoryFacts(new PostgreSqlTestDatabases(postgres.Server)), IClassFixture<PostgresServerFixture>;
