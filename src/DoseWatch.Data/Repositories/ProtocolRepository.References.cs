using System.Globalization;
using Dapper;
using DoseWatch.Core.Analysis;
using DoseWatch.Core.Domain;

namespace DoseWatch.Data.Repositories;

public sealed partial class ProtocolRepository
{
    /// <summary>Stores a reference. A learned one (no <see cref="ProtocolReference.EditedBy"/>) never replaces an edited one.</summary>
    public async Task<bool> SaveReferenceAsync(ProtocolReference reference, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var affected = await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO protocol_references (standard_protocol, device_key, target_region_code, target_region_scheme, target_region_meaning, kvp_set,
                pitch_min, pitch_max, total_collimation_min_mm, total_collimation_max_mm, event_count_min, event_count_max,
                ctdivol_min_mgy, ctdivol_max_mgy, dlp_total_min_mgy_cm, dlp_total_max_mgy_cm, sample_size, edited_by, updated_at)
            VALUES (@StandardProtocol, @DeviceKey, @RegionCode, @RegionScheme, @RegionMeaning, @KvpSet, @PitchMin, @PitchMax, @CollMin, @CollMax,
                @CountMin, @CountMax, @CtdiMin, @CtdiMax, @DlpMin, @DlpMax, @SampleSize, @EditedBy, @Now)
            ON CONFLICT (standard_protocol, device_key) DO UPDATE SET
                target_region_code = excluded.target_region_code, target_region_scheme = excluded.target_region_scheme,
                target_region_meaning = excluded.target_region_meaning, kvp_set = excluded.kvp_set, pitch_min = excluded.pitch_min,
                pitch_max = excluded.pitch_max, total_collimation_min_mm = excluded.total_collimation_min_mm,
                total_collimation_max_mm = excluded.total_collimation_max_mm, event_count_min = excluded.event_count_min,
                event_count_max = excluded.event_count_max, ctdivol_min_mgy = excluded.ctdivol_min_mgy, ctdivol_max_mgy = excluded.ctdivol_max_mgy,
                dlp_total_min_mgy_cm = excluded.dlp_total_min_mgy_cm, dlp_total_max_mgy_cm = excluded.dlp_total_max_mgy_cm,
                sample_size = excluded.sample_size, edited_by = excluded.edited_by, updated_at = excluded.updated_at
            WHERE excluded.edited_by IS NOT NULL OR protocol_references.edited_by IS NULL
            """, new
        {
            reference.StandardProtocol, reference.DeviceKey,
            RegionCode = reference.TargetRegion?.Value, RegionScheme = reference.TargetRegion?.Scheme, RegionMeaning = reference.TargetRegion?.Meaning,
            KvpSet = string.Join(';', reference.KvpSet.Order().Select(F)),
            PitchMin = reference.PitchFactor?.Minimum, PitchMax = reference.PitchFactor?.Maximum,
            CollMin = reference.TotalCollimationMm?.Minimum, CollMax = reference.TotalCollimationMm?.Maximum,
            CountMin = reference.EventCount?.Minimum, CountMax = reference.EventCount?.Maximum,
            CtdiMin = reference.CtdiVolMGy?.Minimum, CtdiMax = reference.CtdiVolMGy?.Maximum,
            DlpMin = reference.DlpTotalMGyCm?.Minimum, DlpMax = reference.DlpTotalMGyCm?.Maximum,
            reference.SampleSize, reference.EditedBy, Now = _clock.GetUtcNow(),
        }, cancellationToken: cancellationToken));
        return affected > 0;
    }

    public async Task<IReadOnlyList<ProtocolReference>> ListReferencesAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await RowsAsync(connection, "SELECT * FROM protocol_references ORDER BY standard_protocol, device_key", null, cancellationToken);
        return rows.Select(r => new ProtocolReference
        {
            StandardProtocol = DoseRecordColumns.Str(r, "standard_protocol")!,
            DeviceKey = DoseRecordColumns.Str(r, "device_key") ?? "",
            TargetRegion = DoseRecordColumns.Str(r, "target_region_code") is { } code
                ? new ConceptCode(code, DoseRecordColumns.Str(r, "target_region_scheme") ?? "", DoseRecordColumns.Str(r, "target_region_meaning")) : null,
            KvpSet = (DoseRecordColumns.Str(r, "kvp_set") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries)
                .Select(k => double.Parse(k, NumberStyles.Float, CultureInfo.InvariantCulture)).ToHashSet(),
            PitchFactor = Range(r, "pitch_min", "pitch_max"),
            TotalCollimationMm = Range(r, "total_collimation_min_mm", "total_collimation_max_mm"),
            EventCount = Range(r, "event_count_min", "event_count_max"),
            CtdiVolMGy = Range(r, "ctdivol_min_mgy", "ctdivol_max_mgy"),
            DlpTotalMGyCm = Range(r, "dlp_total_min_mgy_cm", "dlp_total_max_mgy_cm"),
            SampleSize = (int)(DoseRecordColumns.Long(r, "sample_size") ?? 0),
            EditedBy = DoseRecordColumns.Str(r, "edited_by"),
        }).ToList();
    }

    private static ValueRange? Range(IDictionary<string, object?> r, string min, string max) =>
        DoseRecordColumns.Dbl(r, min) is { } a && DoseRecordColumns.Dbl(r, max) is { } b ? new ValueRange(a, b) : null;

    /// <summary>Every country's DRL table; a country is stored from <paramref name="defaults"/> the first time it is missing.</summary>
    public async Task<IReadOnlyList<NationalDrlTable>> NationalDrlTablesAsync(IReadOnlyList<NationalDrlTable> defaults, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        foreach (var table in defaults)
        {
            await using var tx = await connection.BeginTransactionAsync(cancellationToken);
            if (await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM national_drls WHERE country = @Country",
                    new { table.Country }, tx, cancellationToken: cancellationToken)) > 0) continue;
            foreach (var row in table.Rows)
                await connection.ExecuteAsync(new CommandDefinition("""
                    INSERT INTO national_drls (country, edition, examination, ctdivol_mgy, dlp_mgy_cm) VALUES (@Country, @Edition, @Examination, @CtdiVolMGy, @DlpMGyCm)
                    ON CONFLICT (country, examination) DO NOTHING
                    """, new { table.Country, table.Edition, row.Examination, row.CtdiVolMGy, row.DlpMGyCm }, tx, cancellationToken: cancellationToken));
            await tx.CommitAsync(cancellationToken);
        }
        var rows = await connection.QueryAsync<(string Country, string Edition, string Examination, double? Ctdi, double? Dlp)>(new CommandDefinition(
            "SELECT country, edition, examination, ctdivol_mgy, dlp_mgy_cm FROM national_drls ORDER BY country, examination", cancellationToken: cancellationToken));
        return rows.GroupBy(r => r.Country)
            .Select(g => new NationalDrlTable(g.Key, g.First().Edition, g.Select(r => new NationalDrl(r.Examination, r.Ctdi, r.Dlp)).ToList()))
            .ToList();
    }

    /// <summary>Edits (or adds) one row of a country's table.</summary>
    public async Task SaveNationalDrlAsync(string country, string edition, NationalDrl row, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO national_drls (country, edition, examination, ctdivol_mgy, dlp_mgy_cm) VALUES (@country, @edition, @Examination, @CtdiVolMGy, @DlpMGyCm)
            ON CONFLICT (country, examination) DO UPDATE SET edition = excluded.edition, ctdivol_mgy = excluded.ctdivol_mgy, dlp_mgy_cm = excluded.dlp_mgy_cm
            """, new { country, edition, row.Examination, row.CtdiVolMGy, row.DlpMGyCm }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// The most recent <paramref name="maximumStudies"/> studies of a device and modality other than <paramref name="excludedStudy"/>,
    /// with their events (and CT X-ray sources, for the kVp of every tube), newest first. Image-header X-ray events of a study that
    /// also has a dose report are left out, as in the study totals (they may repeat the report's exposures). The analysis
    /// reads it through <see cref="StudyHistoryCache"/>, which gives the same list without reading unchanged studies again.
    /// </summary>
    public async Task<IReadOnlyList<HistoricalStudy>> DeviceHistoryAsync(string deviceKey, string? modality, string excludedStudy, int maximumStudies,
        CancellationToken cancellationToken = default)
    {
        var studies = $"""
            SELECT study_instance_uid FROM studies
            WHERE device_key = @deviceKey AND study_instance_uid <> @excludedStudy {(modality is null ? "" : "AND modality = @modality")}
            ORDER BY {NewestFirst} LIMIT @maximumStudies
            """;
        return (await HistoryAsync(studies, new { deviceKey, excludedStudy, modality, maximumStudies }, cancellationToken)).Select(h => h.Study).ToList();
    }

    /// <summary>The order of a device history: newest first (its LIMIT keeps the newest), ties by UID.</summary>
    private const string NewestFirst = "study_date DESC, study_time DESC, study_instance_uid";

    /// <summary>
    /// The UIDs and revisions (migration 0043) of the device's latest <paramref name="maximumStudies"/> studies of the
    /// modality, in <see cref="DeviceHistoryAsync"/>'s order: one index walk, no events read.
    /// </summary>
    public async Task<IReadOnlyList<(string StudyInstanceUid, long Revision)>> LatestStudyRevisionsAsync(string deviceKey, string? modality, int maximumStudies,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<(string, long)>(new CommandDefinition($"""
            SELECT study_instance_uid, revision FROM studies
            WHERE device_key = @deviceKey {(modality is null ? "" : "AND modality = @modality")}
            ORDER BY {NewestFirst} LIMIT @maximumStudies
            """, new { deviceKey, modality, maximumStudies }, cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>These studies with their events as <see cref="DeviceHistoryAsync"/> reads them, each with its revision as read before its events.</summary>
    public async Task<IReadOnlyList<(HistoricalStudy Study, long Revision)>> HistoricalStudiesAsync(IReadOnlyList<string> studyInstanceUids,
        CancellationToken cancellationToken = default)
    {
        if (studyInstanceUids.Count == 0) return [];
        var (list, p) = DoseRecordRepository.InList(studyInstanceUids);
        return await HistoryAsync($"SELECT study_instance_uid FROM studies WHERE study_instance_uid IN {list}", p, cancellationToken);
    }

    /// <summary>
    /// The other studies of the same patient (same studies.patient_pseudonym, migrations/0006) dated from
    /// <paramref name="from"/> to <paramref name="to"/> (inclusive), with their events as <see cref="DeviceHistoryAsync"/>
    /// loads them. A study without a pseudonym has no patient history.
    /// </summary>
    public async Task<IReadOnlyList<HistoricalStudy>> PatientHistoryAsync(string studyInstanceUid, DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        const string studies = """
            SELECT s.study_instance_uid FROM studies s
            WHERE s.patient_pseudonym = (SELECT p.patient_pseudonym FROM studies p WHERE p.study_instance_uid = @studyInstanceUid)
              AND s.study_instance_uid <> @studyInstanceUid AND s.study_date >= @from AND s.study_date <= @to
            """;
        return (await HistoryAsync(studies, new { studyInstanceUid, from = from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), to = to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) },
            cancellationToken)).Select(h => h.Study).ToList();
    }

    /// <summary>
    /// The pseudonym, UIDs and revisions of what <see cref="PatientHistoryAsync"/> returns, in its order, without events,
    /// and of the study itself when it is dated in the range (the cache keeps it for the patient's next analysis): what
    /// <see cref="StudyHistoryCache"/> decides by. Pseudonym null when no study of the patient is in the range (or the study has none).
    /// </summary>
    public async Task<(string? Pseudonym, IReadOnlyList<(string StudyInstanceUid, long Revision)> Studies)> PatientStudyRevisionsAsync(string studyInstanceUid,
        DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<(string Pseudonym, string Uid, long Revision)>(new CommandDefinition($"""
            SELECT s.patient_pseudonym, s.study_instance_uid, s.revision FROM studies s
            WHERE s.patient_pseudonym = (SELECT p.patient_pseudonym FROM studies p WHERE p.study_instance_uid = @studyInstanceUid)
              AND s.study_date >= @from AND s.study_date <= @to
            ORDER BY {NewestFirst}
            """, new { studyInstanceUid, from = from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), to = to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) },
            cancellationToken: cancellationToken))).ToList();
        return rows.Count == 0 ? (null, []) : (rows[0].Pseudonym, rows.Select(r => (r.Uid, r.Revision)).ToList());
    }

    private async Task<IReadOnlyList<(HistoricalStudy Study, long Revision)>> HistoryAsync(string studies, object p, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        // Newest first, in the device history's own order: the outlier rule estimates the size exponent from the newest
        // pairs. The revision is read before the events: a save between the two reads leaves the study marked older than
        // what was read, so StudyHistoryCache reads it again rather than keeping a stale copy.
        var header = await RowsAsync(connection, $"""
            SELECT study_instance_uid, study_date, study_time, study_description, patient_weight_kg, revision FROM studies WHERE study_instance_uid IN ({studies})
            ORDER BY {NewestFirst}
            """, p, cancellationToken);
        var events = await RowsAsync(connection, $"SELECT * FROM irradiation_events WHERE study_instance_uid IN ({studies}) ORDER BY study_instance_uid, started_at, event_uid", p, cancellationToken);
        var sources = (await RowsAsync(connection, $"SELECT * FROM ct_xray_sources WHERE study_instance_uid IN ({studies}) ORDER BY source_index", p, cancellationToken))
            .ToLookup(r => (DoseRecordColumns.Str(r, "study_instance_uid"), DoseRecordColumns.Str(r, "event_uid")));
        var byStudy = events.ToLookup(r => DoseRecordColumns.Str(r, "study_instance_uid")!, r => (DoseRecordColumns.Read(r) with
        {
            XRaySources = sources[(DoseRecordColumns.Str(r, "study_instance_uid"), DoseRecordColumns.Str(r, "event_uid"))]
                .Select(s => new XRaySourceParameters(DoseRecordColumns.Str(s, "identification"), DoseRecordColumns.Dbl(s, "kvp"),
                    DoseRecordColumns.Dbl(s, "tube_current_ma"), DoseRecordColumns.Dbl(s, "maximum_tube_current_ma"), DoseRecordColumns.Dbl(s, "exposure_time_per_rotation_s"))).ToList(),
        }, DoseRecordColumns.Str(r, "sop_instance_uid")!));
        var reported = await DoseRecordRepository.ReportedAsync(connection, [.. header.Select(h => DoseRecordColumns.Str(h, "study_instance_uid")!)], cancellationToken);
        return header.Select(h =>
        {
            var uid = DoseRecordColumns.Str(h, "study_instance_uid")!;
            var counted = StudyTotalsRule.MarkCounted(byStudy[uid].ToList()).Where(e => e.CountedInTotals).Select(e => e.Event).ToList();
            var date = DoseRecordColumns.Str(h, "study_date") is { } d && DateOnly.TryParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) ? parsed : (DateOnly?)null;
            return (new HistoricalStudy(uid, date, DoseRecordColumns.Str(h, "study_description"), counted)
            {
                PatientWeightKg = DoseRecordColumns.Dbl(h, "patient_weight_kg"),
                StudyTime = DoseRecordColumns.Str(h, "study_time") is { } t && TimeOnly.TryParseExact(t, "HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) ? time : null,
                Reported = StudyTotalsRule.Combine(reported.GetValueOrDefault(uid) ?? []).Totals,
            }, Convert.ToInt64(h["revision"], CultureInfo.InvariantCulture));
        }).ToList();
    }
}
