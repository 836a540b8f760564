using System.Globalization;
using Dapper;
using DoseWatch.Data.Repositories;
using DoseWatch.Data.Tests.DoseRecords;
using DoseWatch.Tests;

namespace DoseWatch.Data.Tests.Dashboards;

/// <summary>
/// The dashboard queries that read the stored study summaries (migration 0012) against the SQL they replaced, which
/// joined studies to every event of the window: kept here, and only here, as the oracle. Same data, same answers,
/// including ties on day and start time, events without a protocol and the per-protocol limit.
/// </summary>
public abstract class DashboardSummaryOracleFacts(ITestDatabases databases) : MigratedDatabaseFacts(databases)
{
    private static readonly DateOnly Anchor = new(2026, 11, 20);

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private sealed record OldCount(string Protocol, long Events);

    private sealed record OldValue(string Protocol, string StudyInstanceUid, double? CtdiVolMGy, double? DlpMGyCm);

    // The query before the events carried their study's day and modality (commit 85dd6ab): rank every CT event of the
    // window per protocol through the join to studies.
    private async Task<List<string>> OldCtProtocolDosesAsync(DateOnly from, DateOnly to, int maximumProtocols, int maximumValues)
    {
        const string ctEvents = """
            FROM irradiation_events e JOIN studies s ON s.study_instance_uid = e.study_instance_uid
            WHERE s.modality = 'CT' AND s.study_date >= @From AND s.study_date <= @To
                AND (e.ctdivol_mgy IS NOT NULL OR e.dlp_mgy_cm IS NOT NULL) AND (e.acquisition_type_code IS NULL OR e.acquisition_type_code <> '113805')
            """;
        var p = new { From = Day(from), To = Day(to), DashboardRepository.NoProtocol, Protocols = maximumProtocols, Values = maximumValues };
        await using var connection = await Factory.OpenAsync();
        var counts = (await connection.QueryAsync<OldCount>($"""
            SELECT COALESCE(e.protocol, @NoProtocol) AS Protocol, COUNT(*) AS Events {ctEvents}
            GROUP BY COALESCE(e.protocol, @NoProtocol) ORDER BY Events DESC, Protocol LIMIT @Protocols
            """, p)).ToList();
        // Counts and values leave out localizers (DCM 113805), as the CT page does since #16 item 6: a protocol whose
        // events are all localizers (a Topogram) is not a CT protocol row at all.
        var values = (await connection.QueryAsync<OldValue>($"""
            SELECT Protocol, StudyInstanceUid, CtdiVolMGy, DlpMGyCm FROM (
                SELECT COALESCE(e.protocol, @NoProtocol) AS Protocol, e.study_instance_uid AS StudyInstanceUid, e.ctdivol_mgy AS CtdiVolMGy, e.dlp_mgy_cm AS DlpMGyCm,
                    ROW_NUMBER() OVER (PARTITION BY COALESCE(e.protocol, @NoProtocol)
                        ORDER BY s.study_date DESC, e.started_at DESC, e.study_instance_uid, e.event_uid) AS Recent
                {ctEvents}
            ) ranked WHERE Recent <= @Values
            """, p)).ToLookup(v => v.Protocol, StringComparer.Ordinal);
        return counts.Select(c => Comparable(c.Protocol, c.Events,
            values[c.Protocol].Where(v => v.CtdiVolMGy is not null).Select(v => (v.StudyInstanceUid, v.CtdiVolMGy!.Value)),
            values[c.Protocol].Where(v => v.DlpMGyCm is not null).Select(v => (v.StudyInstanceUid, v.DlpMGyCm!.Value)))).ToList();
    }

    // A protocol's values as a set: neither query promises an order within a protocol, only which events are kept.
    private static string Comparable(string protocol, long events, IEnumerable<(string, double)> ctdiVol, IEnumerable<(string, double)> dlp) =>
        string.Create(CultureInfo.InvariantCulture, $"{protocol} {events}: CTDIvol {string.Join(", ", ctdiVol.Order())}; DLP {string.Join(", ", dlp.Order())}");

    private static string Comparable(CtProtocolDoses p) => Comparable(p.Protocol, p.EventCount, p.CtdiVolStudyUids.Zip(p.CtdiVolMGy), p.DlpStudyUids.Zip(p.DlpMGyCm));

    [SamplesTheory]
    [InlineData(29, 1000, 2000)]
    [InlineData(29, 2, 3)]
    [InlineData(29, 20, 1)]
    [InlineData(5, 3, 7)]
    [InlineData(60, 1000, 5)]
    [InlineData(2, 1000, 4)]
    public async Task Ct_protocol_doses_are_those_of_the_join_over_every_event(int daysBack, int maximumProtocols, int maximumValues)
    {
        await SummaryScenarios.SaveHistoryAsync(new DoseRecordRepository(Factory), Anchor);
        var from = Anchor.AddDays(-daysBack);

        var expected = await OldCtProtocolDosesAsync(from, Anchor, maximumProtocols, maximumValues);
        var actual = await new DashboardRepository(Factory).CtProtocolDosesAsync(from, Anchor, maximumProtocols, maximumValues);

        Assert.NotEmpty(expected);
        Assert.Contains(expected, p => p.StartsWith(DashboardRepository.NoProtocol + " ", StringComparison.Ordinal) || maximumProtocols < 1000);
        Assert.Equal(expected, actual.Select(Comparable).ToList());
    }

