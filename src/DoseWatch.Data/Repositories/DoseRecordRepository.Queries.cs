using System.Data.Common;
using System.Globalization;
using Dapper;
using DoseWatch.Core.Analysis;
using DoseWatch.Core.Domain;

namespace DoseWatch.Data.Repositories;

public sealed partial class DoseRecordRepository
{
    public const int MaximumPageSize = 500;

    public async Task<StudyRecord?> GetStudyAsync(string studyInstanceUid, CancellationToken cancellationToken = default)
    {
        await using var connection = await _open(cancellationToken);
        var rows = await QueryRowsAsync(connection, "SELECT * FROM studies WHERE study_instance_uid = @Uid", new { Uid = studyInstanceUid }, cancellationToken);
        if (rows.Count == 0) return null;
        var events = await EventsAsync(connection, [studyInstanceUid], withDetails: true, cancellationToken);
        var reported = await ReportedAsync(connection, [studyInstanceUid], cancellationToken);
        var stored = StudyTotalsRule.MarkCounted(events.GetValueOrDefault(studyInstanceUid) ?? []);
        return new StudyRecord(ReadStudy(rows[0]), DoseRecordColumns.Long(rows[0], "device_id"),
            StudyTotalsRule.Compute(stored, reported.GetValueOrDefault(studyInstanceUid) ?? []), stored)
        {
            Reported = [.. (reported.GetValueOrDefault(studyInstanceUid) ?? []).Select(o => o.Accumulated)],
        };
    }

    public async Task<StudyPage> ListStudiesAsync(StudyQuery query, CancellationToken cancellationToken = default)
    {
        var page = Math.Max(1, query.Page);
        var size = Math.Clamp(query.PageSize, 1, MaximumPageSize);
        var (filter, p) = StudyFilter(query);
        p.Add("Limit", size);
        p.Add("Offset", (long)(page - 1) * size);

        await using var connection = await _open(cancellationToken);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT COUNT(*) FROM studies s {filter}", p, cancellationToken: cancellationToken));
        var rows = await QueryRowsAsync(connection,
            $"SELECT s.* FROM studies s {filter} {StudyOrder(query)} LIMIT @Limit OFFSET @Offset", p, cancellationToken);
        var uids = rows.Select(r => DoseRecordColumns.Str(r, "study_instance_uid")!).ToList();
        var events = await EventsAsync(connection, uids, withDetails: false, cancellationToken);
        var reported = await ReportedAsync(connection, uids, cancellationToken);
        var items = rows.Select(r =>
        {
            var uid = DoseRecordColumns.Str(r, "study_instance_uid")!;
            var stored = StudyTotalsRule.MarkCounted(events.GetValueOrDefault(uid) ?? []);
            return new StudySummary(ReadStudy(r), DoseRecordColumns.Long(r, "device_id"), StudyTotalsRule.Compute(stored, reported.GetValueOrDefault(uid) ?? []),
                DoseRecordColumns.Dbl(r, "peak_skin_dose_gy"));
        }).ToList();
        return new StudyPage(items, page, size, total);
    }

    // LIKE patterns are built from user text: escape the wildcards so "%" searches for a percent sign.
    private static string Like(string text) =>
        "%" + text.Trim().ToLowerInvariant().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";

    // "(@s0, @s1, ...)": Dapper would bind a list as one array parameter on Npgsql, which IN does not accept.
    internal static (string Sql, DynamicParameters Parameters) InList(IReadOnlyList<string> values)
    {
        var p = new DynamicParameters();
        for (var i = 0; i < values.Count; i++) p.Add("s" + i.ToString(CultureInfo.InvariantCulture), values[i]);
        return ("(" + string.Join(", ", values.Select((_, i) => "@s" + i.ToString(CultureInfo.InvariantCulture))) + ")", p);
    }

    private static async Task<List<IDictionary<string, object?>>> QueryRowsAsync(DbConnection connection, string sql, object? parameters, CancellationToken ct, DbTransaction? tx = null) =>
        (await connection.QueryAsync(new CommandDefinition(sql, parameters, tx, cancellationToken: ct)))
            .Select(row => (IDictionary<string, object?>)(IDictionary<string, object>)row).ToList();

