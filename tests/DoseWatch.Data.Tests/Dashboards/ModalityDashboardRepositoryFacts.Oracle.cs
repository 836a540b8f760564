using Dapper;
using DoseWatch.Data.Repositories;
using DoseWatch.Tests;

namespace DoseWatch.Data.Tests.Dashboards;

/// <summary>
/// The queries of migration 0014 against the SQL they replaced, kept here only as the oracle: the events joined to their
/// studies (before the study's day, modality and device were copied onto the events), study totals aggregated over the
/// joined dose objects, raw protocol names grouped over the events. Where the meaning changed on purpose (event-level
/// boxes over each group's latest values), the oracle is the plain definition: every value ranked by recency with
/// ROW_NUMBER over the join, then Python's statistics module.
/// </summary>
public abstract partial class ModalityDashboardRepositoryFacts
{
    // The old event-level values: events joined to their studies, the study's columns read from the study.
    private static string OldEventValuesSql(DashboardQuantity q, string x = "NULL") => $"""
        SELECT s.study_instance_uid AS uid, {q.GroupSql} AS grp, s.device_key AS device, s.study_date AS day, {x} AS x, {q.ValueSql} AS value,
            e.started_at AS started, e.event_uid AS ev
        FROM irradiation_events e JOIN studies s ON s.study_instance_uid = e.study_instance_uid
        WHERE s.modality IN ({string.Join(", ", q.Modalities.Select(m => $"'{m}'"))}) AND s.study_date >= @From AND s.study_date <= @To AND {q.ValueSql} IS NOT NULL
        """;

