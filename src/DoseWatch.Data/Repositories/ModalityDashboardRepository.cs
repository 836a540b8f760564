using System.Data.Common;
using System.Globalization;
using Dapper;
using DoseWatch.Core.Analysis;
using DoseWatch.Core.Presentation;

namespace DoseWatch.Data.Repositories;

/// <summary>
/// The aggregates of the per-modality pages, computed where the data is. Event-level values are read from the events
/// table alone by (modality, study day) or (modality, protocol, device, study day), the study's columns copied onto the
/// events at save time (migrations 0012, 0014); studies are joined only for a patient's weight. Boxes of event-level
/// quantities are over each group's <see cref="LatestValuesPerGroup"/> most recent values (a backward walk of one index
/// per group, the groups ranked by their events in protocol_uses), because ranking a year of CT values (~500k at 1M
/// events) does not fit a page load; boxes of study-level quantities are over every study of the window (the study's
/// values kept on its row since 0016, sorted here). Trends take each day's first values (a walk per day) into <see cref="RollingQuantiles"/>,
/// scatters their most recent points, newest days first. Every value query starts from the <c>v</c> common table (one row per
/// value) built by <see cref="Values"/>: uid, grp, device, day, x, value, started, ev.
/// </summary>
public sealed class ModalityDashboardRepository(IDbConnectionFactory connections, string? deviceKey = null)
{
    /// <summary>
    /// The same aggregates over one device's studies only (issue #21: the dashboards' device filter, kept in the URL);
    /// null or blank is every device. Every query of the repository carries the condition.
    /// </summary>
    public ModalityDashboardRepository ForDevice(string? key) => new(connections, string.IsNullOrWhiteSpace(key) ? null : key);

    /// <summary>The device the aggregates are limited to, null for all.</summary>
    public string? DeviceKey => deviceKey;

    /// <summary>" AND alias.device_key = @OnlyDevice" when limited to a device (its parameter added), else "".</summary>
    private string OnlyDevice(string alias, DynamicParameters p)
    {
        if (deviceKey is null) return "";
        p.Add("OnlyDevice", deviceKey);
        return $" AND {alias}.device_key = @OnlyDevice";
    }

    /// <summary>The SAR values that are a limit somewhere in IEC 60601-2-33's table (W/kg).</summary>
    public static readonly double[] SarThresholds =
        new[] { MrSarLimits.NormalWholeBody, MrSarLimits.NormalHead, MrSarLimits.FirstLevelWholeBody, MrSarLimits.NormalPartialBodyMaximum }.Distinct().Order().ToArray();

    /// <summary>How many of a group's most recent values an event-level box is drawn from (as the CT page's protocol boxes).</summary>
    public const int LatestValuesPerGroup = 2000;

    /// <summary>
    /// Whether <see cref="BoxesByGroupAsync"/> draws <paramref name="quantity"/> from each group's latest
    /// <see cref="LatestValuesPerGroup"/> values with the groups ranked by events (event level), rather than from every
    /// value with the groups ranked by values (study level). Pages say which.
    /// </summary>
    public static bool BoxesUseLatestValues(DashboardQuantity quantity) => quantity.Level == DoseLevel.Event;

    /// <summary>
    /// Boxes of <paramref name="quantity"/> for at most <paramref name="maximumGroups"/> groups. Event level: the groups
    /// with the most events in [from, to] that have a value, each box over its <paramref name="valuesPerGroup"/> most
    /// recent values (study day, start time, study and event UID, newest first), most events first. Study level: the
    /// groups with the most values, every value, most values first.
    /// </summary>
    public async Task<IReadOnlyList<GroupBox>> BoxesByGroupAsync(DashboardQuantity quantity, DateOnly from, DateOnly to, int maximumGroups = 20,
        int valuesPerGroup = LatestValuesPerGroup, CancellationToken cancellationToken = default)
    {
        if (!BoxesUseLatestValues(quantity))
            return await BoxesAsync(Values(quantity, from, to, null, null), "grp", maximumGroups, cancellationToken);
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await LatestBoxesAsync(connection, quantity, from, to, null, maximumGroups, valuesPerGroup, cancellationToken);
    }

    /// <summary>Boxes of <paramref name="quantity"/> per device for one group (the same protocol on different devices), as <see cref="BoxesByGroupAsync"/> per device.</summary>
    public async Task<IReadOnlyList<GroupBox>> BoxesByDeviceAsync(DashboardQuantity quantity, string group, DateOnly from, DateOnly to,
        int valuesPerDevice = LatestValuesPerGroup, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<GroupBox> boxes;
        if (!BoxesUseLatestValues(quantity)) boxes = await BoxesAsync(Values(quantity, from, to, group, null), "device", 50, cancellationToken);
        else
        {
            await using var connection = await connections.OpenAsync(cancellationToken);
            boxes = await LatestBoxesAsync(connection, quantity, from, to, group, 50, valuesPerDevice, cancellationToken);
        }
        var labels = await DeviceNameRepository.LabelsAsync(connections, boxes.Select(b => b.Key).ToList(), cancellationToken);
        return boxes.Select(b => b with { Label = labels.GetValueOrDefault(b.Key) ?? b.Key }).ToList();
    }