    private static async Task<Dictionary<string, List<(IrradiationEvent Event, string Sop)>>> EventsAsync(
        DbConnection connection, IReadOnlyList<string> studies, bool withDetails, CancellationToken ct, DbTransaction? tx = null)
    {
        var result = new Dictionary<string, List<(IrradiationEvent, string)>>(StringComparer.Ordinal);
        if (studies.Count == 0) return result;
        var (inStudies, p) = InList(studies);
        var rows = await QueryRowsAsync(connection,
            $"SELECT * FROM irradiation_events WHERE study_instance_uid IN {inStudies} ORDER BY study_instance_uid, started_at, event_uid", p, ct, tx);
        var sources = withDetails ? await QueryRowsAsync(connection,
            $"SELECT * FROM ct_xray_sources WHERE study_instance_uid IN {inStudies} ORDER BY source_index", p, ct, tx) : [];
        var checks = withDetails ? await QueryRowsAsync(connection,
            $"SELECT * FROM ct_dose_check_notifications WHERE study_instance_uid IN {inStudies}", p, ct, tx) : [];
        // Keyed once, so an export of thousands of events does not scan every detail row per event.
        var sourcesOf = sources.ToLookup(DetailKey);
        var checksOf = checks.ToLookup(DetailKey);
        foreach (var row in rows)
        {
            var study = DoseRecordColumns.Str(row, "study_instance_uid")!;
            var ev = DoseRecordColumns.Read(row);
            if (withDetails) ev = WithDetails(ev, sourcesOf[(study, ev.EventUid)], checksOf[(study, ev.EventUid)]);
            if (!result.TryGetValue(study, out var list)) result[study] = list = [];
            list.Add((ev, DoseRecordColumns.Str(row, "sop_instance_uid")!));
        }
        return result;
    }

    private static (string?, string?) DetailKey(IDictionary<string, object?> r) => (DoseRecordColumns.Str(r, "study_instance_uid"), DoseRecordColumns.Str(r, "event_uid"));

    private static IrradiationEvent WithDetails(IrradiationEvent ev, IEnumerable<IDictionary<string, object?>> sources, IEnumerable<IDictionary<string, object?>> checks)
    {
        var xray = sources.Select(r => new XRaySourceParameters(
            DoseRecordColumns.Str(r, "identification"), DoseRecordColumns.Dbl(r, "kvp"), DoseRecordColumns.Dbl(r, "tube_current_ma"),
            DoseRecordColumns.Dbl(r, "maximum_tube_current_ma"), DoseRecordColumns.Dbl(r, "exposure_time_per_rotation_s"))).ToList();
        var mine = checks.ToList();
        bool? Flag(IDictionary<string, object?> r, string c) => DoseRecordColumns.Long(r, c) is { } v ? v != 0 : null;
        var alert = mine.FirstOrDefault(r => DoseRecordColumns.Str(r, "kind") == "alert") is { } a
            ? new CtDoseCheckAlert(Flag(a, "dlp_value_configured"), Flag(a, "ctdivol_value_configured"), DoseRecordColumns.Dbl(a, "dlp_value_mgy_cm"), DoseRecordColumns.Dbl(a, "ctdivol_value_mgy"),
                DoseRecordColumns.Dbl(a, "dlp_forward_estimate_mgy_cm"), DoseRecordColumns.Dbl(a, "ctdivol_forward_estimate_mgy"), DoseRecordColumns.Str(a, "reason_for_proceeding"), DoseRecordColumns.Str(a, "authorized_by"))
            : null;
        var notification = mine.FirstOrDefault(r => DoseRecordColumns.Str(r, "kind") == "notification") is { } n
            ? new CtDoseCheckNotification(Flag(n, "dlp_value_configured"), Flag(n, "ctdivol_value_configured"), DoseRecordColumns.Dbl(n, "dlp_value_mgy_cm"), DoseRecordColumns.Dbl(n, "ctdivol_value_mgy"),
                DoseRecordColumns.Dbl(n, "dlp_forward_estimate_mgy_cm"), DoseRecordColumns.Dbl(n, "ctdivol_forward_estimate_mgy"), DoseRecordColumns.Str(n, "reason_for_proceeding"), DoseRecordColumns.Str(n, "authorized_by"))
            : null;
        return ev with { XRaySources = xray, DoseCheck = alert is null && notification is null ? null : new CtDoseCheck(alert, notification) };
    }

    /// <summary>
    /// The accumulated values and listed events (migration 0023) of each dose object that reports any accumulated value,
    /// per study: the inputs of <see cref="StudyTotalsRule"/>, whose <see cref="StudyTotalsRule.Combine"/> ignores the
    /// others (image headers). Leaving them out in SQL keeps a CT series' 600th image from reading the 599 before it
    /// again at every save's refresh and every analysis of the study.
    /// </summary>
    internal static async Task<Dictionary<string, List<ReportedTotals>>> ReportedAsync(DbConnection connection, IReadOnlyList<string> studies, CancellationToken ct,
        DbTransaction? tx = null)
    {
        var result = new Dictionary<string, List<ReportedTotals>>(StringComparer.Ordinal);
        if (studies.Count == 0) return result;
        var (inStudies, p) = InList(studies);
        var rows = await QueryRowsAsync(connection, $"""
            SELECT study_instance_uid, sop_instance_uid, extracted_at, {string.Join(", ", AccumulatedColumns)}
            FROM dose_source_objects WHERE study_instance_uid IN {inStudies} AND kind = 'DoseObject'
                AND ({string.Join(" OR ", AccumulatedColumns.Select(c => c + " IS NOT NULL"))})
            """, p, ct, tx);
        var listed = (await QueryRowsAsync(connection,
                $"SELECT study_instance_uid, sop_instance_uid, event_uid FROM dose_object_events WHERE study_instance_uid IN {inStudies}", p, ct, tx))
            .ToLookup(r => (DoseRecordColumns.Str(r, "study_instance_uid")!, DoseRecordColumns.Str(r, "sop_instance_uid")!), r => DoseRecordColumns.Str(r, "event_uid")!);
        foreach (var r in rows)
        {
            var study = DoseRecordColumns.Str(r, "study_instance_uid")!;
            var sop = DoseRecordColumns.Str(r, "sop_instance_uid")!;
            if (!result.TryGetValue(study, out var list)) result[study] = list = [];
            list.Add(new ReportedTotals(sop, listed[(study, sop)].ToHashSet(StringComparer.Ordinal), ReadAccumulated(r), DoseRecordColumns.Time(r, "extracted_at")));
        }
        return result;
    }

