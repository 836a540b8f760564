using System.Globalization;
using Dapper;

namespace DoseWatch.Data.Repositories;

/// <summary>
/// The aggregates behind the dashboards, computed by the database so that a page reads tens of rows, not a year of
/// events. Portable SQL (window functions exist in SQLite 3.25+ and PostgreSQL); study_date is ISO text, so day ranges
/// are string comparisons that use ix_studies_study_date / ix_studies_modality.
/// </summary>
public sealed class DashboardRepository(IDbConnectionFactory connections)
{
    /// <summary>Per-study dose quantities by modality; modalities not listed here (MR, US) have no summable study dose.</summary>
    public static readonly IReadOnlyList<StudyDoseQuantity> StudyDoseQuantities =
    [
        new("CT", "dlp_mgy_cm", "DLP", "mGy·cm"),
        new("DX", "dap_gy_cm2", "DAP", "Gy·cm²"),
        new("CR", "dap_gy_cm2", "DAP", "Gy·cm²"),
        new("RF", "dap_gy_cm2", "DAP", "Gy·cm²"),
        new("XA", "dap_gy_cm2", "DAP", "Gy·cm²"),
        new("MG", "agd_mgy", "AGD", "mGy"),
        new("NM", "administered_activity_mbq", "Administered activity", "MBq"),
        new("PT", "administered_activity_mbq", "Administered activity", "MBq"),
    ];

    public const string NoProtocol = "(no protocol)";