    [SamplesFact]
    public async Task The_ct_values_kept_are_the_newest_even_when_the_limit_falls_inside_a_tie()
    {
        await SummaryScenarios.SaveHistoryAsync(new DoseRecordRepository(Factory), Anchor);
        // Per protocol, the events ranked as the oracle ranks them; a limit that cuts a run of events with the same day
        // and start time shows that the study and event UIDs break the tie the same way.
        await using var connection = await Factory.OpenAsync();
        var ties = (await connection.QueryAsync<(string Protocol, long Position)>("""
            SELECT protocol, position FROM (
                SELECT COALESCE(e.protocol, '') AS protocol, e.study_date AS day, e.started_at AS started,
                    ROW_NUMBER() OVER (PARTITION BY COALESCE(e.protocol, '') ORDER BY e.study_date DESC, e.started_at DESC, e.study_instance_uid, e.event_uid) AS position,
                    COUNT(*) OVER (PARTITION BY COALESCE(e.protocol, ''), e.study_date, e.started_at) AS same
                FROM irradiation_events e WHERE e.modality = 'CT' AND (e.ctdivol_mgy IS NOT NULL OR e.dlp_mgy_cm IS NOT NULL)
                    AND (e.acquisition_type_code IS NULL OR e.acquisition_type_code <> '113805')
            ) ranked WHERE same > 1 ORDER BY position
            """)).ToList();
        Assert.NotEmpty(ties);
        foreach (var limit in ties.Select(t => (int)t.Position).Distinct().Take(5))
        {
            var expected = await OldCtProtocolDosesAsync(Anchor.AddDays(-60), Anchor, 1000, limit);
            var actual = await new DashboardRepository(Factory).CtProtocolDosesAsync(Anchor.AddDays(-60), Anchor, 1000, limit);
            Assert.Equal(expected, actual.Select(Comparable).ToList());
        }
    }

    private sealed record MedianRow(string Modality, string Day, double Median, long Studies);

    // The daily median of the study dose as the study page reads each study's (Core's totals: the device's accumulated
    // value where reported, else its counted events' sum; #16), ranked here in C#.
    private async Task<List<MedianRow>> StudyTotalsDailyMedianAsync(DateOnly from, DateOnly to)
    {
        var headlines = await DoseRecords.StudyHeadlines.ReadAsync(Factory);
        await using var connection = await Factory.OpenAsync();
        var studies = await connection.QueryAsync<(string Uid, string Modality, string Day)>(
            "SELECT study_instance_uid, modality, study_date FROM studies WHERE study_date >= @From AND study_date <= @To AND modality IS NOT NULL",
            new { From = Day(from), To = Day(to) });
        return studies.Where(s => headlines[s.Uid] is not null).GroupBy(s => (s.Modality, s.Day))
            .Select(g =>
            {
                var doses = g.Select(s => headlines[s.Uid]!.Value).Order().ToList();
                return new MedianRow(g.Key.Modality, g.Key.Day, (doses[(doses.Count - 1) / 2] + doses[doses.Count / 2]) / 2, doses.Count);
            })
            .OrderBy(r => r.Modality, StringComparer.Ordinal).ThenBy(r => r.Day, StringComparer.Ordinal).ToList();
    }

    // The daily median before migration 0012 summed every event of a study; with StudyDose = the computed best-source
    // sum it is the same SQL with the stored summary's rule.
    private async Task<List<MedianRow>> OldDailyMedianAsync(DateOnly from, DateOnly to, bool bestSourceOnly)
    {
        if (bestSourceOnly) return await StudyTotalsDailyMedianAsync(from, to);
        var quantity = "CASE s.modality " + string.Join(" ", DashboardRepository.StudyDoseQuantities.Select(q => $"WHEN '{q.Modality}' THEN e.{q.Column}")) + " END";
        var studyDose = $"""
              SELECT s.modality AS modality, s.study_date AS day, SUM({quantity}) AS dose
              FROM studies s JOIN irradiation_events e ON e.study_instance_uid = s.study_instance_uid
              WHERE s.study_date >= @From AND s.study_date <= @To
              GROUP BY s.study_instance_uid, s.modality, s.study_date
              """;
        await using var connection = await Factory.OpenAsync();
        return (await connection.QueryAsync<MedianRow>($"""
            WITH study_dose AS ({studyDose}), ranked AS (
                SELECT modality, day, dose,
                    ROW_NUMBER() OVER (PARTITION BY modality, day ORDER BY dose) AS position,
                    COUNT(*) OVER (PARTITION BY modality, day) AS studies
                FROM study_dose WHERE dose IS NOT NULL
            )
            SELECT modality AS Modality, day AS Day, AVG(dose) AS Median, MAX(studies) AS Studies
            FROM ranked WHERE position IN ((studies + 1) / 2, (studies + 2) / 2)
            GROUP BY modality, day ORDER BY modality, day
            """, new { From = Day(from), To = Day(to) })).ToList();
    }