    /// <summary>
    /// Boxes of <paramref name="quantity"/> per group and device (the /protocols page: each device row of a raw name shows
    /// that device's own numbers). Event level: each (protocol, device) pair with events in [from, to] (protocol_uses),
    /// at most <paramref name="maximumBoxes"/>, most events first, each over the pair's <paramref name="valuesPerBox"/>
    /// most recent values; study level: every value, the pairs with most values first. Event-level quantities grouped by
    /// anything but the protocol have no per-device summary to rank pairs by, and are refused.
    /// </summary>
    public async Task<IReadOnlyList<DeviceGroupBox>> BoxesByGroupAndDeviceAsync(DashboardQuantity quantity, DateOnly from, DateOnly to,
        int maximumBoxes = 1000, int valuesPerBox = LatestValuesPerGroup, CancellationToken cancellationToken = default)
    {
        if (!BoxesUseLatestValues(quantity))
        {
            // One key per pair, split again below: the unit separator is in no protocol name or device key people type.
            var boxes = await BoxesAsync(Values(quantity, from, to, null, null), $"grp || '{PairSeparator}' || COALESCE(device, '')", maximumBoxes, cancellationToken);
            return boxes.Select(b => (Key: b.Key.Split(PairSeparator, 2), b.Box)).Select(b => new DeviceGroupBox(b.Key[0], b.Key.Length > 1 ? b.Key[1] : "", b.Box)).ToList();
        }
        if (quantity.GroupSql != ModalityQuantities.ProtocolGroupSql)
            throw new ArgumentException($"Boxes per group and device are of protocols; {quantity.Label} is grouped otherwise.", nameof(quantity));
        await using var connection = await connections.OpenAsync(cancellationToken);
        var p = new DynamicParameters(new { From = Day(from), To = Day(to) });
        var modalities = InList(p, "m", quantity.Modalities);
        var pairs = await connection.QueryAsync<PairCountRow>(new CommandDefinition($"""
            SELECT protocol AS Protocol, device_key AS DeviceKey, CAST(SUM(events) AS BIGINT) AS N FROM protocol_uses
            WHERE modality IN {modalities} AND study_date >= @From AND study_date <= @To
            GROUP BY protocol, device_key
            """, p, cancellationToken: cancellationToken));
        var result = new List<DeviceGroupBox>();
        foreach (var pair in pairs.OrderByDescending(r => r.N).ThenBy(r => r.Protocol, StringComparer.Ordinal).ThenBy(r => r.DeviceKey, StringComparer.Ordinal))
        {
            if (result.Count >= maximumBoxes) break;
            var values = await LatestValuesAsync(connection, quantity, from, to, pair.Protocol, pair.DeviceKey, valuesPerBox, cancellationToken);
            if (values.Count > 0) result.Add(new DeviceGroupBox(pair.Protocol, pair.DeviceKey, BoxSummary.Of(values)));
        }
        return result;
    }

    private const char PairSeparator = '\u001f';

    /// <summary>
    /// How many values of one day (per modality, and per protocol spelling) a trend takes: a large CT service makes more
    /// than a thousand CT events a day, and reading all of a year's (plus the window's lead-in) for one chart does not fit
    /// a page load at a million events, nor scale to ten million. Days with more contribute their first values by start
    /// time (study time for study-level values); the page says so.
    /// </summary>
    public const int TrendValuesPerDay = 300;