    public async Task<DateOnly?> LatestStudyDayAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var day = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT MAX(study_date) FROM studies", cancellationToken: cancellationToken));
        return ParseDay(day);
    }

    public async Task<IReadOnlyList<ModalityActivity>> ActivityAsync(DateOnly anchorDay, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<ActivityRow>(new CommandDefinition("""
            SELECT COALESCE(s.modality, '') AS Modality,
                COUNT(DISTINCT CASE WHEN s.study_date >= @From7 THEN s.study_instance_uid END) AS Studies7Days,
                COUNT(CASE WHEN s.study_date >= @From7 THEN e.event_uid END) AS Events7Days,
                COUNT(DISTINCT s.study_instance_uid) AS Studies30Days,
                COUNT(e.event_uid) AS Events30Days
            FROM studies s LEFT JOIN irradiation_events e ON e.study_instance_uid = s.study_instance_uid
            WHERE s.study_date >= @From30 AND s.study_date <= @To
            GROUP BY COALESCE(s.modality, '')
            ORDER BY Studies30Days DESC, Modality
            """, new { From7 = Day(anchorDay.AddDays(-6)), From30 = Day(anchorDay.AddDays(-29)), To = Day(anchorDay) },
            cancellationToken: cancellationToken));
        return rows.Select(r => new ModalityActivity(r.Modality, r.Studies7Days, r.Events7Days, r.Studies30Days, r.Events30Days)).ToList();
    }

    /// <summary>
    /// CTDIvol and DLP per protocol for the <paramref name="maximumProtocols"/> protocols with the most CT events in
    /// [from, to], each with at most <paramref name="maximumValuesPerProtocol"/> of its most recent events.
    /// </summary>
    public async Task<IReadOnlyList<CtProtocolDoses>> CtProtocolDosesAsync(DateOnly from, DateOnly to, int maximumProtocols = 20,
        int maximumValuesPerProtocol = 2000, CancellationToken cancellationToken = default)
    {
        const string ctEvents = """
            FROM irradiation_events e JOIN studies s ON s.study_instance_uid = e.study_instance_uid
            WHERE s.modality = 'CT' AND s.study_date >= @From AND s.study_date <= @To
                AND (e.ctdivol_mgy IS NOT NULL OR e.dlp_mgy_cm IS NOT NULL)
            """;
        var p = new DynamicParameters(new { From = Day(from), To = Day(to), NoProtocol, Protocols = Math.Max(1, maximumProtocols), Values = Math.Max(1, maximumValuesPerProtocol) });
        await using var connection = await connections.OpenAsync(cancellationToken);
        var counts = (await connection.QueryAsync<ProtocolCountRow>(new CommandDefinition($"""
            SELECT COALESCE(e.protocol, @NoProtocol) AS Protocol, COUNT(*) AS Events {ctEvents}
            GROUP BY COALESCE(e.protocol, @NoProtocol) ORDER BY Events DESC, Protocol LIMIT @Protocols
            """, p, cancellationToken: cancellationToken))).ToList();
        if (counts.Count == 0) return [];

        // "(@p0, @p1, ...)": Npgsql would bind a list as one array parameter, which IN does not accept.
        for (var i = 0; i < counts.Count; i++) p.Add("p" + i.ToString(CultureInfo.InvariantCulture), counts[i].Protocol);
        var inList = "(" + string.Join(", ", counts.Select((_, i) => "@p" + i.ToString(CultureInfo.InvariantCulture))) + ")";
        // Ranking every CT event of the year sorted ~500k rows at 1M events. The most recent @Values events of a
        // protocol all lie on or after the latest day whose events, counted back from the newest day, reach @Values
        // (study_date is the first ranking key), so only those days are ranked; same rows, a few thousand sorted.
        var values = await connection.QueryAsync<ProtocolValueRow>(new CommandDefinition($"""
            WITH per_day AS (
                SELECT COALESCE(e.protocol, @NoProtocol) AS protocol, s.study_date AS day, COUNT(*) AS events
                {ctEvents} AND COALESCE(e.protocol, @NoProtocol) IN {inList}
                GROUP BY COALESCE(e.protocol, @NoProtocol), s.study_date
            ), cutoff AS (
                SELECT protocol, MAX(day) AS from_day FROM (
                    SELECT protocol, day, SUM(events) OVER (PARTITION BY protocol ORDER BY day DESC) AS newer_events FROM per_day
                ) running WHERE newer_events >= @Values GROUP BY protocol
            )
            SELECT Protocol, StudyInstanceUid, CtdiVolMGy, DlpMGyCm FROM (
                SELECT COALESCE(e.protocol, @NoProtocol) AS Protocol, e.study_instance_uid AS StudyInstanceUid, e.ctdivol_mgy AS CtdiVolMGy, e.dlp_mgy_cm AS DlpMGyCm,
                    ROW_NUMBER() OVER (PARTITION BY COALESCE(e.protocol, @NoProtocol)
                        ORDER BY s.study_date DESC, e.started_at DESC, e.study_instance_uid, e.event_uid) AS Recent
                FROM irradiation_events e JOIN studies s ON s.study_instance_uid = e.study_instance_uid
                    LEFT JOIN cutoff c ON c.protocol = COALESCE(e.protocol, @NoProtocol)
                WHERE s.modality = 'CT' AND s.study_date >= @From AND s.study_date <= @To
                    AND (e.ctdivol_mgy IS NOT NULL OR e.dlp_mgy_cm IS NOT NULL)
                    AND COALESCE(e.protocol, @NoProtocol) IN {inList} AND s.study_date >= COALESCE(c.from_day, '')
            ) ranked WHERE Recent <= @Values
            """, p, cancellationToken: cancellationToken));
        var byProtocol = values.ToLookup(v => v.Protocol, StringComparer.Ordinal);
        return counts.Select(c =>
        {
            var ctdi = byProtocol[c.Protocol].Where(v => v.CtdiVolMGy is not null).ToList();
            var dlp = byProtocol[c.Protocol].Where(v => v.DlpMGyCm is not null).ToList();
            return new CtProtocolDoses(c.Protocol, c.Events, ctdi.Select(v => v.CtdiVolMGy!.Value).ToList(), dlp.Select(v => v.DlpMGyCm!.Value).ToList())
            {
                CtdiVolStudyUids = ctdi.Select(v => v.StudyInstanceUid).ToList(),
                DlpStudyUids = dlp.Select(v => v.StudyInstanceUid).ToList(),
            };
        }).ToList();
    }

    /// <summary>Per modality and day in [from, to], the median over studies of the study's summed dose quantity.</summary>
    public async Task<IReadOnlyList<DailyMedianDose>> DailyMedianStudyDoseAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        var quantity = "CASE s.modality " + string.Join(" ", StudyDoseQuantities.Select(q => $"WHEN '{q.Modality}' THEN e.{q.Column}")) + " END";
        await using var connection = await connections.OpenAsync(cancellationToken);
        // The median is the middle row, or the mean of the two middle rows, of each (modality, day) ordered by dose.
        var rows = await connection.QueryAsync<DailyMedianRow>(new CommandDefinition($"""
            WITH study_dose AS (
                SELECT s.modality AS modality, s.study_date AS day, SUM({quantity}) AS dose
                FROM studies s JOIN irradiation_events e ON e.study_instance_uid = s.study_instance_uid
                WHERE s.study_date >= @From AND s.study_date <= @To
                GROUP BY s.study_instance_uid, s.modality, s.study_date
            ), ranked AS (
                SELECT modality, day, dose,
                    ROW_NUMBER() OVER (PARTITION BY modality, day ORDER BY dose) AS position,
                    COUNT(*) OVER (PARTITION BY modality, day) AS studies
                FROM study_dose WHERE dose IS NOT NULL
            )
            SELECT modality AS Modality, day AS Day, AVG(dose) AS Median, MAX(studies) AS Studies
            FROM ranked WHERE position IN ((studies + 1) / 2, (studies + 2) / 2)
            GROUP BY modality, day ORDER BY modality, day
            """, new { From = Day(from), To = Day(to) }, cancellationToken: cancellationToken));
        var quantities = StudyDoseQuantities.ToDictionary(q => q.Modality, StringComparer.Ordinal);
        return rows.Select(r => new DailyMedianDose(quantities[r.Modality], ParseDay(r.Day)!.Value, r.Median, r.Studies)).ToList();
    }

    /// <summary>
    /// Devices with at least <paramref name="minimumActiveDays"/> days of studies whose last study is more than
    /// <paramref name="gapFactor"/> typical gaps (and more than a weekend) before <paramref name="anchorDay"/>.
    /// </summary>
    public async Task<IReadOnlyList<SilentDevice>> SilentDevicesAsync(DateOnly anchorDay, double gapFactor = 3, int minimumActiveDays = 3,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<DeviceActivityRow>(new CommandDefinition("""
            SELECT device_key AS DeviceKey, MAX(modality) AS Modality, MAX(manufacturer) AS Manufacturer, MAX(model) AS Model,
                MAX(station_name) AS StationName, MIN(study_date) AS FirstDay, MAX(study_date) AS LastDay,
                COUNT(DISTINCT study_date) AS ActiveDays
            FROM studies WHERE device_key <> '' AND study_date IS NOT NULL AND study_date <= @To
            GROUP BY device_key HAVING COUNT(DISTINCT study_date) >= @MinimumActiveDays
            """, new { To = Day(anchorDay), MinimumActiveDays = minimumActiveDays }, cancellationToken: cancellationToken));
        var silent = new List<SilentDevice>();
        foreach (var r in rows)
        {
            var first = ParseDay(r.FirstDay)!.Value;
            var last = ParseDay(r.LastDay)!.Value;
            var typicalGap = (last.DayNumber - first.DayNumber) / (double)(r.ActiveDays - 1);
            var daysSilent = anchorDay.DayNumber - last.DayNumber;
            // A weekend is never news: at least 3 days before a daily device counts as silent.
            if (daysSilent > Math.Max(gapFactor * typicalGap, 3))
                silent.Add(new SilentDevice(r.DeviceKey, r.Modality, r.Manufacturer, r.Model, r.StationName, first, last, r.ActiveDays, typicalGap, daysSilent));
        }
        return silent.OrderByDescending(d => d.DaysSilent / Math.Max(d.TypicalGapDays, 1)).ToList();
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly? ParseDay(string? day) =>
        DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    private sealed class ActivityRow
    {
        public string Modality { get; set; } = "";
        public long Studies7Days { get; set; }
        public long Events7Days { get; set; }
        public long Studies30Days { get; set; }
        public long Events30Days { get; set; }
    }

    private sealed class ProtocolCountRow
    {
        public string Protocol { get; set; } = "";
        public long Events { get; set; }
    }

    private sealed class ProtocolValueRow
    {
        public string Protocol { get; set; } = "";
        public string StudyInstanceUid { get; set; } = "";
        public double? CtdiVolMGy { get; set; }
        public double? DlpMGyCm { get; set; }
    }

    private sealed class DailyMedianRow
    {
        public string Modality { get; set; } = "";
        public string Day { get; set; } = "";
        public double Median { get; set; }
        public long Studies { get; set; }
    }

    private sealed class DeviceActivityRow
    {
        public string DeviceKey { get; set; } = "";
        public string? Modality { get; set; }
        public string? Manufacturer { get; set; }
        public string? Model { get; set; }
        public string? StationName { get; set; }
        public string? FirstDay { get; set; }
        public string? LastDay { get; set; }
        public long ActiveDays { get; set; }
    }
}
