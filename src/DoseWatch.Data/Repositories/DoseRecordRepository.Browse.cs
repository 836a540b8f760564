using System.Data.Common;
using System.Globalization;
using Dapper;
using DoseWatch.Core.Analysis;

namespace DoseWatch.Data.Repositories;

// The study browser's filters and sort keys as SQL over "studies s", shared by the list, its count and the exports so
// that a filter means the same rows everywhere. Portable SQL (SQLite and PostgreSQL); user text only ever goes in as
// parameters, sort keys only from the StudySort enum.
public sealed partial class DoseRecordRepository
{
    /// <summary>The WHERE clause (empty or starting with WHERE) and its parameters for <paramref name="query"/>.</summary>
    internal static (string Where, DynamicParameters Parameters) StudyFilter(StudyQuery query)
    {
        var where = new List<string>();
        var p = new DynamicParameters();
        if (!string.IsNullOrWhiteSpace(query.Modality))
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
        if (!string.IsNullOrWhiteSpace(query.Device) && IsDeviceKey(query.Device))
        {
            // The browser's device list sends DeviceIdentity.Key: an exact, indexed match (ix_studies_device_date).
            where.Add("s.device_key = @DeviceKey");
            p.Add("DeviceKey", query.Device.Trim());
        }
        else if (!string.IsNullOrWhiteSpace(query.Device))
        {
            where.Add("(s.device_key = @DeviceKey OR LOWER(s.station_name) LIKE @Device ESCAPE '\\' OR LOWER(s.model) LIKE @Device ESCAPE '\\' OR LOWER(s.manufacturer) LIKE @Device ESCAPE '\\' OR LOWER(s.serial_number) LIKE @Device ESCAPE '\\')");
            p.Add("Device", Like(query.Device));
            p.Add("DeviceKey", query.Device.Trim());
        }
        if (!string.IsNullOrWhiteSpace(query.Protocol))
        {
            // Searching every study's events for the substring took ~8 s at 1M events. The distinct protocol names are
            // few: they are found first by walking ix_irradiation_events_protocol_study one name at a time (each step an
            // index seek, the portable form of a loose index scan), matched with the same LIKE, and only then are the
            // studies with an event of a matching name read from that index (migration 0013).
            // A date range is repeated on the events (they carry their study's day since 0012), so that with a month's
            // range the subquery reads that month's matching events, not every study that ever had the name (1.1 s →
            // 0.15 s at 1M). The modality is not: with it, SQLite walked the modality's events instead of the names'.
            var days = (query.From is null ? "" : " AND e.study_date >= @From") + (query.To is null ? "" : " AND e.study_date <= @To");
            where.Add($"s.study_instance_uid IN (SELECT e.study_instance_uid FROM irradiation_events e WHERE e.protocol IN ({MatchingProtocolNamesSql}){days})");
            p.Add("Protocol", Like(query.Protocol));
        }
        if (!string.IsNullOrWhiteSpace(query.StandardProtocol))
        {
            // A raw name maps per device ('' = every device) and per source: event protocols, or the study description.
            where.Add("""
                EXISTS (SELECT 1 FROM protocol_mappings m WHERE m.standard_protocol = @StandardProtocol
                    AND (m.device_key = '' OR m.device_key = s.device_key)
                    AND ((m.source = 'AcquisitionProtocol' AND EXISTS (SELECT 1 FROM irradiation_events e
                            WHERE e.study_instance_uid = s.study_instance_uid AND LOWER(e.protocol) = LOWER(m.raw_name)))
                        OR (m.source <> 'AcquisitionProtocol' AND LOWER(s.study_description) = LOWER(m.raw_name))))
                """);
            p.Add("StandardProtocol", query.StandardProtocol.Trim());
        }
        // The FHIR search of issue #19: one study, the study of a dose object, one device, a set of modalities.
        if (query.StudyInstanceUid is { } studyUid)
        {
            where.Add("s.study_instance_uid = @StudyInstanceUid");
            p.Add("StudyInstanceUid", studyUid.Trim());
        }
        if (query.SourceSopInstanceUid is { } sopUid)
        {
            where.Add("EXISTS (SELECT 1 FROM dose_source_objects o WHERE o.study_instance_uid = s.study_instance_uid AND o.sop_instance_uid = @SourceSopInstanceUid)");
            p.Add("SourceSopInstanceUid", sopUid.Trim());
        }
        if (query.DeviceId is { } deviceId)
        {
            where.Add("s.device_id = @DeviceId");
            p.Add("DeviceId", deviceId);
        }
        if (query.AnyModality is { Count: > 0 } modalities)
        {
            // One parameter each: the same SQL text on SQLite and PostgreSQL, without relying on list expansion.
            where.Add("s.modality IN (" + string.Join(", ", modalities.Select((_, i) => $"@AnyModality{i}")) + ")");
            for (var i = 0; i < modalities.Count; i++) p.Add($"AnyModality{i}", modalities[i].Trim().ToUpperInvariant());
        }
        if (query.PatientPseudonym is { } patient)
        {
            where.Add("s.patient_pseudonym = @PatientPseudonym"); // ix_studies_patient_pseudonym
            p.Add("PatientPseudonym", patient);
        }
        if (!string.IsNullOrWhiteSpace(query.Sex))
        {
            where.Add("s.patient_sex = @Sex");
            p.Add("Sex", query.Sex.Trim().ToUpperInvariant());
        }
        if (query.AgeFromYears is { } ageFrom)
        {
            where.Add("s.patient_age_years >= @AgeFrom");
            p.Add("AgeFrom", ageFrom);
        }
        if (query.AgeBelowYears is { } ageBelow)
        {
            where.Add("s.patient_age_years < @AgeBelow");
            p.Add("AgeBelow", ageBelow);
        }
        if (query.DoseMin is not null || query.DoseMax is not null)
        {
            // The stored headline dose: an index range within a modality (ix_studies_modality_dose), no events read.
            p.Add("DoseMin", query.DoseMin ?? double.MinValue);
            p.Add("DoseMax", query.DoseMax ?? double.MaxValue);
            where.Add($"{HeadlineDoseSql} BETWEEN @DoseMin AND @DoseMax");
        }
        if (query.OpenAlertsOnly)
            where.Add("EXISTS (SELECT 1 FROM alerts a WHERE a.study_instance_uid = s.study_instance_uid AND a.status <> 'resolved')");
        return (where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where), p);
    }

    /// <summary>DeviceIdentity.Key: "uid:" + observer UID, or manufacturer|model|serial|station.</summary>
    private static bool IsDeviceKey(string device) => device.StartsWith("uid:", StringComparison.Ordinal) || device.Contains('|', StringComparison.Ordinal);

    /// <summary>ORDER BY for the sort key; ties by date then UID so that pages never overlap.</summary>
    internal static string StudyOrder(StudyQuery query)
    {
        var direction = query.Descending ? "DESC" : "ASC";
        var tieBreak = $"s.study_date {direction}, s.study_time {direction}, s.study_instance_uid {direction}";
        string? key = query.Sort switch
        {
            StudySort.Modality => "s.modality",
            StudySort.Device => "COALESCE(s.station_name, s.model, s.manufacturer)",
            StudySort.Age => "s.patient_age_years",
            StudySort.Events => "s.event_count",
            StudySort.Dose => HeadlineDoseSql,
            _ => null,
        };
        // NULLs last in both directions and on both engines (SQLite sorts them first, PostgreSQL last, ascending). Said
        // as NULLS LAST (SQLite 3.30+, PostgreSQL) rather than a CASE in front, so that a stored key is read in the order
        // of its index (ix_studies_modality_dose, ix_studies_modality_events) and a page stops after its rows.
        return key is null ? $"ORDER BY {tieBreak}" : $"ORDER BY {key} {direction} NULLS LAST, {tieBreak}";
    }

    /// <summary>
    /// The study's headline dose in SQL: its modality's quantity totalled as Core's StudyTotalsRule decides (the device's
    /// accumulated value where a dose object reports one, else the counted events' sum; <see cref="HeadlineDose.Of"/>), as
    /// stored at save time (migrations 0012, 0037). A modality filter needs no other expression: it keeps only studies
    /// of that modality, whose stored dose is in its quantity.
    /// </summary>
    internal const string HeadlineDoseSql = "s.headline_dose";

    /// <summary>
    /// The distinct event protocol names whose lower case contains @Protocol (a LIKE pattern, escaped by Like): each
    /// step of the recursion seeks the next name after the last one in ix_irradiation_events_protocol_study, so the
    /// cost grows with the number of names, not of events. Portable (SQLite and PostgreSQL); NULL protocols never match.
    /// </summary>
    private const string MatchingProtocolNamesSql = """
        WITH RECURSIVE protocol_names (name) AS (
            SELECT MIN(protocol) FROM irradiation_events
            UNION ALL
            SELECT (SELECT MIN(n.protocol) FROM irradiation_events n WHERE n.protocol > protocol_names.name)
            FROM protocol_names WHERE protocol_names.name IS NOT NULL
        )
        SELECT name FROM protocol_names WHERE LOWER(name) LIKE @Protocol ESCAPE '\'
        """;

    /// <summary>
    /// Every study matching <paramref name="query"/> (its page and page size ignored) in its sort order, with events,
    /// read a page at a time; at most <paramref name="maximumStudies"/>.
    /// </summary>
    public async IAsyncEnumerable<StudyRecord> StreamStudiesAsync(StudyQuery query, int maximumStudies,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (filter, p) = StudyFilter(query);
        var order = StudyOrder(query);
        await using var connection = await _open(cancellationToken);
        for (var offset = 0; offset < maximumStudies; offset += MaximumPageSize)
        {
            p.Add("Limit", Math.Min(MaximumPageSize, maximumStudies - offset));
            p.Add("Offset", offset);
            var rows = await QueryRowsAsync(connection, $"SELECT s.* FROM studies s {filter} {order} LIMIT @Limit OFFSET @Offset", p, cancellationToken);
            if (rows.Count == 0) yield break;
            var uids = rows.Select(r => DoseRecordColumns.Str(r, "study_instance_uid")!).ToList();
            // With the CT sources and dose checks: the export carries every extracted quantity (issue #16 item 9).
            var events = await EventsAsync(connection, uids, withDetails: true, cancellationToken);
            var reported = await ReportedAsync(connection, uids, cancellationToken);
            var warnings = await WarningsAsync(connection, uids, cancellationToken);
            foreach (var r in rows)
            {
                var uid = DoseRecordColumns.Str(r, "study_instance_uid")!;
                var stored = StudyTotalsRule.MarkCounted(events.GetValueOrDefault(uid) ?? []);
                yield return new StudyRecord(ReadStudy(r), DoseRecordColumns.Long(r, "device_id"),
                    StudyTotalsRule.Compute(stored, reported.GetValueOrDefault(uid) ?? []), stored)
                {
                    Reported = [.. (reported.GetValueOrDefault(uid) ?? []).Select(o => o.Accumulated)],
                    ExtractionWarnings = [.. warnings[uid]],
                };
            }
            if (rows.Count < MaximumPageSize) yield break;
        }
    }

    /// <summary>Each study's extraction warnings (item 5 of issue #16: a dose object missing a required value, a vendor
    /// quirk read leniently), one line each as StudySourceObject.WarningLines splits them, in the objects' extraction order.</summary>
    private static async Task<ILookup<string, string>> WarningsAsync(DbConnection connection, IReadOnlyList<string> studies, CancellationToken ct)
    {
        if (studies.Count == 0) return Array.Empty<string>().ToLookup(x => x, StringComparer.Ordinal);
        var (inStudies, p) = InList(studies);
        var rows = await QueryRowsAsync(connection,
            $"SELECT study_instance_uid, sop_instance_uid, warnings FROM dose_source_objects WHERE study_instance_uid IN {inStudies} AND warnings <> '' ORDER BY extracted_at, sop_instance_uid", p, ct);
        return rows.SelectMany(r => StudySourceObject.SplitWarnings(DoseRecordColumns.Str(r, "warnings"))
                .Select(w => (Study: DoseRecordColumns.Str(r, "study_instance_uid")!, Line: w)))
            .ToLookup(x => x.Study, x => x.Line, StringComparer.Ordinal);
    }

    /// <summary>The objects a study was extracted from, with the stored file each came in as (null once it is gone).</summary>
    public async Task<IReadOnlyList<StudySourceObject>> SourceObjectsAsync(string studyInstanceUid, CancellationToken cancellationToken = default)
    {
        await using var connection = await _open(cancellationToken);
        var rows = await QueryRowsAsync(connection, """
            SELECT o.*, i.path, i.calling_ae, i.received_at
            FROM dose_source_objects o LEFT JOIN instances i ON i.sop_instance_uid = o.sop_instance_uid
            WHERE o.study_instance_uid = @Uid ORDER BY o.extracted_at, o.sop_instance_uid
            """, new { Uid = studyInstanceUid }, cancellationToken);
        return rows.Select(r => new StudySourceObject(
            DoseRecordColumns.Str(r, "sop_instance_uid")!, DoseRecordColumns.Str(r, "sop_class_uid")!, DoseRecordColumns.Str(r, "series_instance_uid"),
            DoseRecordColumns.Str(r, "modality"), DoseRecordColumns.Str(r, "kind")!, DoseRecordColumns.Str(r, "not_a_dose_object_reason"),
            (int)(DoseRecordColumns.Long(r, "event_count") ?? 0), DoseRecordColumns.Str(r, "warnings") ?? "", DoseRecordColumns.Str(r, "applied_fixes") ?? "",
            DoseRecordColumns.Time(r, "extracted_at"), DoseRecordColumns.Str(r, "path"), DoseRecordColumns.Str(r, "calling_ae"))
        {
            AccessionNumber = DoseRecordColumns.Str(r, "accession_number"),
            DeviceKey = DoseRecordColumns.Str(r, "device_key"),
            Manufacturer = DoseRecordColumns.Str(r, "manufacturer"),
            Model = DoseRecordColumns.Str(r, "model"),
            StationName = DoseRecordColumns.Str(r, "station_name"),
            Accumulated = ReadAccumulated(r),
        }).ToList();
    }

    /// <summary>What the browser's filter lists offer: modalities, devices and standard protocols present in the database.</summary>
    public async Task<StudyFilterChoices> FilterChoicesAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _open(cancellationToken);
        // The distinct modalities and devices by skipping through ix_studies_modality and ix_studies_device_key
        // (StudySkipScan), and each device described by its latest dated study: DISTINCT
        // and GROUP BY over every study took 1 s at 10M events, on every study browser and Devices page load.
        var modalities = await connection.QueryAsync<string>(new CommandDefinition($"""
            WITH RECURSIVE {StudySkipScan.DistinctValues("m", "modality")}
            SELECT v FROM m WHERE v IS NOT NULL ORDER BY v
            """, cancellationToken: cancellationToken));
        string Latest(string column) =>
            $"(SELECT s.{column} FROM studies s WHERE s.device_key = k.v AND s.study_date IS NOT NULL ORDER BY s.study_date DESC LIMIT 1)";
        var devices = await connection.QueryAsync<DeviceChoiceRow>(new CommandDefinition($"""
            WITH RECURSIVE {StudySkipScan.DistinctValues("k", "device_key", above: "''")}
            SELECT DeviceKey, Modality, Manufacturer, Model, StationName, DisplayName FROM (
                SELECT k.v AS DeviceKey, {Latest("modality")} AS Modality, {Latest("manufacturer")} AS Manufacturer,
                    {Latest("model")} AS Model, {Latest("station_name")} AS StationName,
                    (SELECT n.display_name FROM device_display_names n WHERE n.device_key = k.v) AS DisplayName
                FROM k WHERE k.v IS NOT NULL
            ) d ORDER BY StationName, DeviceKey
            """, cancellationToken: cancellationToken));
        var standard = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT name FROM standard_protocols ORDER BY name", cancellationToken: cancellationToken));
        return new StudyFilterChoices(modalities.ToList(),
            devices.Select(d => new DeviceChoice(d.DeviceKey, d.Modality, d.Manufacturer, d.Model, d.StationName, d.DisplayName)).ToList(), standard.ToList());
    }

    private sealed class DeviceChoiceRow
    {
        public string DeviceKey { get; init; } = "";
        public string? Modality { get; init; }
        public string? Manufacturer { get; init; }
        public string? Model { get; init; }
        public string? StationName { get; init; }
        public string? DisplayName { get; init; }
    }

    /// <summary>
    /// One device's studies in [from, to]: the number per day (for weekly counts) and the latest
    /// <paramref name="maximumStudies"/> studies with their headline dose (for the trend, each point a study).
    /// </summary>
    public async Task<DeviceHistory> DeviceHistoryAsync(string deviceKey, DateOnly from, DateOnly to, int maximumStudies = 2000,
        CancellationToken cancellationToken = default)
    {
        var p = new { Key = deviceKey, From = from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), To = to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Limit = maximumStudies };
        await using var connection = await _open(cancellationToken);
        var days = await connection.QueryAsync<DayCountRow>(new CommandDefinition("""
            SELECT study_date AS Day, COUNT(*) AS Studies FROM studies
            WHERE device_key = @Key AND study_date >= @From AND study_date <= @To GROUP BY study_date ORDER BY study_date
            """, p, cancellationToken: cancellationToken));
        var studies = await connection.QueryAsync<DeviceStudyRow>(new CommandDefinition($"""
            SELECT s.study_instance_uid AS StudyInstanceUid, s.study_date AS Day, s.modality AS Modality, s.headline_dose AS Dose
            FROM studies s WHERE s.device_key = @Key AND s.study_date >= @From AND s.study_date <= @To
            ORDER BY s.study_date DESC, s.study_instance_uid LIMIT @Limit
            """, p, cancellationToken: cancellationToken));
        static DateOnly Day(string d) => DateOnly.ParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        return new DeviceHistory(
            days.Where(d => d.Day is not null).Select(d => (Day(d.Day!), d.Studies)).ToList(),
            studies.Where(s => s.Day is not null).Select(s => new DeviceStudyDose(s.StudyInstanceUid, Day(s.Day!), s.Modality, s.Dose)).ToList());
    }

    private sealed class DayCountRow
    {
        public string? Day { get; init; }
        public long Studies { get; init; }
    }

    private sealed class DeviceStudyRow
    {
        public string StudyInstanceUid { get; init; } = "";
        public string? Day { get; init; }
        public string? Modality { get; init; }
        public double? Dose { get; init; }
    }
}
