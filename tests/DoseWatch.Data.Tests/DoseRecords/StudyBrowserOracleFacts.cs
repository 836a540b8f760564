using System.Globalization;
using Dapper;
using DoseWatch.Data.Repositories;
using DoseWatch.Tests;

namespace DoseWatch.Data.Tests.DoseRecords;

/// <summary>
/// The study browser's dose range, dose and event sorts and raw protocol substring, now read from the stored study
/// summaries and the protocol index (migrations 0012/0013), against the correlated subqueries over each study's events
/// that they replaced (kept here as the oracle): the same study UIDs in the same order, and the same totals.
/// </summary>
public abstract class StudyBrowserOracleFacts(ITestDatabases databases) : MigratedDatabaseFacts(databases)
{
    private static readonly DateOnly Anchor = new(2026, 11, 20);

    // As DoseRecordRepository builds LIKE patterns from user text (a percent sign searches for a percent sign).
    private static string Like(string text) =>
        "%" + text.Trim().ToLowerInvariant().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";

    // Settable properties, not a positional record: SQLite reports a NULL first value as a blob column.
    private sealed class OracleRow
    {
        public string Uid { get; init; } = "";
        public double? Dose { get; init; }
    }

    private async Task<List<string>> OldStudyUidsAsync(StudyQuery query) => (await OldStudiesAsync(query)).Select(r => r.Uid).ToList();