    /// <summary>
    /// Rolling P25/median/P75 over <paramref name="windowDays"/> days, one point per day with values; optionally one group
    /// only. Each day contributes at most <paramref name="valuesPerDay"/> values (per modality, and for "(no protocol)"
    /// per spelling): the first by start time, read by one short index walk per day, so the cost is bounded by the
    /// window's days rather than by the events in it.
    /// </summary>
    public async Task<IReadOnlyList<RollingPoint>> TrendAsync(DashboardQuantity quantity, DateOnly from, DateOnly to, int windowDays, string? group = null,
        int valuesPerDay = TrendValuesPerDay, CancellationToken cancellationToken = default)
    {
        // The window needs the days before `from` too, so that the first point already sees a full window.
        var first = from.AddDays(-(windowDays - 1));
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = new List<(DateOnly, double)>();
        if (group is not null && quantity.Level == DoseLevel.Event && quantity.GroupSql != ModalityQuantities.ProtocolGroupSql)
        {
            // One group of another grouping (a preset, a radiopharmaceutical): no per-day index leads with it; every value.
            var values = Values(quantity, first, to, group, null);
            await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(
                $"WITH v AS ({values.Sql}) SELECT day, value FROM v ORDER BY day", values.Parameters, cancellationToken: cancellationToken));
            while (await reader.ReadAsync(cancellationToken))
                rows.Add((ParseDay(reader.GetString(0)), reader.GetDouble(1)));
            return RollingQuantiles.Compute(rows, windowDays).Where(p => p.Day >= from).ToList();
        }
        if (connections.Provider == DatabaseProvider.PostgreSql)
        {
            // One statement per walk: its days from generate_series, each walked by a LATERAL subquery. PostgreSQL took
            // about 3 s to run a UNION ALL of 120 parameterised walks (and 0.3 s to plan it) where each walk alone took
            // 1-5 ms: the radiography and mammography pages drew in 7-13 s at 1M events (docs/benchmarks.md). Much of
            // that was JIT compiling the statement's estimated millions (now off: PostgreSqlConnectionFactory).
            foreach (var walk in DayWalks(quantity, group))
            {
                var p = new DynamicParameters(new { PerDay = Math.Max(1, valuesPerDay), Group = group, NoGroup = ModalityQuantities.NoGroup,
                    First = Day(first), Last = Day(to), walk.Modality });
                if (deviceKey is not null) p.Add("OnlyDevice", deviceKey);
                await ReadDaysAsync(connection, $"""
                    SELECT w.day, w.value FROM generate_series(CAST(@First AS date), CAST(@Last AS date), interval '1 day') AS g(d)
                    CROSS JOIN LATERAL ({walk.Sql.Replace("@Day", "to_char(g.d, 'YYYY-MM-DD')", StringComparison.Ordinal)}) w
                    """, p, rows, cancellationToken);
            }
        }
        else
        {
            // SQLite: one walk per day, in compound statements of at most DayWalksPerStatement (its compound SELECT holds 500).
            var days = Enumerable.Range(0, Math.Max(0, to.DayNumber - first.DayNumber + 1)).Select(first.AddDays);
            var walks = days.SelectMany(day => DayWalks(quantity, group).Select(w => (Day: day, Walk: w))).ToList();
            for (var start = 0; start < walks.Count; start += DayWalksPerStatement)
            {
                var batch = walks.Skip(start).Take(DayWalksPerStatement).ToList();
                var p = new DynamicParameters(new { PerDay = Math.Max(1, valuesPerDay), Group = group, NoGroup = ModalityQuantities.NoGroup });
                if (deviceKey is not null) p.Add("OnlyDevice", deviceKey);
                var sql = string.Join(" UNION ALL ", batch.Select((w, i) =>
                {
                    var n = i.ToString(CultureInfo.InvariantCulture);
                    p.Add("d" + n, Day(w.Day));
                    p.Add("m" + n, w.Walk.Modality);
                    return $"SELECT * FROM ({w.Walk.Sql.Replace("@Day", "@d" + n, StringComparison.Ordinal).Replace("@Modality", "@m" + n, StringComparison.Ordinal)}) w{n}";
                }));
                await ReadDaysAsync(connection, sql, p, rows, cancellationToken);
            }
        }
        rows.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return RollingQuantiles.Compute(rows, windowDays).Where(p => p.Day >= from).ToList();
    }

    private const int DayWalksPerStatement = 120;

    private static async Task ReadDaysAsync(DbConnection connection, string sql, DynamicParameters parameters, List<(DateOnly, double)> rows,
        CancellationToken cancellationToken)
    {
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
        // A walk's rows share their day: parse it once per walk, not per value.
        var (text, day) = ("", default(DateOnly));
        while (await reader.ReadAsync(cancellationToken))
        {
            var dayText = reader.GetString(0);
            if (dayText != text) (text, day) = (dayText, ParseDay(dayText));
            rows.Add((day, reader.GetDouble(1)));
        }
    }

    /// <summary>One day's walk for one modality: SQL with @Day, @Modality, @PerDay (and @Group) left to bind.</summary>
    private sealed record DayWalk(string Modality, string Sql);

    /// <summary>
    /// The first values of one day (@Day): per modality (and for "(no protocol)" per spelling), a walk of
    /// ix_irradiation_events_modality_day_started (0015), of _modality_protocol_day for one protocol, or of
    /// ix_studies_modality_date_time for study-level values, that stops at @PerDay values.
    /// </summary>
    private IEnumerable<DayWalk> DayWalks(DashboardQuantity quantity, string? group)
    {
        // The device condition binds @OnlyDevice, which each walk's caller adds (TrendAsync).
        var device = deviceKey is null ? "" : " AND {0}.device_key = @OnlyDevice";
        foreach (var modality in quantity.Modalities)
        {
            if (quantity.Level == DoseLevel.Study)
            {
                var inGroup = group is null ? "" : $" AND {quantity.GroupSql} = @Group";
                yield return new DayWalk(modality, $"""
                    SELECT s.study_date AS day, {quantity.ValueSql} AS value FROM studies s
                    WHERE s.modality = @Modality AND s.study_date = @Day AND {quantity.ValueSql} IS NOT NULL{inGroup}{string.Format(CultureInfo.InvariantCulture, device, "s")}
                    ORDER BY s.study_time NULLS FIRST, s.study_instance_uid LIMIT @PerDay
                    """);
                continue;
            }
            string[] protocols = group is null ? [""] : group == ModalityQuantities.NoGroup ? [" AND e.protocol IS NULL", " AND e.protocol = @Group"] : [" AND e.protocol = @Group"];
            foreach (var condition in protocols)
                yield return new DayWalk(modality, $"""
                    SELECT e.study_date AS day, {quantity.ValueSql} AS value FROM irradiation_events e
                    WHERE e.modality = @Modality{condition} AND e.study_date = @Day AND {quantity.ValueSql} IS NOT NULL{string.Format(CultureInfo.InvariantCulture, device, "e")}
                    ORDER BY e.started_at NULLS FIRST, e.study_instance_uid, e.event_uid LIMIT @PerDay
                    """);
        }
    }

    /// <summary>
    /// The <paramref name="limit"/> most recent values with an x on <paramref name="axis"/> (study day newest first, then
    /// study UID and value), and whether there are more in the window. Read newest days first in day ranges that double
    /// (1, 2, 4, ... days) until the limit is reached, so a busy modality reads its last days and a quiet one a few ranges;
    /// the window's values are not counted (at a million events that count alone read half a million rows).
    /// </summary>
    public async Task<ScatterPoints> ScatterAsync(DashboardQuantity quantity, ScatterAxis axis, DateOnly from, DateOnly to, int limit = 2000,
        string? group = null, CancellationToken cancellationToken = default)
    {
        limit = Math.Max(1, limit);
        await using var connection = await connections.OpenAsync(cancellationToken);
        // One more than the limit, to know whether there are more.
        var points = await NewestFirstAsync(from, to, limit + 1, async (first, last, wanted) =>
        {
            var values = Values(quantity, first, last, group, axis);
            values.Parameters.Add("Points", wanted);
            var rows = await connection.QueryAsync<ScatterRow>(new CommandDefinition($"""
                WITH v AS ({values.Sql})
                SELECT uid AS Uid, grp AS Grp, day AS Day, x AS X, value AS Value FROM v WHERE x IS NOT NULL
                ORDER BY day DESC, uid, value LIMIT @Points
                """, values.Parameters, cancellationToken: cancellationToken));
            return rows.Select(r => new ScatterPoint(r.Uid, r.Grp, ParseDay(r.Day), r.X, r.Value));
        });
        var more = points.Count > limit;
        return new ScatterPoints(more ? points.Take(limit).ToList() : points, more);
    }

    /// <summary>Studies of <paramref name="modalities"/> per weekday and hour of the study time.</summary>
    public async Task<Workload> WorkloadAsync(IReadOnlyList<string> modalities, DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        var p = new DynamicParameters(new { From = Day(from), To = Day(to) });
        var inList = InList(p, "m", modalities);
        await using var connection = await connections.OpenAsync(cancellationToken);
        // Kept per day, modality, device and hour at save time (study_activity, 0021): counting the year's studies one by
        // one took 1.3 s at 10M events. hour is the study time's first two characters, '' without a time.
        var rows = await connection.QueryAsync<WorkloadRow>(new CommandDefinition($"""
            SELECT study_date AS Day, hour AS Hour, CAST(SUM(studies) AS BIGINT) AS Studies
            FROM study_activity a WHERE modality IN {inList} AND study_date >= @From AND study_date <= @To{OnlyDevice("a", p)}
            GROUP BY study_date, hour
            """, p, cancellationToken: cancellationToken));
        var cells = new Dictionary<(DayOfWeek, int), long>();
        long withoutTime = 0;
        foreach (var r in rows)
        {
            if (!int.TryParse(r.Hour, NumberStyles.None, CultureInfo.InvariantCulture, out var hour) || hour > 23) { withoutTime += r.Studies; continue; }
            var key = (ParseDay(r.Day).DayOfWeek, hour);
            cells[key] = cells.GetValueOrDefault(key) + r.Studies;
        }
        return new Workload(cells.Select(c => new WorkloadCell(c.Key.Item1, c.Key.Item2, c.Value)).OrderBy(c => c.Weekday).ThenBy(c => c.Hour).ToList(), withoutTime);
    }

    /// <summary>
    /// MR series per protocol, SAR definition and operating mode, with the counts above each SAR threshold: every series
    /// of the window is counted (a compliance count is not sampled), from the study's day and modality on the events
    /// (0012) and ix_irradiation_events_mr_sar (0019), which holds what is grouped and counted.
    /// </summary>
    public async Task<IReadOnlyList<SarModeSummary>> SarByOperatingModeAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        var p = new DynamicParameters(new { From = Day(from), To = Day(to), NoGroup = ModalityQuantities.NoGroup });
        var above = string.Join(", ", SarThresholds.Select((t, i) =>
        {
            p.Add("T" + i.ToString(CultureInfo.InvariantCulture), t);
            return $"SUM(CASE WHEN e.sar_w_per_kg > @T{i} THEN 1 ELSE 0 END) AS Above{i}";
        }));
        // SQLite's planner prefers ix_irradiation_events_modality_day_started (it leads with modality) and reads each MR
        // row of the year from the table (0.32 s at 1M events, against 0.11 s from the partial index): told which to use.
        var index = connections.Provider == DatabaseProvider.Sqlite ? " INDEXED BY ix_irradiation_events_mr_sar" : "";
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<SarRow>(new CommandDefinition($"""
            SELECT COALESCE(e.protocol, @NoGroup) AS Protocol, e.sar_definition AS Definition, e.operating_mode AS Mode,
                COUNT(*) AS Series, MAX(e.sar_w_per_kg) AS Maximum, {above}
            FROM irradiation_events e{index}
            WHERE e.modality = 'MR' AND e.study_date >= @From AND e.study_date <= @To AND e.sar_w_per_kg IS NOT NULL{OnlyDevice("e", p)}
            GROUP BY COALESCE(e.protocol, @NoGroup), e.sar_definition, e.operating_mode
            ORDER BY Series DESC, Protocol
            """, p, cancellationToken: cancellationToken));
        return rows.Select(r => new SarModeSummary(r.Protocol, r.Definition, r.Mode, r.Series, r.Maximum,
            SarThresholds.Select((t, i) => (t, r.Above(i))).ToDictionary(x => x.t, x => x.Item2))).ToList();
    }

    /// <summary>
    /// Fluoroscopy studies (RF, XA) of [from, to] with a skin dose result, per device (most mapped studies first): with
    /// a peak skin dose (studies.peak_skin_dose_gy) or only a skin dose row without one (skin_dose_maps, the reason kept
    /// there), the largest peak, and how many peaks are at or above each of <paramref name="levelsGy"/>.
    /// </summary>
    public async Task<IReadOnlyList<PeakSkinDoseByDevice>> PeakSkinDoseByDeviceAsync(DateOnly from, DateOnly to, IReadOnlyList<double> levelsGy,
        CancellationToken cancellationToken = default)
    {
        var p = new DynamicParameters(new { From = Day(from), To = Day(to) });
        var atOrAbove = string.Concat(levelsGy.Select((level, i) =>
        {
            p.Add("L" + i.ToString(CultureInfo.InvariantCulture), level);
            return $", SUM(CASE WHEN s.peak_skin_dose_gy >= @L{i} THEN 1 ELSE 0 END) AS level{i}";
        }));
        const string WithoutMap = "s.peak_skin_dose_gy IS NULL AND EXISTS (SELECT 1 FROM skin_dose_maps m WHERE m.study_instance_uid = s.study_instance_uid)";
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync(new CommandDefinition($"""
            SELECT s.device_key AS device, COUNT(s.peak_skin_dose_gy) AS mapped, SUM(CASE WHEN {WithoutMap} THEN 1 ELSE 0 END) AS unmapped,
                MAX(s.peak_skin_dose_gy) AS maximum{atOrAbove}
            FROM studies s
            WHERE s.modality IN ('RF', 'XA') AND s.study_date >= @From AND s.study_date <= @To
                AND (s.peak_skin_dose_gy IS NOT NULL OR {WithoutMap}){OnlyDevice("s", p)}
            GROUP BY s.device_key
            """, p, cancellationToken: cancellationToken))).Cast<IDictionary<string, object?>>().ToList();
        var labels = await DeviceNameRepository.LabelsAsync(connections, rows.Select(r => (string)r["device"]!).ToList(), cancellationToken);
        return rows.Select(r => new PeakSkinDoseByDevice((string)r["device"]!, labels.GetValueOrDefault((string)r["device"]!) ?? (string)r["device"]!,
                Convert.ToInt64(r["mapped"], CultureInfo.InvariantCulture), Convert.ToInt64(r["unmapped"], CultureInfo.InvariantCulture),
                r["maximum"] is null ? null : Convert.ToDouble(r["maximum"], CultureInfo.InvariantCulture),
                levelsGy.Select((level, i) => (level, Convert.ToInt64(r["level" + i.ToString(CultureInfo.InvariantCulture)] ?? 0L, CultureInfo.InvariantCulture)))
                    .ToDictionary(x => x.level, x => x.Item2)))
            .OrderByDescending(d => d.StudiesWithMap).ThenBy(d => d.Device, StringComparer.Ordinal).ToList();
    }

    /// <summary>Every raw protocol name per modality and device, with its use over [from, to].</summary>
    public async Task<IReadOnlyList<RawProtocolUse>> RawProtocolsAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        // protocol_uses (0014) holds these counts per study day: a study is on one day, so its studies add up.
        var rows = (await connection.QueryAsync<RawProtocolRow>(new CommandDefinition("""
            SELECT modality AS Modality, protocol AS Protocol, device_key AS DeviceKey,
                CAST(SUM(events) AS BIGINT) AS Events, CAST(SUM(studies) AS BIGINT) AS Studies, MIN(study_date) AS FirstDay, MAX(study_date) AS LastDay
            FROM protocol_uses
            WHERE study_date >= @From AND study_date <= @To
            GROUP BY modality, protocol, device_key
            """, new { From = Day(from), To = Day(to) }, cancellationToken: cancellationToken)))
            .OrderByDescending(r => r.Events).ThenBy(r => r.Protocol, StringComparer.Ordinal).ThenBy(r => r.DeviceKey, StringComparer.Ordinal).ToList();
        var labels = await DeviceNameRepository.LabelsAsync(connections, rows.Select(r => r.DeviceKey).Distinct().ToList(), cancellationToken);
        return rows.Select(r => new RawProtocolUse(r.Modality, r.Protocol, r.DeviceKey, labels.GetValueOrDefault(r.DeviceKey) ?? r.DeviceKey,
            r.Events, r.Studies, TryParseDay(r.FirstDay), TryParseDay(r.LastDay))).ToList();
    }

    /// <summary>The quantity each modality's protocols are compared on in the Protocols page.</summary>
    public static DashboardQuantity? MainQuantity(string modality) => modality switch
    {
        "CT" => ModalityQuantities.CtdiVol,
        "DX" or "CR" => ModalityQuantities.RadiographyDap,
        "RF" or "XA" => ModalityQuantities.RadiographyDap with { Modalities = ModalityQuantities.FluoroscopyModalities, Label = "DAP per event" },
        "MG" => ModalityQuantities.Agd,
        "NM" or "PT" => ModalityQuantities.AdministeredActivity with { GroupSql = "COALESCE(e.protocol, @NoGroup)" },
        "MR" => ModalityQuantities.Sar,
        "US" => ModalityQuantities.MechanicalIndex with { GroupSql = "COALESCE(e.protocol, @NoGroup)" },
        _ => null,
    };

    private async Task<IReadOnlyList<GroupBox>> BoxesAsync(ValueQuery values, string partition, int maximumGroups, CancellationToken cancellationToken)
    {
        // Study-level values are one per study of the window (tens of thousands at a million events), read from one
        // index range since 0016: reading them and sorting each group here costs less than ranking them in SQL
        // (ROW_NUMBER, COUNT and AVG windows: 0.4 s on SQLite at 1M, against a tenth of that).
        await using var connection = await connections.OpenAsync(cancellationToken);
        var byKey = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        await using (var reader = await connection.ExecuteReaderAsync(new CommandDefinition(
            $"WITH v AS ({values.Sql}) SELECT {partition} AS k, value FROM v", values.Parameters, cancellationToken: cancellationToken)))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var key = reader.GetString(0);
                if (!byKey.TryGetValue(key, out var list)) byKey[key] = list = [];
                list.Add(reader.GetDouble(1));
            }
        }
        return byKey.OrderByDescending(g => g.Value.Count).ThenBy(g => g.Key, StringComparer.Ordinal).Take(Math.Max(1, maximumGroups))
            .Select(g => new GroupBox(g.Key, g.Key, BoxSummary.Of(g.Value))).ToList();
    }

    private sealed record ValueQuery(string Sql, DynamicParameters Parameters);

    /// <summary>
    /// One row per value of <paramref name="quantity"/> in [from, to]: uid, grp, device, day, x, value (never NULL), and
    /// for event-level values the recency keys started (start time) and ev (event UID).
    /// </summary>
    private ValueQuery Values(DashboardQuantity quantity, DateOnly from, DateOnly to, string? group, ScatterAxis? axis)
    {
        var p = new DynamicParameters(new { From = Day(from), To = Day(to), NoGroup = ModalityQuantities.NoGroup });
        var modalities = InList(p, "m", quantity.Modalities);
        string inner;
        if (quantity.Level == DoseLevel.Event)
        {
            // The study's day, modality and device are on the event (0012, 0014); the study itself only for its weight.
            var study = axis is { NeedsEvent: false } ? "JOIN studies s ON s.study_instance_uid = e.study_instance_uid" : "";
            inner = $"""
                SELECT e.study_instance_uid AS uid, {quantity.GroupSql} AS grp, COALESCE(e.device_key, '') AS device, e.study_date AS day,
                    {axis?.Sql ?? "NULL"} AS x, {quantity.ValueSql} AS value, e.started_at AS started, e.event_uid AS ev
                FROM irradiation_events e {study}
                WHERE e.modality IN {modalities} AND e.study_date >= @From AND e.study_date <= @To AND {quantity.ValueSql} IS NOT NULL{OnlyDevice("e", p)}
                """;
        }
        else
        {
            // Study level: the value and the procedure's protocol fallback are subqueries of the study's own rows.
            inner = $"""
                SELECT s.study_instance_uid AS uid, {quantity.GroupSql} AS grp, s.device_key AS device, s.study_date AS day,
                    {(axis is null || axis.NeedsEvent ? "NULL" : axis.Sql)} AS x, {quantity.ValueSql} AS value, NULL AS started, NULL AS ev
                FROM studies s
                WHERE s.modality IN {modalities} AND s.study_date >= @From AND s.study_date <= @To{OnlyDevice("s", p)}
                """;
        }
        var sql = $"SELECT uid, grp, device, day, x, value, started, ev FROM ({inner}) q WHERE value IS NOT NULL";
        if (group is not null)
        {
            p.Add("Group", group);
            sql += " AND grp = @Group";
        }
        return new ValueQuery(sql, p);
    }

    /// <summary>
    /// How many of a modality's most recent values the boxes of a grouping other than the protocol (radiopharmaceutical,
    /// preset) are drawn from. No summary counts those groups and no index leads with them, so ranking them over a year
    /// read every event of the year: 8 s for the nuclear medicine page and 50 s for ultrasound at 10M events on SQLite.
    /// </summary>
    public const int GroupedSampleValues = 20_000;

    /// <summary>
    /// Event-level boxes over the latest values: of each group, or, given <paramref name="group"/>, of each device that
    /// did it, at most <paramref name="maximum"/>. Protocols are ranked by their events in [from, to] (protocol_uses),
    /// those with no value skipped; any other grouping by its values among the modality's latest
    /// <see cref="GroupedSampleValues"/>, each box over its latest <paramref name="valuesPerGroup"/> of them.
    /// </summary>
    private async Task<IReadOnlyList<GroupBox>> LatestBoxesAsync(DbConnection connection, DashboardQuantity quantity, DateOnly from, DateOnly to,
        string? group, int maximum, int valuesPerGroup, CancellationToken cancellationToken)
    {
        if (quantity.GroupSql == ModalityQuantities.ProtocolGroupSql)
        {
            var keys = await ProtocolUseKeysAsync(connection, quantity, from, to, group, cancellationToken);
            var boxes = new List<GroupBox>();
            foreach (var key in keys.OrderByDescending(k => k.N).ThenBy(k => k.K, StringComparer.Ordinal))
            {
                if (boxes.Count >= maximum) break;
                var values = await LatestValuesAsync(connection, quantity, from, to, group ?? key.K, group is null ? deviceKey : key.K, valuesPerGroup, cancellationToken);
                if (values.Count > 0) boxes.Add(new GroupBox(key.K, key.K, BoxSummary.Of(values)));
            }
            return boxes;
        }
        // Newest first, so each key's first values are its latest.
        var sample = await LatestModalityValuesAsync(connection, quantity, from, to, group, GroupedSampleValues, cancellationToken);
        return sample.GroupBy(r => r.K, StringComparer.Ordinal)
            .Select(g => (Key: g.Key, Count: g.Count(), Values: g.Take(Math.Max(1, valuesPerGroup)).Select(r => r.Value).ToList()))
            .OrderByDescending(g => g.Count).ThenBy(g => g.Key, StringComparer.Ordinal).Take(maximum)
            .Select(g => new GroupBox(g.Key, g.Key, BoxSummary.Of(g.Values))).ToList();
    }

    /// <summary>Protocols (or, for one protocol, devices) of the quantity's modalities with their events in [from, to], from protocol_uses (0014).</summary>
    private async Task<List<KeyCountRow>> ProtocolUseKeysAsync(DbConnection connection, DashboardQuantity quantity, DateOnly from, DateOnly to,
        string? protocol, CancellationToken cancellationToken)
    {
        var p = new DynamicParameters(new { From = Day(from), To = Day(to), Protocol = protocol });
        var modalities = InList(p, "m", quantity.Modalities);
        var key = protocol is null ? "protocol" : "device_key";
        return (await connection.QueryAsync<KeyCountRow>(new CommandDefinition($"""
            SELECT {key} AS K, CAST(SUM(events) AS BIGINT) AS N FROM protocol_uses u
            WHERE modality IN {modalities} AND study_date >= @From AND study_date <= @To{(protocol is null ? "" : " AND protocol = @Protocol")}{OnlyDevice("u", p)}
            GROUP BY {key}
            """, p, cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>
    /// Rows newest first over [from, to], read in day ranges that double (1, 2, 4, ... days back from
    /// <paramref name="to"/>) until <paramref name="limit"/> rows: <paramref name="read"/> gets a range and how many rows
    /// are still wanted, and returns them newest first. A busy modality reads its last days, a quiet one a few ranges.
    /// One statement over the whole window, cut by LIMIT, left the plan to the row estimates: PostgreSQL estimated 106 US
    /// values of one preset where there were 71,000 (an expression it has no statistics on), or 31,000 US values with a
    /// mechanical index where there were 167,000 (the columns taken as independent), and sorted the year's rows instead
    /// of walking the index (0.8-0.9 s at 1M events). A range of days costs about its rows whichever plan is taken.
    /// </summary>
    private static async Task<List<T>> NewestFirstAsync<T>(DateOnly from, DateOnly to, int limit, Func<DateOnly, DateOnly, int, Task<IEnumerable<T>>> read)
    {
        var rows = new List<T>();
        var span = 1;
        for (var last = to; last >= from && rows.Count < limit; span *= 2)
        {
            var first = DateOnly.FromDayNumber(Math.Max(from.DayNumber, last.DayNumber - (span - 1)));
            rows.AddRange(await read(first, last, limit - rows.Count));
            last = first.AddDays(-1);
        }
        return rows;
    }

    /// <summary>
    /// The <paramref name="limit"/> most recent values of the quantity in [from, to] (optionally of one group), newest
    /// first, each with its group (or, given <paramref name="group"/>, its device): in day ranges (<see cref="NewestFirstAsync"/>),
    /// per modality a backward walk of ix_irradiation_events_modality_day_started (0015) that stops at the limit, the
    /// walks merged by the same order.
    /// </summary>
    private Task<List<KeyValueRow>> LatestModalityValuesAsync(DbConnection connection, DashboardQuantity quantity, DateOnly from, DateOnly to,
        string? group, int limit, CancellationToken cancellationToken)
    {
        if (quantity.Modalities.Count == 0) return Task.FromResult(new List<KeyValueRow>());
        var key = group is null ? quantity.GroupSql : "COALESCE(e.device_key, '')";
        // DESC NULLS LAST on both engines: SQLite's backward walk puts NULL start times last; PostgreSQL's index has them first.
        const string newest = "ORDER BY day DESC, started DESC NULLS LAST, uid DESC, ev DESC";
        var walks = string.Join(" UNION ALL ", quantity.Modalities.Select((m, i) => $"""
            SELECT * FROM (
                SELECT {key} AS k, {quantity.ValueSql} AS value, e.study_date AS day, e.started_at AS started, e.study_instance_uid AS uid, e.event_uid AS ev
                FROM irradiation_events e
                WHERE e.modality = @m{i} AND e.study_date >= @From AND e.study_date <= @To AND {quantity.ValueSql} IS NOT NULL{(group is null ? "" : $" AND {quantity.GroupSql} = @Group")}{(deviceKey is null ? "" : " AND e.device_key = @OnlyDevice")}
                {newest} LIMIT @Values) w{i}
            """));
        return NewestFirstAsync(from, to, Math.Max(1, limit), (first, last, wanted) =>
        {
            var p = new DynamicParameters(new { From = Day(first), To = Day(last), NoGroup = ModalityQuantities.NoGroup, Group = group, Values = wanted });
            if (deviceKey is not null) p.Add("OnlyDevice", deviceKey);
            for (var i = 0; i < quantity.Modalities.Count; i++) p.Add("m" + i.ToString(CultureInfo.InvariantCulture), quantity.Modalities[i]);
            return connection.QueryAsync<KeyValueRow>(new CommandDefinition(
                $"SELECT k AS K, value AS Value FROM ({walks}) latest {newest} LIMIT @Values", p, cancellationToken: cancellationToken));
        });
    }

    /// <summary>
    /// The <paramref name="limit"/> most recent values of one protocol (optionally on one device): in day ranges
    /// (<see cref="NewestFirstAsync"/>), per modality, and for "(no protocol)" per spelling (NULL or the literal), a
    /// backward walk of ix_irradiation_events_modality_protocol_device_day or _modality_protocol_day that stops at the
    /// limit; the walks are merged by the same order.
    /// </summary>
    private static Task<List<double>> LatestValuesAsync(DbConnection connection, DashboardQuantity quantity, DateOnly from, DateOnly to,
        string protocol, string? device, int limit, CancellationToken cancellationToken)
    {
        string[] protocols = protocol == ModalityQuantities.NoGroup ? ["e.protocol IS NULL", "e.protocol = @Protocol"] : ["e.protocol = @Protocol"];
        var walks = string.Join(" UNION ALL ", quantity.Modalities.SelectMany((m, i) => protocols.Select((condition, j) => $"""
            SELECT * FROM (
                SELECT {quantity.ValueSql} AS value, e.study_date AS day, e.started_at AS started, e.study_instance_uid AS uid, e.event_uid AS ev
                FROM irradiation_events e
                WHERE e.modality = @m{i} AND {condition}{(device is null ? "" : " AND e.device_key = @Device")}
                    AND e.study_date >= @From AND e.study_date <= @To AND {quantity.ValueSql} IS NOT NULL
                ORDER BY e.study_date DESC, e.started_at DESC, e.study_instance_uid DESC, e.event_uid DESC LIMIT @Values) w{i}_{j}
            """)));
        if (walks.Length == 0) return Task.FromResult(new List<double>());
        return NewestFirstAsync(from, to, Math.Max(1, limit), (first, last, wanted) =>
        {
            var p = new DynamicParameters(new { From = Day(first), To = Day(last), Protocol = protocol, Device = device, Values = wanted });
            for (var i = 0; i < quantity.Modalities.Count; i++) p.Add("m" + i.ToString(CultureInfo.InvariantCulture), quantity.Modalities[i]);
            return connection.QueryAsync<double>(new CommandDefinition(
                $"SELECT value FROM ({walks}) latest ORDER BY day DESC, started DESC, uid DESC, ev DESC LIMIT @Values", p, cancellationToken: cancellationToken));
        });
    }

    /// <summary>"(@m0, @m1, ...)": Npgsql would bind a list as one array parameter, which IN does not accept.</summary>
    private static string InList(DynamicParameters p, string prefix, IReadOnlyList<string> values)
    {
        if (values.Count == 0) return "(NULL)";
        for (var i = 0; i < values.Count; i++) p.Add(prefix + i.ToString(CultureInfo.InvariantCulture), values[i]);
        return "(" + string.Join(", ", values.Select((_, i) => "@" + prefix + i.ToString(CultureInfo.InvariantCulture))) + ")";
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly ParseDay(string day) => DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly? TryParseDay(string? day) =>
        DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    private sealed class PairCountRow
    {
        public string Protocol { get; set; } = "";
        public string DeviceKey { get; set; } = "";
        public long N { get; set; }
    }

    private sealed class KeyCountRow
    {
        public string K { get; set; } = "";
        public long N { get; set; }
    }

    private sealed class KeyValueRow
    {
        public string K { get; set; } = "";
        public double Value { get; set; }
    }

    private sealed class SarRow
    {
        public string Protocol { get; set; } = "";
        public string? Definition { get; set; }
        public string? Mode { get; set; }
        public long Series { get; set; }
        public double Maximum { get; set; }
        public long Above0 { get; set; }
        public long Above1 { get; set; }
        public long Above2 { get; set; }
        public long Above3 { get; set; }

        public long Above(int index) => index switch { 0 => Above0, 1 => Above1, 2 => Above2, 3 => Above3, _ => throw new ArgumentOutOfRangeException(nameof(index)) };
    }

    private sealed class ScatterRow
    {
        public string Uid { get; set; } = "";
        public string Grp { get; set; } = "";
        public string Day { get; set; } = "";
        public double X { get; set; }
        public double Value { get; set; }
    }

    private sealed class WorkloadRow
    {
        public string Day { get; set; } = "";
        public string? Hour { get; set; }
        public long Studies { get; set; }
    }

    private sealed class RawProtocolRow
    {
        public string Modality { get; set; } = "";
        public string Protocol { get; set; } = "";
        public string DeviceKey { get; set; } = "";
        public long Events { get; set; }
        public long Studies { get; set; }
        public string? FirstDay { get; set; }
        public string? LastDay { get; set; }
    }
}