    [SamplesFact]
    public async Task Daily_medians_read_from_the_stored_study_dose_are_those_of_the_old_sql_except_where_headers_were_added()
    {
        await SummaryScenarios.SaveHistoryAsync(new DoseRecordRepository(Factory), Anchor);
        var from = Anchor.AddDays(-29);

        var actual = (await new DashboardRepository(Factory).DailyMedianStudyDoseAsync(from, Anchor))
            .Select(d => new MedianRow(d.Quantity.Modality, Day(d.Day), d.Median, d.Studies)).ToList();
        var bestSource = await OldDailyMedianAsync(from, Anchor, bestSourceOnly: true);
        var everyEvent = await OldDailyMedianAsync(from, Anchor, bestSourceOnly: false);

        Assert.Equal(bestSource.Select(r => (r.Modality, r.Day, r.Studies)), actual.Select(r => (r.Modality, r.Day, r.Studies)));
        Assert.All(bestSource.Zip(actual), x => StudySummaryFacts.Close(x.First.Median, x.Second.Median));
        // The documented change: the one study with image headers beside its report (on the anchor's CT day) is its
        // report's dose now; the old SUM added its header-only event. Every other day is as the old SQL had it.
        await using var connection = await Factory.OpenAsync();
        var differing = await connection.QueryAsync<string>("""
            SELECT s.study_instance_uid FROM studies s
            WHERE ABS(s.headline_dose - (SELECT SUM(e.dlp_mgy_cm) FROM irradiation_events e WHERE e.study_instance_uid = s.study_instance_uid)) > 1e-6 * s.headline_dose
            """);
        var withHeaders = await connection.QueryAsync<string>("SELECT DISTINCT study_instance_uid FROM dose_source_objects WHERE sop_class_uid = '1.2.840.10008.5.1.4.1.1.2'");
        Assert.Equal(Assert.Single(withHeaders), Assert.Single(differing));
        Assert.All(everyEvent.Zip(actual).Where(x => Math.Abs(x.First.Median - x.Second.Median) > 1e-6 * x.First.Median),
            x => Assert.Equal(("CT", Day(Anchor)), (x.First.Modality, x.First.Day)));
        Assert.Equal(everyEvent.Select(r => (r.Modality, r.Day, r.Studies)), actual.Select(r => (r.Modality, r.Day, r.Studies)));
    }

    [SamplesFact]
    public async Task Activity_from_the_stored_event_counts_is_that_of_the_join()
    {
        await SummaryScenarios.SaveHistoryAsync(new DoseRecordRepository(Factory), Anchor);
        await using var connection = await Factory.OpenAsync();
        var expected = (await connection.QueryAsync<(string, long, long, long, long)>("""
            SELECT COALESCE(s.modality, '') AS Modality,
                COUNT(DISTINCT CASE WHEN s.study_date >= @From7 THEN s.study_instance_uid END) AS Studies7Days,
                COUNT(CASE WHEN s.study_date >= @From7 THEN e.event_uid END) AS Events7Days,
                COUNT(DISTINCT s.study_instance_uid) AS Studies30Days,
                COUNT(e.event_uid) AS Events30Days
            FROM studies s LEFT JOIN irradiation_events e ON e.study_instance_uid = s.study_instance_uid
            WHERE s.study_date >= @From30 AND s.study_date <= @To
            GROUP BY COALESCE(s.modality, '')
            ORDER BY Studies30Days DESC, Modality
            """, new { From7 = Day(Anchor.AddDays(-6)), From30 = Day(Anchor.AddDays(-29)), To = Day(Anchor) }))
            .Select(r => new ModalityActivity(r.Item1, r.Item2, r.Item3, r.Item4, r.Item5)).ToList();

        var actual = await new DashboardRepository(Factory).ActivityAsync(Anchor);

        Assert.True(expected.Count >= 3);
        Assert.Equal(expected, actual);
    }
}

public sealed class SqliteDashboardSummaryOracleFacts() : DashboardSummaryOracleFacts(new SqliteTestDatabases());

public sealed class PostgreSqlDashboardSummaryOracleFacts(PostgresServerFixture postgres)
    : DashboardSummaryOracleFacts(new PostgreSqlTestDatabases(postgres.Server)), IClassFixture<PostgresServerFixture>;