    // The browser's SQL before migration 0012 for the filters and sorts that these queries exercise.
    private async Task<List<OracleRow>> OldStudiesAsync(StudyQuery query)
    {
        var where = new List<string>();
        var p = new DynamicParameters();
        if (query.Modality is not null)
        {
            where.Add("s.modality = @Modality");
            p.Add("Modality", query.Modality.Trim().ToUpperInvariant());
        }
        if (query.From is { } from)
        {
            where.Add("s.study_date >= @From");
            p.Add("From", from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }
        if (query.To is { } to)
        {
            where.Add("s.study_date <= @To");
            p.Add("To", to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }
        if (query.Protocol is not null)
        {
            where.Add("EXISTS (SELECT 1 FROM irradiation_events e WHERE e.study_instance_uid = s.study_instance_uid AND LOWER(e.protocol) LIKE @Protocol ESCAPE '\\')");
            p.Add("Protocol", Like(query.Protocol));
        }
        var direction = query.Descending ? "DESC" : "ASC";
        var tieBreak = $"s.study_date {direction}, s.study_time {direction}, s.study_instance_uid {direction}";
        var key = query.Sort switch
        {
            StudySort.Events => "(SELECT COUNT(*) FROM irradiation_events e WHERE e.study_instance_uid = s.study_instance_uid)",
            StudySort.Dose or StudySort.Date => null,
            var other => throw new ArgumentOutOfRangeException(nameof(query), other, "not an oracle sort"),
        };
        var order = key is null ? $"ORDER BY {tieBreak}" : $"ORDER BY CASE WHEN {key} IS NULL THEN 1 ELSE 0 END, {key} {direction}, {tieBreak}";
        await using var connection = await Factory.OpenAsync();
        var uids = (await connection.QueryAsync<string>(
            $"SELECT s.study_instance_uid AS Uid FROM studies s {(where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where))} {order}", p)).ToList();
        // The study dose as the study page reads it (the device's accumulated total where reported, #16): the range and
        // the dose sort applied here, a stable sort keeping the date tie-break of the SQL order.
        var headlines = await StudyHeadlines.ReadAsync(Factory);
        var rows = uids.Select(u => new OracleRow { Uid = u, Dose = headlines[u] })
            .Where(r => (query.DoseMin is null && query.DoseMax is null) || (r.Dose is { } d && d >= (query.DoseMin ?? double.MinValue) && d <= (query.DoseMax ?? double.MaxValue)));
        if (query.Sort == StudySort.Dose)
            rows = query.Descending ? rows.OrderBy(r => r.Dose is null).ThenByDescending(r => r.Dose) : rows.OrderBy(r => r.Dose is null).ThenBy(r => r.Dose);
        return rows.ToList();
    }

    private async Task<(List<string> Uids, long Total)> NewStudyUidsAsync(StudyQuery query)
    {
        var repository = new DoseRecordRepository(Factory);
        var uids = new List<string>();
        long total = -1;
        // Small pages, so that paging over the stored keys is exercised too.
        for (var page = 1; ; page++)
        {
            var result = await repository.ListStudiesAsync(query with { Page = page, PageSize = 7 });
            total = result.Total;
            uids.AddRange(result.Items.Select(i => i.Study.StudyInstanceUid));
            if (result.Items.Count < 7) break;
        }
        return (uids, total);
    }

    /// <summary>
    /// The same studies in the same order. PostgreSQL sums a study's events in heap order, so the old per-query sums
    /// and the stored ones may differ by a rounding step (StudySummaryFacts.Close): there a dose sort is only checked to
    /// be in dose order, equal doses in either order.
    /// </summary>
    private void AssertSameStudies(StudyQuery query, List<OracleRow> expected, List<string> actual)
    {
        Assert.Equal(expected.Select(r => r.Uid).Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));
        if (Factory.Provider == DatabaseProvider.Sqlite || query.Sort != StudySort.Dose)
        {
            Assert.Equal(expected.Select(r => r.Uid), actual);
            return;
        }
        var dose = expected.ToDictionary(r => r.Uid, r => r.Dose, StringComparer.Ordinal);
        foreach (var (a, b) in actual.Zip(actual.Skip(1)))
        {
            if (dose[b] is null) continue; // nulls last
            Assert.NotNull(dose[a]);
            var (first, second) = query.Descending ? (dose[b]!.Value, dose[a]!.Value) : (dose[a]!.Value, dose[b]!.Value);
            Assert.True(first <= second + 1e-9 * Math.Max(1, Math.Abs(second)), $"{a} ({dose[a]}) before {b} ({dose[b]})");
        }
    }

    private async Task<List<double>> CtDosesAsync()
    {
        var headlines = await StudyHeadlines.ReadAsync(Factory);
        await using var connection = await Factory.OpenAsync();
        var ct = await connection.QueryAsync<string>("SELECT study_instance_uid FROM studies WHERE modality = 'CT'");
        return ct.Select(u => headlines[u]).OfType<double>().Order().ToList();
    }

    private async Task SaveAllAsync()
    {
        var repository = new DoseRecordRepository(Factory);
        await SummaryScenarios.SaveHistoryAsync(repository, Anchor);
        await SummaryScenarios.SaveVariedAsync(repository);
    }

    public static TheoryData<string> ProtocolTexts => ["head", "HEAD", "a", "(no protocol)", "%", "_", "header only", "no such protocol", " Abdomen "];

    [SamplesTheory]
    [MemberData(nameof(ProtocolTexts))]
    public async Task The_protocol_substring_finds_the_studies_the_correlated_search_found(string text)
    {
        await SaveAllAsync();
        foreach (var query in new[] { new StudyQuery(Protocol: text), new StudyQuery(Modality: "ct", Protocol: text), new StudyQuery(From: Anchor.AddDays(-2), Protocol: text),
                     new StudyQuery(Modality: "CT", From: Anchor.AddDays(-6), To: Anchor.AddDays(-1), Protocol: text) })
        {
            var expected = await OldStudyUidsAsync(query);
            var (actual, total) = await NewStudyUidsAsync(query);
            Assert.Equal(expected, actual);
            Assert.Equal(expected.Count, total);
        }
    }

    [SamplesFact]
    public async Task The_protocol_data_has_matches_and_misses()
    {
        await SaveAllAsync();
        Assert.NotEmpty(await OldStudyUidsAsync(new StudyQuery(Protocol: "head")));
        Assert.NotEmpty(await OldStudyUidsAsync(new StudyQuery(Protocol: "(no protocol)")));
        Assert.Empty(await OldStudyUidsAsync(new StudyQuery(Protocol: "%")));
        Assert.True((await OldStudyUidsAsync(new StudyQuery(Protocol: "a"))).Count < (await OldStudyUidsAsync(new StudyQuery())).Count);
    }

    [SamplesFact]
    public async Task The_dose_range_and_sorts_give_the_studies_and_order_of_the_correlated_sums()
    {
        await SaveAllAsync();
        var doses = await CtDosesAsync();
        Assert.True(doses.Count > 10);
        // Bounds halfway between two distinct doses, so that no study sits on a bound a rounding step away.
        double Between(int i) => (doses[i] + doses.First(d => d > doses[i] + 1e-6)) / 2;
        var low = Between(doses.Count / 4);
        var high = Between(3 * doses.Count / 4);
        var queries = new List<StudyQuery>
        {
            new("CT") { DoseMin = low, DoseMax = high },
            new("ct") { DoseMin = low },
            new("CT") { DoseMax = high },
            new() { DoseMin = low, DoseMax = high }, // each study by its own modality's quantity
            new("DX") { DoseMin = 0 },
            new("CT", From: Anchor.AddDays(-3)) { DoseMin = low, Sort = StudySort.Dose },
        };
        foreach (var descending in new[] { true, false })
        {
            queries.Add(new StudyQuery("CT") { Sort = StudySort.Dose, Descending = descending });
            queries.Add(new StudyQuery() { Sort = StudySort.Dose, Descending = descending });
            queries.Add(new StudyQuery() { Sort = StudySort.Events, Descending = descending });
            queries.Add(new StudyQuery(Protocol: "a") { Sort = StudySort.Events, Descending = descending, DoseMin = low });
        }
        foreach (var query in queries)
        {
            var expected = await OldStudiesAsync(query);
            var (actual, total) = await NewStudyUidsAsync(query);
            AssertSameStudies(query, expected, actual);
            Assert.Equal(expected.Count, total);
        }
        Assert.NotEmpty(await OldStudyUidsAsync(queries[0]));

        // The exports read the same filter and order.
        var exported = new List<string>();
        await foreach (var study in new DoseRecordRepository(Factory).StreamStudiesAsync(queries[0] with { Sort = StudySort.Dose }, 10_000))
            exported.Add(study.Study.StudyInstanceUid);
        AssertSameStudies(queries[0] with { Sort = StudySort.Dose }, await OldStudiesAsync(queries[0] with { Sort = StudySort.Dose }), exported);
    }

    [SamplesFact]
    public async Task The_filter_choices_are_the_distinct_modalities_and_devices_of_the_studies()
    {
        await SaveAllAsync();
        await using var connection = await Factory.OpenAsync();
        // The grouping the skip scans replaced. A device key is built from its manufacturer, model, serial and station
        // (or its observer UID), so its studies describe it alike and the greatest is its latest.
        var modalities = (await connection.QueryAsync<string>("SELECT DISTINCT modality FROM studies WHERE modality IS NOT NULL ORDER BY modality")).ToList();
        var devices = (await connection.QueryAsync<(string, string?, string?, string?, string?)>("""
            SELECT device_key, MAX(modality), MAX(manufacturer), MAX(model), MAX(station_name)
            FROM studies WHERE device_key <> '' GROUP BY device_key ORDER BY MAX(station_name), device_key
            """)).ToList();

        var choices = await new DoseRecordRepository(Factory).FilterChoicesAsync();

        Assert.True(modalities.Count >= 3 && devices.Count >= 3);
        Assert.Equal(modalities, choices.Modalities);
        Assert.Equal(devices, choices.Devices.Select(d => (d.DeviceKey, d.Modality, d.Manufacturer, d.Model, d.StationName)));
    }

    [SamplesFact]
    public async Task A_devices_history_gives_each_study_its_stored_headline_dose()
    {
        await SaveAllAsync();
        await using var connection = await Factory.OpenAsync();
        var device = await connection.ExecuteScalarAsync<string>("SELECT device_key FROM studies WHERE modality = 'CT' AND device_key <> '' GROUP BY device_key ORDER BY COUNT(*) DESC, device_key LIMIT 1");
        var headlines = await StudyHeadlines.ReadAsync(Factory);
        var expected = (await connection.QueryAsync<string>("""
            SELECT s.study_instance_uid FROM studies s
            WHERE s.device_key = @device AND s.study_date >= @From AND s.study_date <= @To ORDER BY s.study_date DESC, s.study_instance_uid
            """, new { device, From = "2026-10-01", To = "2026-11-20" })).Select(u => (u, headlines[u])).ToList();

        var history = await new DoseRecordRepository(Factory).DeviceHistoryAsync(device!, new DateOnly(2026, 10, 1), Anchor);

        Assert.True(expected.Count > 1);
        Assert.Equal(expected.Select(e => e.Item1), history.Studies.Select(s => s.StudyInstanceUid));
        Assert.All(expected.Zip(history.Studies), x =>
        {
            Assert.Equal(x.First.Item2 is null, x.Second.Dose is null);
            if (x.First.Item2 is { } d) StudySummaryFacts.Close(d, x.Second.Dose!.Value);
        });
    }
}

public sealed class SqliteStudyBrowserOracleFacts() : StudyBrowserOracleFacts(new SqliteTestDatabases());

public sealed class PostgreSqlStudyBrowserOracleFacts(PostgresServerFixture postgres)
    : StudyBrowserOracleFacts(new PostgreSqlTestDatabases(postgres.Server)), IClassFixture<PostgresServerFixture>;
