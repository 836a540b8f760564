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

    /// <summary>The earliest study day (MIN over ix_studies' date), where "all time" starts; null without studies.</summary>
    public async Task<DateOnly?> EarliestStudyDayAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var day = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT MIN(study_date) FROM studies", cancellationToken: cancellationToken));
        return ParseDay(day);
    }

    /// <summary>Studies and irradiation events per modality in the 7 and the 30 days to <paramref name="anchorDay"/>.</summary>
    public Task<IReadOnlyList<ModalityActivity>> ActivityAsync(DateOnly anchorDay, CancellationToken cancellationToken = default) =>
        ActivityAsync(anchorDay, null, cancellationToken);

    /// <summary>As above, of one device's studies when <paramref name="deviceKey"/> is given (study_activity counts per device).</summary>
    public async Task<IReadOnlyList<ModalityActivity>> ActivityAsync(DateOnly anchorDay, string? deviceKey, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        // The studies and events per day and modality kept at save time (study_activity, 0021): a month of summary rows
        // instead of the month's studies (0.37 s at 10M events).
        var rows = await connection.QueryAsync<ActivityRow>(new CommandDefinition($"""
            SELECT modality AS Modality,
                CAST(COALESCE(SUM(CASE WHEN study_date >= @From7 THEN studies END), 0) AS BIGINT) AS Studies7Days,
                CAST(COALESCE(SUM(CASE WHEN study_date >= @From7 THEN events END), 0) AS BIGINT) AS Events7Days,
                CAST(SUM(studies) AS BIGINT) AS Studies30Days,
                CAST(SUM(events) AS BIGINT) AS Events30Days
            FROM study_activity
            WHERE study_date >= @From30 AND study_date <= @To{(deviceKey is null ? "" : " AND device_key = @Device")}
            GROUP BY modality
            ORDER BY Studies30Days DESC, Modality
            """, new { From7 = Day(anchorDay.AddDays(-6)), From30 = Day(anchorDay.AddDays(-29)), To = Day(anchorDay), Device = deviceKey },
            cancellationToken: cancellationToken));
        return rows.Select(r => new ModalityActivity(r.Modality, r.Studies7Days, r.Events7Days, r.Studies30Days, r.Events30Days)).ToList();
    }

    /// <summary>
    /// CTDIvol and DLP per protocol for the <paramref name="maximumProtocols"/> protocols with the most CT events in
    /// [from, to] (events with a CTDIvol or a DLP; ties by protocol name), each with at most
    /// <paramref name="maximumValuesPerProtocol"/> of its most recent events (newest day, then latest start, then study
    /// and event UID). Events without a protocol are listed under <see cref="NoProtocol"/>.
    /// </summary>
    public async Task<IReadOnlyList<CtProtocolDoses>> CtProtocolDosesAsync(DateOnly from, DateOnly to, int maximumProtocols = 20,
        int maximumValuesPerProtocol = 2000, CancellationToken cancellationToken = default) =>
        await CtProtocolDosesAsync(from, to, null, maximumProtocols, maximumValuesPerProtocol, cancellationToken);

    /// <summary>
    /// As <see cref="CtProtocolDosesAsync(DateOnly, DateOnly, int, int, CancellationToken)"/> for one device's studies
    /// (<paramref name="deviceKey"/>; null is every device, the dashboards' device filter of issue #21). A device's
    /// protocols are ranked by their events in protocol_uses (0014), which counts per device.
    /// </summary>
    public async Task<IReadOnlyList<CtProtocolDoses>> CtProtocolDosesAsync(DateOnly from, DateOnly to, string? deviceKey, int maximumProtocols = 20,
        int maximumValuesPerProtocol = 2000, CancellationToken cancellationToken = default)
    {
        var p = new DynamicParameters(new { From = Day(from), To = Day(to), NoProtocol, Protocols = Math.Max(1, maximumProtocols), Values = Math.Max(1, maximumValuesPerProtocol) });
        if (deviceKey is not null) p.Add("OnlyDevice", deviceKey);
        await using var connection = await connections.OpenAsync(cancellationToken);
        var counts = (await connection.QueryAsync<ProtocolCountRow>(new CommandDefinition(deviceKey is null ? CtProtocolCountsSql : CtDeviceProtocolCountsSql, p,
            cancellationToken: cancellationToken))).ToList();
        if (counts.Count == 0) return [];

        // Per protocol, its newest events are the end of one range of ix_irradiation_events_modality_protocol_day
        // (modality, protocol, study_date, started_at, study UID, event UID: the ranking keys in index order), read
        // backwards and cut at @Values; no join to studies (the events carry the study's day and modality, 0012).
        var selects = new List<string>();
        for (var i = 0; i < counts.Count; i++)
        {
            var name = "p" + i.ToString(CultureInfo.InvariantCulture);
            p.Add(name, counts[i].Protocol);
            // "(no protocol)" gathers the events without one and any protocol literally named so, as the counts do.
            var protocol = counts[i].Protocol == NoProtocol ? $"(e.protocol IS NULL OR e.protocol = @{name})" : $"e.protocol = @{name}";
            selects.Add($"""
                SELECT * FROM (
                    SELECT COALESCE(e.protocol, @NoProtocol) AS Protocol, e.study_instance_uid AS StudyInstanceUid, e.ctdivol_mgy AS CtdiVolMGy, e.dlp_mgy_cm AS DlpMGyCm,
                        e.device_key AS DeviceKey, e.study_date AS StudyDate, COALESCE(e.acquisition_type_meaning, e.acquisition_type_code) AS AcquisitionType
                    FROM irradiation_events e
                    WHERE e.modality = 'CT' AND {protocol} AND e.study_date >= @From AND e.study_date <= @To{(deviceKey is null ? "" : " AND e.device_key = @OnlyDevice")}
                        AND (e.ctdivol_mgy IS NOT NULL OR e.dlp_mgy_cm IS NOT NULL) AND {NotLocalizer}
                    ORDER BY e.study_date DESC, e.started_at DESC, e.study_instance_uid, e.event_uid LIMIT @Values
                ) AS {name}
                """);
        }
        var values = await connection.QueryAsync<ProtocolValueRow>(new CommandDefinition(
            string.Join("\nUNION ALL\n", selects), p, cancellationToken: cancellationToken));
        var byProtocol = values.ToLookup(v => v.Protocol, StringComparer.Ordinal);
        var devices = await DeviceNameRepository.LabelsAsync(connection, values.Select(v => v.DeviceKey).OfType<string>().Distinct(StringComparer.Ordinal).ToList(), cancellationToken);
        CtChartPoint Point(ProtocolValueRow v) => new(v.StudyInstanceUid, v.DeviceKey is { } k ? devices.GetValueOrDefault(k) : null, v.StudyDate, v.AcquisitionType);
        return counts.Select(c =>
        {
            var ctdi = byProtocol[c.Protocol].Where(v => v.CtdiVolMGy is not null).ToList();
            var dlp = byProtocol[c.Protocol].Where(v => v.DlpMGyCm is not null).ToList();
            return new CtProtocolDoses(c.Protocol, c.Events, ctdi.Select(v => v.CtdiVolMGy!.Value).ToList(), dlp.Select(v => v.DlpMGyCm!.Value).ToList())
            {
                CtdiVolStudyUids = ctdi.Select(v => v.StudyInstanceUid).ToList(),
                DlpStudyUids = dlp.Select(v => v.StudyInstanceUid).ToList(),
                CtdiVolPoints = ctdi.Select(Point).ToList(),
                DlpPoints = dlp.Select(Point).ToList(),
            };
        }).ToList();
    }

    /// <summary>
    /// CT localizers (Constant Angle Acquisition) are left out of the CT page's values as they are of the CT modality
    /// page and /protocols (<see cref="ModalityQuantities.ConstantAngleAcquisition"/>): a scout carries the protocol's
    /// name, and its tenth of a milligray pulled CT HEAD ROUTINE's median CTDIvol to 0.15 mGy.
    /// </summary>
    internal static readonly string NotLocalizer = $"(e.acquisition_type_code IS NULL OR e.acquisition_type_code <> '{ModalityQuantities.ConstantAngleAcquisition}')";

    // One device's CT events per protocol in [@From, @To] (protocol_uses, 0014, counts per device; "(no protocol)" as above).
    private const string CtDeviceProtocolCountsSql = """
        SELECT protocol AS Protocol, CAST(SUM(events) AS BIGINT) AS Events FROM protocol_uses
        WHERE modality = 'CT' AND device_key = @OnlyDevice AND study_date >= @From AND study_date <= @To
        GROUP BY protocol HAVING SUM(events) > 0
        ORDER BY Events DESC, Protocol LIMIT @Protocols
        """;

    // CT events per protocol in [@From, @To] from the per-day counts kept at save time (protocol_day_events, 0013):
    // about protocols × days rows instead of every CT event. Ties order by the database's collation, as they always did.
    private const string CtProtocolCountsSql = """
        SELECT protocol AS Protocol, CAST(SUM(dose_events) AS BIGINT) AS Events FROM protocol_day_events
        WHERE modality = 'CT' AND study_date >= @From AND study_date <= @To
        GROUP BY protocol HAVING SUM(dose_events) > 0
        ORDER BY Events DESC, Protocol LIMIT @Protocols
        """;

    /// <summary>
    /// Per modality and day in [from, to], the median over studies of the study's dose (studies.headline_dose, 0012),
    /// as kept per day at save time (daily_study_doses, 0013). Since migration 0012 the study dose counts its best
    /// source only, as the study page and the browser do: a study with a dose report and image headers is its report's
    /// dose. Before, this summed every stored event of the study, so such a study was counted with its headers added.
    /// </summary>
    /// <summary>
    /// As <see cref="DailyMedianStudyDoseAsync(DateOnly, DateOnly, CancellationToken)"/> for one device's studies: the
    /// summary has no device, so the device's studies of the window are read (ix_studies_device_date) and each day's
    /// median taken here, the same way (the middle study, or the mean of the two middle ones, by headline dose).
    /// </summary>
    public async Task<IReadOnlyList<DailyMedianDose>> DailyMedianStudyDoseAsync(DateOnly from, DateOnly to, string? deviceKey, CancellationToken cancellationToken = default)
    {
        if (deviceKey is null) return await DailyMedianStudyDoseAsync(from, to, cancellationToken);
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Modality, string Day, double Dose)>(new CommandDefinition("""
            SELECT modality, study_date, headline_dose FROM studies
            WHERE device_key = @Device AND study_date >= @From AND study_date <= @To AND headline_dose IS NOT NULL AND modality IS NOT NULL
            """, new { Device = deviceKey, From = Day(from), To = Day(to) }, cancellationToken: cancellationToken));
        var quantities = StudyDoseQuantities.ToDictionary(q => q.Modality, StringComparer.Ordinal);
        return rows.Where(r => quantities.ContainsKey(r.Modality)).GroupBy(r => (r.Modality, r.Day))
            .Select(g =>
            {
                var doses = g.Select(r => r.Dose).Order().ToList();
                var median = (doses[(doses.Count - 1) / 2] + doses[doses.Count / 2]) / 2;
                return new DailyMedianDose(quantities[g.Key.Modality], ParseDay(g.Key.Day)!.Value, median, doses.Count);
            })
            .OrderBy(d => d.Quantity.Modality, StringComparer.Ordinal).ThenBy(d => d.Day).ToList();
    }

    public async Task<IReadOnlyList<DailyMedianDose>> DailyMedianStudyDoseAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        // Kept per day and modality at save time (daily_study_doses, 0013): the middle study, or the mean of the two
        // middle ones, by headline dose. Modalities without a summable dose (MR, US) have no headline dose, so no row.
        var rows = await connection.QueryAsync<DailyMedianRow>(new CommandDefinition("""
            SELECT modality AS Modality, study_date AS Day, median_dose AS Median, studies AS Studies
            FROM daily_study_doses WHERE study_date >= @From AND study_date <= @To AND studies > 0
            ORDER BY modality, study_date
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
        // Each device's days with studies, found by skipping through ix_studies_device_date (device_key, study_date): one
        // seek per device and day, so the cost follows the devices' active days, not their studies (grouping every study
        // by device read 4 million index entries at 10M events, 2.1 s on SQLite). The devices themselves by StudySkipScan.
        var rows = (await connection.QueryAsync<DeviceActivityRow>(new CommandDefinition($"""
            WITH RECURSIVE
            {StudySkipScan.DistinctValues("device_keys", "device_key", above: "''")},
            device_days (k, d) AS (
                SELECT v, (SELECT MIN(s.study_date) FROM studies s WHERE s.device_key = device_keys.v AND s.study_date <= @To)
                FROM device_keys WHERE v IS NOT NULL
                UNION ALL
                SELECT k, (SELECT MIN(s.study_date) FROM studies s WHERE s.device_key = device_days.k AND s.study_date > device_days.d AND s.study_date <= @To)
                FROM device_days WHERE device_days.d IS NOT NULL
            )
            SELECT k AS DeviceKey, MIN(d) AS FirstDay, MAX(d) AS LastDay, COUNT(*) AS ActiveDays
            FROM device_days WHERE d IS NOT NULL
            GROUP BY k HAVING COUNT(*) >= @MinimumActiveDays
            """, new { To = Day(anchorDay), MinimumActiveDays = minimumActiveDays }, cancellationToken: cancellationToken))).ToList();
        var silent = new List<SilentDevice>();
        foreach (var r in rows)
        {
            var first = ParseDay(r.FirstDay)!.Value;
            var last = ParseDay(r.LastDay)!.Value;
            var typicalGap = (last.DayNumber - first.DayNumber) / (double)(r.ActiveDays - 1);
            var daysSilent = anchorDay.DayNumber - last.DayNumber;
            // A weekend is never news: at least 3 days before a daily device counts as silent.
            if (daysSilent <= Math.Max(gapFactor * typicalGap, 3)) continue;
            // How the device described itself on its last day (the greatest of that day's descriptions; a seek of
            // ix_studies_device_activity where the old grouping took the greatest over all its days).
            var latest = await connection.QueryFirstOrDefaultAsync<DeviceActivityRow>(new CommandDefinition("""
                SELECT modality AS Modality, manufacturer AS Manufacturer, model AS Model, station_name AS StationName FROM studies
                WHERE device_key = @DeviceKey AND study_date = @LastDay
                ORDER BY modality DESC, manufacturer DESC, model DESC, station_name DESC LIMIT 1
                """, new { r.DeviceKey, r.LastDay }, cancellationToken: cancellationToken));
            silent.Add(new SilentDevice(r.DeviceKey, latest?.Modality, latest?.Manufacturer, latest?.Model, latest?.StationName, first, last, r.ActiveDays, typicalGap, daysSilent));
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
        public string? DeviceKey { get; set; }
        public string? StudyDate { get; set; }
        public string? AcquisitionType { get; set; }
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