    /// <summary>The dose_source_objects columns <see cref="ReadAccumulated"/> reads (migration 0004 and later).</summary>
    internal static readonly IReadOnlyList<string> AccumulatedColumns =
    [
        "reported_event_count", "dlp_total_mgy_cm", "ct_effective_dose_total_msv", "dap_total_gy_cm2", "dose_rp_total_gy",
        "fluoro_dap_total_gy_cm2", "fluoro_dose_rp_total_gy", "acquisition_dap_total_gy_cm2", "acquisition_dose_rp_total_gy",
        "fluoro_time_total_s", "acquisition_time_total_s", "radiographic_frame_count", "agd_left_breast_mgy", "agd_right_breast_mgy", "agd_total_mgy",
    ];

    /// <summary>The device's own totals as one dose_source_objects row stores them (migration 0004).</summary>
    internal static AccumulatedDose ReadAccumulated(IDictionary<string, object?> r) => new()
    {
        ReportedEventCount = DoseRecordColumns.Dbl(r, "reported_event_count"),
        DlpTotalMGyCm = DoseRecordColumns.Dbl(r, "dlp_total_mgy_cm"),
        CtEffectiveDoseTotalMSv = DoseRecordColumns.Dbl(r, "ct_effective_dose_total_msv"),
        DapTotalGyCm2 = DoseRecordColumns.Dbl(r, "dap_total_gy_cm2"),
        DoseRpTotalGy = DoseRecordColumns.Dbl(r, "dose_rp_total_gy"),
        FluoroDapTotalGyCm2 = DoseRecordColumns.Dbl(r, "fluoro_dap_total_gy_cm2"),
        FluoroDoseRpTotalGy = DoseRecordColumns.Dbl(r, "fluoro_dose_rp_total_gy"),
        AcquisitionDapTotalGyCm2 = DoseRecordColumns.Dbl(r, "acquisition_dap_total_gy_cm2"),
        AcquisitionDoseRpTotalGy = DoseRecordColumns.Dbl(r, "acquisition_dose_rp_total_gy"),
        FluoroTimeTotalS = DoseRecordColumns.Dbl(r, "fluoro_time_total_s"),
        AcquisitionTimeTotalS = DoseRecordColumns.Dbl(r, "acquisition_time_total_s"),
        RadiographicFrameCount = DoseRecordColumns.Dbl(r, "radiographic_frame_count"),
        AgdLeftBreastMGy = DoseRecordColumns.Dbl(r, "agd_left_breast_mgy"),
        AgdRightBreastMGy = DoseRecordColumns.Dbl(r, "agd_right_breast_mgy"),
        AgdTotalMGy = DoseRecordColumns.Dbl(r, "agd_total_mgy"),
    };

    private static Study ReadStudy(IDictionary<string, object?> r) => new(
        DoseRecordColumns.Str(r, "study_instance_uid")!,
        DoseRecordColumns.Str(r, "accession_number"),
        DoseRecordColumns.Str(r, "study_date") is { } d ? DateOnly.ParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
        StudyTimeText.Read(DoseRecordColumns.Str(r, "study_time")),
        DoseRecordColumns.Str(r, "modality"),
        DoseRecordColumns.Str(r, "study_description"),
        new PatientCharacteristics(DoseRecordColumns.Str(r, "patient_age"), DoseRecordColumns.Dbl(r, "patient_age_years"), DoseRecordColumns.Str(r, "patient_sex"),
            DoseRecordColumns.Dbl(r, "patient_weight_kg"), DoseRecordColumns.Dbl(r, "patient_height_m")),
        new DeviceIdentity(DoseRecordColumns.Str(r, "manufacturer"), DoseRecordColumns.Str(r, "model"), DoseRecordColumns.Str(r, "station_name"),
            DoseRecordColumns.Str(r, "serial_number"), DoseRecordColumns.Str(r, "device_observer_uid")))
    {
        RequestedProcedure = DoseRecordColumns.Str(r, "requested_procedure"),
    };
}