    private async Task<List<T>> QueryAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = await Factory.OpenAsync();
        return (await connection.QueryAsync<T>(sql, parameters ?? Window)).ToList();
    }

    private static object Window => new { From = From.ToString("yyyy-MM-dd"), To = Anchor.ToString("yyyy-MM-dd"), NoGroup = DashboardRepository.NoProtocol };

    private sealed record KeyValue(string K, double Value);

    private sealed record KeyCount(string K, long N);

    [SamplesFact]
    public async Task Event_boxes_are_each_groups_latest_values_ranked_by_events()
    {
        await SaveAsync();
        var repository = new ModalityDashboardRepository(Factory);
        const int latest = 3;
        foreach (var quantity in new[] { ModalityQuantities.CtdiVol, ModalityQuantities.Dlp, ModalityQuantities.Sar })
        {
            // Plain definition: every value of the window ranked newest first per group, the first `latest` kept.
            var values = await QueryAsync<KeyValue>($"""
                SELECT grp AS K, value AS Value FROM (
                    SELECT grp, value, ROW_NUMBER() OVER (PARTITION BY grp ORDER BY day DESC, started DESC, uid DESC, ev DESC) AS recent
                    FROM ({OldEventValuesSql(quantity)}) v
                ) r WHERE recent <= {latest}
                """);
            var events = await QueryAsync<KeyCount>($"""
                SELECT COALESCE(e.protocol, @NoGroup) AS K, COUNT(*) AS N FROM irradiation_events e JOIN studies s ON s.study_instance_uid = e.study_instance_uid
                WHERE s.modality IN ({string.Join(", ", quantity.Modalities.Select(m => $"'{m}'"))}) AND s.study_date >= @From AND s.study_date <= @To
                GROUP BY COALESCE(e.protocol, @NoGroup)
                """);
            var expected = values.GroupBy(v => v.K).ToDictionary(g => g.Key, g => g.Select(v => v.Value).ToList());
            var order = events.Where(e => expected.ContainsKey(e.K)).OrderByDescending(e => e.N).ThenBy(e => e.K, StringComparer.Ordinal).Select(e => e.K).ToList();
            var boxes = await repository.BoxesByGroupAsync(quantity, From, Anchor, valuesPerGroup: latest);
            SameBoxes(expected, boxes, order);
            Assert.Contains(boxes, b => b.Box.Count == latest);

            // At most two groups: the first two of the same ranking.
            Assert.Equal(order.Take(2), (await repository.BoxesByGroupAsync(quantity, From, Anchor, maximumGroups: 2, valuesPerGroup: latest)).Select(b => b.Key));

            // Per device for the first group: the same definition partitioned by the study's device.
            var group = order[0];
            var perDevice = await QueryAsync<KeyValue>($"""
                SELECT device AS K, value AS Value FROM (
                    SELECT device, value, ROW_NUMBER() OVER (PARTITION BY device ORDER BY day DESC, started DESC, uid DESC, ev DESC) AS recent
                    FROM ({OldEventValuesSql(quantity)}) v WHERE grp = @Group
                ) r WHERE recent <= 2
                """, new { From = From.ToString("yyyy-MM-dd"), To = Anchor.ToString("yyyy-MM-dd"), NoGroup = DashboardRepository.NoProtocol, Group = group });
            var deviceEvents = await QueryAsync<KeyCount>($"""
                SELECT s.device_key AS K, COUNT(*) AS N FROM irradiation_events e JOIN studies s ON s.study_instance_uid = e.study_instance_uid
                WHERE s.modality IN ({string.Join(", ", quantity.Modalities.Select(m => $"'{m}'"))}) AND s.study_date >= @From AND s.study_date <= @To
                    AND COALESCE(e.protocol, @NoGroup) = @Group
                GROUP BY s.device_key
                """, new { From = From.ToString("yyyy-MM-dd"), To = Anchor.ToString("yyyy-MM-dd"), NoGroup = DashboardRepository.NoProtocol, Group = group });
            var expectedDevices = perDevice.GroupBy(v => v.K).ToDictionary(g => g.Key, g => g.Select(v => v.Value).ToList());
            SameBoxes(expectedDevices, await repository.BoxesByDeviceAsync(quantity, group, From, Anchor, valuesPerDevice: 2),
                deviceEvents.Where(e => expectedDevices.ContainsKey(e.K)).OrderByDescending(e => e.N).ThenBy(e => e.K, StringComparer.Ordinal).Select(e => e.K).ToList());
        }
    }

    [SamplesFact]
    public async Task Study_level_boxes_trend_and_scatter_equal_the_old_queries()
    {
        await SaveAsync();
        var repository = new ModalityDashboardRepository(Factory);

        // Fluoroscopy totals: the old aggregate over the study's dose objects joined to its events.
        foreach (var column in new[] { "dap_total_gy_cm2", "dose_rp_total_gy", "fluoro_time_total_s" })
        {
            var quantity = new[] { ModalityQuantities.FluoroDap, ModalityQuantities.FluoroDoseRp, ModalityQuantities.FluoroTime }.Single(q => q.ValueSql.Contains(column, StringComparison.Ordinal));
            var old = await QueryAsync<KeyValue>($"""
                SELECT grp AS K, value AS Value FROM (
                    SELECT COALESCE(s.study_description, MAX(e.protocol), @NoGroup) AS grp, MAX(o.{column}) AS value
                    FROM studies s JOIN dose_source_objects o ON o.study_instance_uid = s.study_instance_uid
                        LEFT JOIN irradiation_events e ON e.study_instance_uid = s.study_instance_uid AND e.sop_instance_uid = o.sop_instance_uid
                    WHERE s.modality IN ('RF', 'XA') AND s.study_date >= @From AND s.study_date <= @To
                    GROUP BY s.study_instance_uid, s.study_description, s.device_key, s.study_date, s.patient_weight_kg
                ) q WHERE value IS NOT NULL
                """);
            Assert.NotEmpty(old);
            SameBoxes(old.GroupBy(v => v.K).ToDictionary(g => g.Key, g => g.Select(v => v.Value).ToList()), await repository.BoxesByGroupAsync(quantity, From, Anchor));
        }

        // Rolling trend: the old join's values, Python's rolling quantiles.
        const int window = 5;
        var trendFrom = Anchor.AddDays(-6);
        var rows = await QueryAsync<DayValue>($"SELECT day AS Day, value AS Value FROM ({OldEventValuesSql(ModalityQuantities.CtdiVol)}) v",
            new { From = trendFrom.AddDays(-(window - 1)).ToString("yyyy-MM-dd"), To = Anchor.ToString("yyyy-MM-dd"), NoGroup = DashboardRepository.NoProtocol });
        var expected = Independent(new { rolling = new { window, from = trendFrom.ToString("yyyy-MM-dd"), values = rows.Select(r => new object[] { r.Day, r.Value }) } })["rolling"]!.AsArray();
        var trend = await repository.TrendAsync(ModalityQuantities.CtdiVol, trendFrom, Anchor, window);
        Assert.True(trend.Count >= 3, $"{trend.Count} days");
        Assert.Equal(expected.Select(e => e![0]!.GetValue<string>()), trend.Select(t => t.Day.ToString("yyyy-MM-dd")));
        for (var i = 0; i < trend.Count; i++)
        {
            Assert.Equal(expected[i]![1]!.GetValue<long>(), trend[i].WindowCount);
            Close(expected[i]![3]!.GetValue<double>(), trend[i].Median, "median");
        }

        // Scatters: the old join, same order and cap, for an axis of the study (weight) and one of the event (WED).
        foreach (var (quantity, axis) in new[] { (ModalityQuantities.CtdiVol, ModalityQuantities.PatientWeight), (ModalityQuantities.Ssde, ModalityQuantities.WaterEquivalentDiameter),
                     (ModalityQuantities.Sar, ModalityQuantities.PatientWeight) })
        {
            // Untyped rows (lower-case names on both engines): the old query's columns are expressions, which SQLite types per value.
            var old = (await QueryAsync<dynamic>($"""
                SELECT uid, grp, day, x, value FROM ({OldEventValuesSql(quantity, axis.Sql)}) v WHERE x IS NOT NULL
                ORDER BY day DESC, uid, value
                """)).Select(r => ((string)r.uid, (string)r.grp, (string)r.day, (double)r.x, (double)r.value)).ToList();
            // A cap that cuts, and one that takes every value (then there is no more).
            foreach (var limit in new[] { Math.Max(1, Math.Min(7, old.Count - 1)), Math.Max(1, old.Count) })
            {
                var scatter = await repository.ScatterAsync(quantity, axis, From, Anchor, limit);
                Assert.Equal(limit < old.Count, scatter.More);
                Assert.Equal(old.Take(limit),
                    scatter.Points.Select(p => (p.StudyInstanceUid, p.Group, p.Day.ToString("yyyy-MM-dd"), p.X, p.Y)));
            }
        }
    }

    [SamplesFact]
    public async Task Trend_days_with_more_values_than_the_cap_contribute_their_first_by_start_time()
    {
        await SaveAsync();
        var repository = new ModalityDashboardRepository(Factory);
        const int window = 5;
        var trendFrom = Anchor.AddDays(-6);
        var parameters = new { From = trendFrom.AddDays(-(window - 1)).ToString("yyyy-MM-dd"), To = Anchor.ToString("yyyy-MM-dd"), NoGroup = DashboardRepository.NoProtocol };
        // The protocol with the most CT values on one day of the window (localizers have none).
        var protocol = (await QueryAsync<dynamic>($"SELECT grp, day, COUNT(*) AS n FROM ({OldEventValuesSql(ModalityQuantities.CtdiVol)}) v GROUP BY grp, day", parameters))
            .OrderByDescending(r => (long)r.n).ThenBy(r => (string)r.grp, StringComparer.Ordinal).Select(r => (string)r.grp).First();
        // Plain definition: every value of the window ranked within its day by start time (NULLs first), study and event
        // UID, over the old join; the first `perDay` of each day kept; Python's rolling quantiles over what is kept.
        foreach (var (quantity, group, perDay, order) in new[]
                 {
                     (ModalityQuantities.CtdiVol, (string?)null, 2, "started NULLS FIRST, uid, ev"),
                     (ModalityQuantities.CtdiVol, protocol, 1, "started NULLS FIRST, uid, ev"),
                 })
        {
            // Untyped rows: SQLite types the ranked subquery's expression columns per value.
            var rows = (await QueryAsync<dynamic>($"""
                SELECT day, value FROM (
                    SELECT day, value, grp, ROW_NUMBER() OVER (PARTITION BY day ORDER BY {order}) AS n
                    FROM ({OldEventValuesSql(quantity)}) v{(group is null ? "" : " WHERE grp = @Group")}
                ) r WHERE n <= {perDay}
                """, new { parameters.From, parameters.To, parameters.NoGroup, Group = group })).Select(r => new DayValue((string)r.day, (double)r.value)).ToList();
            var all = (await QueryAsync<dynamic>($"SELECT day FROM ({OldEventValuesSql(quantity)}) v{(group is null ? "" : " WHERE grp = @Group")}",
                new { parameters.From, parameters.To, parameters.NoGroup, Group = group })).Select(r => (string)r.day).ToList();
            Assert.True(all.GroupBy(day => day).Any(d => d.Count() > perDay), $"no day of {group ?? "CT"} has more than {perDay} values: the cap would not be tested");
            var expected = Independent(new { rolling = new { window, from = trendFrom.ToString("yyyy-MM-dd"), values = rows.Select(r => new object[] { r.Day, r.Value }) } })["rolling"]!.AsArray();
            var trend = await repository.TrendAsync(quantity, trendFrom, Anchor, window, group, valuesPerDay: perDay);
            Assert.True(trend.Count >= 2, $"{trend.Count} days");
            Assert.Equal(expected.Select(e => e![0]!.GetValue<string>()), trend.Select(t => t.Day.ToString("yyyy-MM-dd")));
            for (var i = 0; i < trend.Count; i++)
            {
                Assert.Equal(expected[i]![1]!.GetValue<long>(), trend[i].WindowCount);
                Close(expected[i]![2]!.GetValue<double>(), trend[i].P25, "P25");
                Close(expected[i]![3]!.GetValue<double>(), trend[i].Median, "median");
                Close(expected[i]![4]!.GetValue<double>(), trend[i].P75, "P75");
            }
        }
    }

    [SamplesFact]
    public async Task Study_level_trend_days_with_more_studies_than_the_cap_contribute_their_first_by_study_time()
    {
        await SaveAsync();
        const int window = 5, perDay = 1;
        var trendFrom = Anchor.AddDays(-6);
        var parameters = new { From = trendFrom.AddDays(-(window - 1)).ToString("yyyy-MM-dd"), To = Anchor.ToString("yyyy-MM-dd") };
        // Plain definition: each fluoroscopy study's DAP total over its dose objects, ranked within its day by study time
        // (NULLs first) and study UID; the first `perDay` kept; Python's rolling quantiles over what is kept.
        const string perStudy = """
            SELECT s.study_date AS day, s.study_time AS t, s.study_instance_uid AS uid,
                (SELECT MAX(o.dap_total_gy_cm2) FROM dose_source_objects o WHERE o.study_instance_uid = s.study_instance_uid) AS value
            FROM studies s WHERE s.modality IN ('RF', 'XA') AND s.study_date >= @From AND s.study_date <= @To
            """;
        var all = (await QueryAsync<dynamic>($"SELECT day FROM ({perStudy}) v WHERE value IS NOT NULL", parameters)).Select(r => (string)r.day).ToList();
        Assert.True(all.GroupBy(day => day).Any(d => d.Count() > perDay), "no day has more than one fluoroscopy study: the cap would not be tested");
        var rows = (await QueryAsync<dynamic>($"""
            SELECT day, value FROM (
                SELECT day, value, ROW_NUMBER() OVER (PARTITION BY day ORDER BY t NULLS FIRST, uid) AS n FROM ({perStudy}) v WHERE value IS NOT NULL
            ) r WHERE n <= {perDay}
            """, parameters)).Select(r => new DayValue((string)r.day, (double)r.value)).ToList();
        var expected = Independent(new { rolling = new { window, from = trendFrom.ToString("yyyy-MM-dd"), values = rows.Select(r => new object[] { r.Day, r.Value }) } })["rolling"]!.AsArray();
        var trend = await new ModalityDashboardRepository(Factory).TrendAsync(ModalityQuantities.FluoroDap, trendFrom, Anchor, window, valuesPerDay: perDay);
        Assert.True(trend.Count >= 2, $"{trend.Count} days");
        Assert.Equal(expected.Select(e => e![0]!.GetValue<string>()), trend.Select(t => t.Day.ToString("yyyy-MM-dd")));
        for (var i = 0; i < trend.Count; i++)
        {
            Assert.Equal(expected[i]![1]!.GetValue<long>(), trend[i].WindowCount);
            Close(expected[i]![3]!.GetValue<double>(), trend[i].Median, "median");
        }
    }

    private sealed record DayValue(string Day, double Value);

    // The old RawProtocolsAsync: every event of the window grouped with its study.
    private async Task<List<RawUse>> OldRawProtocolsAsync() => await QueryAsync<RawUse>("""
        SELECT COALESCE(s.modality, '') AS Modality, COALESCE(e.protocol, @NoGroup) AS Protocol, s.device_key AS DeviceKey,
            COUNT(*) AS Events, COUNT(DISTINCT s.study_instance_uid) AS Studies, MIN(s.study_date) AS FirstDay, MAX(s.study_date) AS LastDay
        FROM irradiation_events e JOIN studies s ON s.study_instance_uid = e.study_instance_uid
        WHERE s.study_date >= @From AND s.study_date <= @To
        GROUP BY COALESCE(s.modality, ''), COALESCE(e.protocol, @NoGroup), s.device_key
        """);

    private sealed record RawUse(string Modality, string Protocol, string DeviceKey, long Events, long Studies, string FirstDay, string LastDay);

    private async Task SameRawProtocolsAsync(string when)
    {
        var old = (await OldRawProtocolsAsync()).OrderBy(r => (r.Modality, r.Protocol, r.DeviceKey)).ToList();
        var now = (await new ModalityDashboardRepository(Factory).RawProtocolsAsync(From, Anchor))
            .Select(u => new RawUse(u.Modality, u.Protocol, u.DeviceKey, u.Events, u.Studies, u.FirstDay!.Value.ToString("yyyy-MM-dd"), u.LastDay!.Value.ToString("yyyy-MM-dd")))
            .OrderBy(r => (r.Modality, r.Protocol, r.DeviceKey)).ToList();
        Assert.True(old.Count > 5, when);
        Assert.Equal(old, now);
    }

    [SamplesFact]
    public async Task Raw_protocol_counts_kept_at_save_time_equal_the_old_query_through_re_saves_and_a_rebuild()
    {
        var saved = await SaveAsync();
        await SameRawProtocolsAsync("after the saves");
        var repository = new DoseRecordRepository(Factory);

        // The same object again (a Hangfire retry): nothing counted twice.
        await repository.SaveAsync(saved[0]);
        // A continued report of a CT study: its events again under new event UIDs, from another object.
        var ct = saved.First(r => r.Study!.Modality == "CT");
        await repository.SaveAsync(ct with
        {
            Instance = ct.Instance with { SopInstanceUid = ct.Instance.SopInstanceUid + ".9" },
            Events = ct.Events.Select(e => e with { EventUid = e.EventUid + ".9", Protocol = e.Protocol is null ? "LATER PROTOCOL" : null }).ToList(),
        });
        // A study whose first object carried no study date (counted nowhere), then one that does.
        var rf = saved.First(r => r.Study!.Modality == "RF");
        var late = rf with
        {
            Instance = rf.Instance with { SopInstanceUid = "2.25.4242.1" },
            Study = rf.Study! with { StudyInstanceUid = "2.25.4242", StudyDate = null },
            Events = rf.Events.Select(e => e with { EventUid = e.EventUid + ".late" }).ToList(),
        };
        await repository.SaveAsync(late);
        await SameRawProtocolsAsync("after a study without a date");
        await repository.SaveAsync(late with { Instance = late.Instance with { SopInstanceUid = "2.25.4242.2" }, Study = late.Study! with { StudyDate = Anchor.AddDays(-1) } });
        await SameRawProtocolsAsync("after re-saves");
        Assert.Contains((await new ModalityDashboardRepository(Factory).RawProtocolsAsync(From, Anchor)), u => u.DeviceKey == rf.Study!.Device.Key && u.Studies >= 2);

        // The rebuild (for rows written around SaveAsync) gives the same table the saves kept.
        const string table = "SELECT study_date AS Day, modality AS Modality, protocol AS Protocol, device_key AS DeviceKey, events AS Events, studies AS Studies FROM protocol_uses";
        var kept = (await QueryAsync<ProtocolUse>(table)).OrderBy(r => (r.Day, r.Modality, r.Protocol, r.DeviceKey)).ToList();
        await repository.RebuildProtocolUsesAsync();
        Assert.Equal(kept, (await QueryAsync<ProtocolUse>(table)).OrderBy(r => (r.Day, r.Modality, r.Protocol, r.DeviceKey)).ToList());
        await SameRawProtocolsAsync("after the rebuild");
        // Every event carries its study's device.
        Assert.Equal(0, (await QueryAsync<long>("""
            SELECT COUNT(*) FROM irradiation_events e JOIN studies s ON s.study_instance_uid = e.study_instance_uid WHERE e.device_key IS NULL OR e.device_key <> s.device_key
            """)).Single());
    }

    private sealed record ProtocolUse(string Day, string Modality, string Protocol, string DeviceKey, long Events, long Studies);
}
