using System.Data.Common;
using System.Globalization;
using Dapper;
using DoseWatch.Core.Analysis;
using DoseWatch.Core.Domain;
using DoseWatch.Core.Privacy;

namespace DoseWatch.Data.Repositories;

/// <summary>
/// Saves extraction results idempotently and answers the studies API. Saving is keyed so that nothing is counted twice:
/// the source object by SOP Instance UID (the same instance twice is one record), events by (Study Instance UID, event
/// key) so cumulative RDSRs (supersets) and continued RDSRs (new events) merge, and an image-header event never
/// overwrites a dose-report event with the same key. Portable SQL for SQLite and PostgreSQL (migrations/0004).
/// </summary>
public sealed partial class DoseRecordRepository
{
    private readonly Func<CancellationToken, Task<DbConnection>> _open;
    private readonly TimeProvider _clock;

    public DoseRecordRepository(IDbConnectionFactory connections, TimeProvider? clock = null)
        : this(connections.OpenAsync, clock)
    {
    }

    /// <param name="openConnection">Opens a connection to the DoseWatch database.</param>
    public DoseRecordRepository(Func<CancellationToken, Task<DbConnection>> openConnection, TimeProvider? clock = null)
    {
        _open = openConnection;
        _clock = clock ?? TimeProvider.System;
    }

    private static readonly string EventColumns = string.Join(", ", DoseRecordColumns.Event.Select(c => c.Name));
    private static readonly string EventValues = string.Join(", ", DoseRecordColumns.Event.Select(c => "@" + c.Name));
    private static readonly string EventUpdates = string.Join(", ", DoseRecordColumns.Event.Select(c => $"{c.Name} = excluded.{c.Name}"));

    private static readonly string UpsertEventSql = $"""
        INSERT INTO irradiation_events (study_instance_uid, event_uid, sop_instance_uid, updated_at, {EventColumns})
        VALUES (@study_instance_uid, @event_uid, @sop_instance_uid, @updated_at, {EventValues})
        ON CONFLICT (study_instance_uid, event_uid) DO UPDATE SET sop_instance_uid = excluded.sop_instance_uid, updated_at = excluded.updated_at, {EventUpdates}
        """;

    private const string UpsertStudySql = """
        INSERT INTO studies (study_instance_uid, accession_number, study_date, study_time, modality, study_description,
            patient_age, patient_age_years, patient_sex, patient_weight_kg, patient_height_m, device_id,
            manufacturer, model, station_name, serial_number, device_observer_uid, device_key, updated_at,
            patient_identity_sealed, patient_pseudonym, requested_procedure)
        VALUES (@Uid, @Accession, @Date, @Time, @Modality, @Description, @Age, @AgeYears, @Sex, @WeightKg, @HeightM, @DeviceId,
            @Manufacturer, @Model, @Station, @Serial, @ObserverUid, @DeviceKey, @Now,
            @PatientIdentitySealed, @PatientPseudonym, @RequestedProcedure)
        ON CONFLICT (study_instance_uid) DO UPDATE SET
            accession_number = COALESCE(studies.accession_number, excluded.accession_number),
            study_date = COALESCE(studies.study_date, excluded.study_date),
            study_time = COALESCE(studies.study_time, excluded.study_time),
            modality = COALESCE(studies.modality, excluded.modality),
            study_description = COALESCE(studies.study_description, excluded.study_description),
            patient_age = COALESCE(studies.patient_age, excluded.patient_age),
            patient_age_years = COALESCE(studies.patient_age_years, excluded.patient_age_years),
            patient_sex = COALESCE(studies.patient_sex, excluded.patient_sex),
            patient_weight_kg = COALESCE(studies.patient_weight_kg, excluded.patient_weight_kg),
            patient_height_m = COALESCE(studies.patient_height_m, excluded.patient_height_m),
            device_id = COALESCE(excluded.device_id, studies.device_id),
            manufacturer = COALESCE(studies.manufacturer, excluded.manufacturer),
            model = COALESCE(studies.model, excluded.model),
            station_name = COALESCE(studies.station_name, excluded.station_name),
            serial_number = COALESCE(studies.serial_number, excluded.serial_number),
            device_observer_uid = COALESCE(studies.device_observer_uid, excluded.device_observer_uid),
            device_key = CASE WHEN studies.device_key = '' THEN excluded.device_key ELSE studies.device_key END,
            patient_identity_sealed = COALESCE(studies.patient_identity_sealed, excluded.patient_identity_sealed),
            patient_pseudonym = COALESCE(studies.patient_pseudonym, excluded.patient_pseudonym),
            requested_procedure = COALESCE(studies.requested_procedure, excluded.requested_procedure),
            updated_at = excluded.updated_at,
            revision = studies.revision + 1
        """;

    private const string UpsertSourceSql = """
        INSERT INTO dose_source_objects (sop_instance_uid, sop_class_uid, series_instance_uid, study_instance_uid, modality, kind,
            not_a_dose_object_reason, event_count, reported_event_count, dlp_total_mgy_cm, ct_effective_dose_total_msv, dap_total_gy_cm2,
            dose_rp_total_gy, fluoro_dap_total_gy_cm2, fluoro_dose_rp_total_gy, acquisition_dap_total_gy_cm2, acquisition_dose_rp_total_gy,
            fluoro_time_total_s, acquisition_time_total_s, radiographic_frame_count, agd_left_breast_mgy, agd_right_breast_mgy, agd_total_mgy,
            warnings, applied_fixes, extracted_at, accession_number, device_key, manufacturer, model, station_name)
        VALUES (@SopInstanceUid, @SopClassUid, @SeriesInstanceUid, @StudyInstanceUid, @Modality, @Kind,
            @Reason, @EventCount, @ReportedEventCount, @DlpTotalMGyCm, @CtEffectiveDoseTotalMSv, @DapTotalGyCm2,
            @DoseRpTotalGy, @FluoroDapTotalGyCm2, @FluoroDoseRpTotalGy, @AcquisitionDapTotalGyCm2, @AcquisitionDoseRpTotalGy,
            @FluoroTimeTotalS, @AcquisitionTimeTotalS, @RadiographicFrameCount, @AgdLeftBreastMGy, @AgdRightBreastMGy, @AgdTotalMGy,
            @Warnings, @AppliedFixes, @Now, @AccessionNumber, @DeviceKey, @Manufacturer, @Model, @StationName)
        ON CONFLICT (sop_instance_uid) DO UPDATE SET
            sop_class_uid = excluded.sop_class_uid, series_instance_uid = excluded.series_instance_uid, study_instance_uid = excluded.study_instance_uid,
            modality = excluded.modality, kind = excluded.kind, not_a_dose_object_reason = excluded.not_a_dose_object_reason, event_count = excluded.event_count,
            reported_event_count = excluded.reported_event_count, dlp_total_mgy_cm = excluded.dlp_total_mgy_cm, ct_effective_dose_total_msv = excluded.ct_effective_dose_total_msv,
            dap_total_gy_cm2 = excluded.dap_total_gy_cm2, dose_rp_total_gy = excluded.dose_rp_total_gy, fluoro_dap_total_gy_cm2 = excluded.fluoro_dap_total_gy_cm2,
            fluoro_dose_rp_total_gy = excluded.fluoro_dose_rp_total_gy, acquisition_dap_total_gy_cm2 = excluded.acquisition_dap_total_gy_cm2,
            acquisition_dose_rp_total_gy = excluded.acquisition_dose_rp_total_gy, fluoro_time_total_s = excluded.fluoro_time_total_s,
            acquisition_time_total_s = excluded.acquisition_time_total_s, radiographic_frame_count = excluded.radiographic_frame_count,
            agd_left_breast_mgy = excluded.agd_left_breast_mgy, agd_right_breast_mgy = excluded.agd_right_breast_mgy, agd_total_mgy = excluded.agd_total_mgy,
            warnings = excluded.warnings, applied_fixes = excluded.applied_fixes, extracted_at = excluded.extracted_at,
            accession_number = excluded.accession_number, device_key = excluded.device_key, manufacturer = excluded.manufacturer,
            model = excluded.model, station_name = excluded.station_name
        """;

    /// <summary>Stores one extraction result. Safe to re-run (Hangfire retries): the same result twice leaves the same rows.</summary>
    public Task<DoseRecordSaveOutcome> SaveAsync(ExtractionResult result, long? deviceId = null, CancellationToken cancellationToken = default) =>
        SaveAsync(result, deviceId, StoredPatientIdentity.Unknown, cancellationToken);

    /// <summary>As above, with the patient's identity as the privacy mode allows it to be stored (pseudonym only, in
    /// pseudonymous mode), its direct identifiers already sealed (<see cref="PatientIdentityCipher"/>): no plaintext
    /// identifier reaches the database. The first object of a study to carry identifiers sets them, as for the other
    /// study attributes.</summary>
    public async Task<DoseRecordSaveOutcome> SaveAsync(ExtractionResult result, long? deviceId, StoredPatientIdentity patient, CancellationToken cancellationToken = default)
    {
        var now = _clock.GetUtcNow();
        await using var connection = await _open(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        var studyUid = result.Study?.StudyInstanceUid;
        var known = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM dose_source_objects WHERE sop_instance_uid = @Sop", new { Sop = result.Instance.SopInstanceUid }, tx, cancellationToken: cancellationToken)) > 0;
        // An object set aside as not a dose object is remembered (same instance again: one row) but creates no study.
        if (result.Study is { } study && result.Kind == ExtractionKind.DoseObject)
            await connection.ExecuteAsync(new CommandDefinition(UpsertStudySql, StudyParameters(study, deviceId, patient, now), tx, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(UpsertSourceSql, SourceParameters(result, now), tx, cancellationToken: cancellationToken));

        int inserted = 0, merged = 0;
        // The study's events leave the per-day protocol counts before they change and come back after (0013).
        if (studyUid is not null && result.Kind == ExtractionKind.DoseObject)
            await CountProtocolDaysAsync(connection, tx, studyUid, -1, cancellationToken);
        var administrationsSuperseded = false;
        if (studyUid is not null && result.Kind == ExtractionKind.DoseObject)
            administrationsSuperseded = await SupersedeImageAdministrationsAsync(connection, tx, studyUid, result, cancellationToken);
        if (studyUid is not null && result.Kind == ExtractionKind.DoseObject)
            foreach (var ev in result.Events)
            {
                if (administrationsSuperseded && ev.Source.IsAdministrationFromImages())
                {
                    merged++; // the study's radiopharmaceutical report already records its administrations
                    continue;
                }
                var existingRank = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                    "SELECT source_rank FROM irradiation_events WHERE study_instance_uid = @Study AND event_uid = @Event",
                    new { Study = studyUid, Event = ev.EventUid }, tx, cancellationToken: cancellationToken));
                if (existingRank is null) inserted++;
                else merged++;
                var rank = ev.Source.IsDoseReport() ? 2 : 1;
                if (existingRank > rank) continue; // a dose report already holds this event: headers never overwrite it
                await WriteEventAsync(connection, tx, studyUid, result.Instance.SopInstanceUid, ev, now, cancellationToken);
            }
        if (studyUid is not null && result.Kind == ExtractionKind.DoseObject)
        {
            await ListReportedEventsAsync(connection, tx, studyUid, result, cancellationToken);
            await RefreshStudySummaryAsync(connection, tx, studyUid, cancellationToken);
        }
        await tx.CommitAsync(cancellationToken);
        return new DoseRecordSaveOutcome(result.Instance.SopInstanceUid, studyUid, inserted, merged, known);
    }

    /// <summary>
    /// The events this dose report lists (migration 0023), whether or not they won the merge into irradiation_events:
    /// the study-totals rule needs each report's own list to tell a cumulative report from a continued one.
    /// </summary>
    private static async Task ListReportedEventsAsync(DbConnection connection, DbTransaction tx, string studyUid, ExtractionResult result, CancellationToken ct)
    {
        var sop = result.Instance.SopInstanceUid;
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM dose_object_events WHERE sop_instance_uid = @Sop", new { Sop = sop }, tx, cancellationToken: ct));
        foreach (var uid in result.Events.Where(e => e.Source.IsDoseReport()).Select(e => e.EventUid).Distinct(StringComparer.Ordinal))
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO dose_object_events (sop_instance_uid, study_instance_uid, event_uid) VALUES (@Sop, @Study, @Event)
                ON CONFLICT (study_instance_uid, sop_instance_uid, event_uid) DO NOTHING
                """, new { Sop = sop, Study = studyUid, Event = uid }, tx, cancellationToken: ct));
    }

    /// <summary>
    /// A radiopharmaceutical RDSR supersedes the administrations read from the study's NM/PET image headers
    /// (<see cref="DoseSourceKindExtensions.IsAdministrationFromImages"/>), whichever arrives first: a report removes
    /// them; images saved after a report add none (returns true). Run before the events are written, in the save's transaction.
    /// </summary>
    private static async Task<bool> SupersedeImageAdministrationsAsync(DbConnection connection, DbTransaction tx, string studyUid, ExtractionResult result, CancellationToken ct)
    {
        var fromImages = Enum.GetValues<DoseSourceKind>().Where(k => k.IsAdministrationFromImages()).Select(k => k.ToString()).ToList();
        if (result.Events.Any(e => e.Source == DoseSourceKind.RadiopharmaceuticalRdsr))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                $"DELETE FROM irradiation_events WHERE study_instance_uid = @Study AND source_kind IN ({string.Join(", ", fromImages.Select(k => $"'{k}'"))})",
                new { Study = studyUid }, tx, cancellationToken: ct));
            return false;
        }
        if (!result.Events.Any(e => e.Source.IsAdministrationFromImages())) return false;
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM irradiation_events WHERE study_instance_uid = @Study AND source_kind = @Report",
            new { Study = studyUid, Report = nameof(DoseSourceKind.RadiopharmaceuticalRdsr) }, tx, cancellationToken: ct)) > 0;
    }

    /// <summary>
    /// Keeps the study's summary (migration 0012) equal to what its events say: its day and modality copied onto every
    /// event (with its device, migration 0014), its event count and its headline dose, and a fluoroscopy study's procedure and totals (0016). Run in the save's transaction after the events, so a reader sees
    /// either the old study or the new one, never events without their summary. The whole study is recomputed rather
    /// than adjusted, so a merged or superseded event, or a study date that arrives with a later object, is right too.
    /// </summary>
    private static async Task RefreshStudySummaryAsync(DbConnection connection, DbTransaction tx, string studyUid, CancellationToken ct)
    {
        var key = new { Study = studyUid };
        // Each event keeps the modality and device of the object it was written from (issue #16 item 8): a PET/CT's CT
        // acquisitions are CT events and its administration an NM/PT one, whichever part arrived first and named the
        // study. The study's own values stand in for an object that carries none.
        await connection.ExecuteAsync(new CommandDefinition($"""
            UPDATE irradiation_events SET
                study_date = (SELECT s.study_date FROM studies s WHERE s.study_instance_uid = @Study),
                modality = {EventModalitySql},
                device_key = {EventDeviceKeySql}
            WHERE study_instance_uid = @Study
            """, key, tx, cancellationToken: ct));
        // The study's totals as Core's StudyTotalsRule decides, as the study page shows them: the headline dose (browser
        // filter and sort, daily medians) is the device's own accumulated value where a dose object reports one, else
        // the counted events' sum. A fluoroscopy study's procedure and accumulated totals (migration 0016), NULL for
        // other modalities: the totals the device reported, combined over the study's reports.
        var objects = (await ReportedAsync(connection, [studyUid], ct, tx)).GetValueOrDefault(studyUid) ?? [];
        var reported = StudyTotalsRule.Combine(objects).Totals;
        var events = StudyTotalsRule.MarkCounted((await EventsAsync(connection, [studyUid], withDetails: false, ct, tx)).GetValueOrDefault(studyUid) ?? []);
        var studyModality = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT modality FROM studies WHERE study_instance_uid = @Study", key, tx, cancellationToken: ct));
        var headline = HeadlineDose.Of(studyModality, StudyTotalsRule.Compute(events, objects));
        var fluoroscopy = "s.modality IN (" + string.Join(", ", ModalityQuantities.FluoroscopyModalities.Select(m => $"'{m}'")) + ")";
        await connection.ExecuteAsync(new CommandDefinition($"""
            UPDATE studies AS s SET
                event_count = (SELECT COUNT(*) FROM irradiation_events e WHERE e.study_instance_uid = s.study_instance_uid),
                headline_dose = @Headline,
                fluoro_procedure = CASE WHEN {fluoroscopy} THEN {ModalityQuantities.ComputedProcedureSql} END,
                fluoro_dap_total_gy_cm2 = CASE WHEN {fluoroscopy} THEN @Dap END,
                fluoro_dose_rp_total_gy = CASE WHEN {fluoroscopy} THEN @DoseRp END,
                fluoro_time_total_s = CASE WHEN {fluoroscopy} THEN @FluoroTime END
            WHERE s.study_instance_uid = @Study
            """, new { Study = studyUid, Headline = headline, Dap = reported.DapTotalGyCm2, DoseRp = reported.DoseRpTotalGy, FluoroTime = reported.FluoroTimeTotalS }, tx, cancellationToken: ct));
        await CountProtocolDaysAsync(connection, tx, studyUid, +1, ct);
        await RefreshDailyStudyDoseAsync(connection, tx, studyUid, ct);
        await RefreshProtocolUsesAsync(connection, tx, studyUid, ct);
        await RefreshStudyActivityAsync(connection, tx, studyUid, ct);
    }

    /// <summary>An event's modality in SQL (UPDATE irradiation_events): its dose object's, else its study's. An object known
    /// only as SR (a report whose template named no modality) says nothing of the irradiation. Migration 0037 says the same.</summary>
    private const string EventModalitySql = """
        COALESCE((SELECT NULLIF(o.modality, 'SR') FROM dose_source_objects o WHERE o.sop_instance_uid = irradiation_events.sop_instance_uid),
            (SELECT s.modality FROM studies s WHERE s.study_instance_uid = irradiation_events.study_instance_uid))
        """;

    /// <summary>An event's device key in SQL: its dose object's where known (not ''), else its study's.</summary>
    private const string EventDeviceKeySql = """
        COALESCE(NULLIF((SELECT o.device_key FROM dose_source_objects o WHERE o.sop_instance_uid = irradiation_events.sop_instance_uid), ''),
            (SELECT s.device_key FROM studies s WHERE s.study_instance_uid = irradiation_events.study_instance_uid))
        """;

    /// <summary>
    /// Adds (<paramref name="sign"/> +1) or takes away (-1) the study's events from protocol_day_events (migration
    /// 0013), per modality, protocol and day as the events carry them. Increments commute, so concurrent saves of other
    /// studies on PostgreSQL each add their own on the row's latest version; saves of the same study are already one
    /// after the other (the study row is locked by the save's upsert before this runs). Each statement touches its rows in
    /// key order; two saves whose studies move events between the same two keys in opposite directions can still meet
    /// crosswise between the -1 and the +1, which PostgreSQL resolves by failing one save (its job is retried).
    /// </summary>
    private static Task CountProtocolDaysAsync(DbConnection connection, DbTransaction tx, string studyUid, int sign, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition($"""
            INSERT INTO protocol_day_events (modality, protocol, study_date, dose_events)
            SELECT e.modality, COALESCE(e.protocol, @NoProtocol), e.study_date, @Sign * COUNT(*)
            FROM irradiation_events e
            WHERE e.study_instance_uid = @Study AND e.modality IS NOT NULL AND e.study_date IS NOT NULL
                AND (e.ctdivol_mgy IS NOT NULL OR e.dlp_mgy_cm IS NOT NULL) AND {DashboardRepository.NotLocalizer}
            GROUP BY e.modality, COALESCE(e.protocol, @NoProtocol), e.study_date
            ORDER BY e.modality, COALESCE(e.protocol, @NoProtocol), e.study_date
            ON CONFLICT (modality, protocol, study_date) DO UPDATE SET dose_events = protocol_day_events.dose_events + excluded.dose_events
            """, new { Study = studyUid, Sign = sign, DashboardRepository.NoProtocol }, tx, cancellationToken: ct));

    /// <summary>
    /// Recomputes the median headline dose of the study's day and modality (daily_study_doses, migration 0013). A median
    /// does not add up, so the slice is recounted: the upsert first locks its row, so that on PostgreSQL a concurrent save
    /// of the same slice waits, and then (read committed) reads the studies this one committed. The two middle studies
    /// are seeks in ix_studies_day_modality_dose.
    /// </summary>
    private static async Task RefreshDailyStudyDoseAsync(DbConnection connection, DbTransaction tx, string studyUid, CancellationToken ct)
    {
        var slice = await connection.QuerySingleOrDefaultAsync<DailySliceRow>(new CommandDefinition(
            "SELECT study_date AS Day, modality AS Modality FROM studies WHERE study_instance_uid = @Study", new { Study = studyUid }, tx, cancellationToken: ct));
        if (slice?.Day is null || slice.Modality is null) return;
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO daily_study_doses (study_date, modality, studies, median_dose) VALUES (@Day, @Modality, 0, NULL)
            ON CONFLICT (study_date, modality) DO UPDATE SET studies = daily_study_doses.studies
            """, slice, tx, cancellationToken: ct));
        var studies = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM studies WHERE study_date = @Day AND modality = @Modality AND headline_dose IS NOT NULL", slice, tx, cancellationToken: ct));
        if (studies == 0)
        {
            // No study of the slice has a dose (yet): no row, as the migration's backfill leaves none.
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM daily_study_doses WHERE study_date = @Day AND modality = @Modality", slice, tx, cancellationToken: ct));
            return;
        }
        const string middle = """
            SELECT headline_dose FROM studies WHERE study_date = @Day AND modality = @Modality AND headline_dose IS NOT NULL
            ORDER BY headline_dose LIMIT 1 OFFSET @Offset
            """;
        var lower = await connection.ExecuteScalarAsync<double>(new CommandDefinition(middle, new { slice.Day, slice.Modality, Offset = (studies - 1) / 2 }, tx, cancellationToken: ct));
        var upper = await connection.ExecuteScalarAsync<double>(new CommandDefinition(middle, new { slice.Day, slice.Modality, Offset = studies / 2 }, tx, cancellationToken: ct));
        var median = (lower + upper) / 2; // as AVG of the two middle rows computes it (sum, then divide by 2)
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE daily_study_doses SET studies = @Studies, median_dose = @Median WHERE study_date = @Day AND modality = @Modality",
            new { slice.Day, slice.Modality, Studies = studies, Median = median }, tx, cancellationToken: ct));
    }

    private sealed class DailySliceRow
    {
        public string? Day { get; init; }
        public string? Modality { get; init; }
    }

    private static async Task WriteEventAsync(DbConnection connection, DbTransaction tx, string studyUid, string sop, IrradiationEvent ev, DateTimeOffset now, CancellationToken ct)
    {
        var p = new DynamicParameters();
        p.Add("study_instance_uid", studyUid);
        p.Add("event_uid", ev.EventUid);
        p.Add("sop_instance_uid", sop);
        p.Add("updated_at", now);
        foreach (var column in DoseRecordColumns.Event) p.Add(column.Name, column.Write(ev));
        await connection.ExecuteAsync(new CommandDefinition(UpsertEventSql, p, tx, cancellationToken: ct));

        var key = new { Study = studyUid, Event = ev.EventUid };
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM ct_xray_sources WHERE study_instance_uid = @Study AND event_uid = @Event", key, tx, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM ct_dose_check_notifications WHERE study_instance_uid = @Study AND event_uid = @Event", key, tx, cancellationToken: ct));
        for (var i = 0; i < ev.XRaySources.Count; i++)
        {
            var s = ev.XRaySources[i];
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO ct_xray_sources (study_instance_uid, event_uid, source_index, identification, kvp, tube_current_ma, maximum_tube_current_ma, exposure_time_per_rotation_s)
                VALUES (@Study, @Event, @Index, @Identification, @Kvp, @TubeCurrentMA, @MaximumTubeCurrentMA, @ExposureTimePerRotationS)
                """, new { Study = studyUid, Event = ev.EventUid, Index = i, s.Identification, s.Kvp, s.TubeCurrentMA, s.MaximumTubeCurrentMA, s.ExposureTimePerRotationS }, tx, cancellationToken: ct));
        }
        if (ev.DoseCheck?.Alert is { } a)
            await InsertDoseCheckAsync(connection, tx, studyUid, ev.EventUid, "alert", a.DlpAlertValueConfigured, a.CtdiVolAlertValueConfigured, a.DlpAlertValueMGyCm, a.CtdiVolAlertValueMGy,
                a.AccumulatedDlpForwardEstimateMGyCm, a.AccumulatedCtdiVolForwardEstimateMGy, a.ReasonForProceeding, a.AuthorizedBy, ct);
        if (ev.DoseCheck?.Notification is { } n)
            await InsertDoseCheckAsync(connection, tx, studyUid, ev.EventUid, "notification", n.DlpNotificationValueConfigured, n.CtdiVolNotificationValueConfigured, n.DlpNotificationValueMGyCm,
                n.CtdiVolNotificationValueMGy, n.DlpForwardEstimateMGyCm, n.CtdiVolForwardEstimateMGy, n.ReasonForProceeding, n.AuthorizedBy, ct);
    }

    private static Task InsertDoseCheckAsync(DbConnection connection, DbTransaction tx, string study, string ev, string kind, bool? dlpConfigured, bool? ctdiConfigured,
        double? dlp, double? ctdi, double? dlpForward, double? ctdiForward, string? reason, string? authorizedBy, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO ct_dose_check_notifications (study_instance_uid, event_uid, kind, dlp_value_configured, ctdivol_value_configured, dlp_value_mgy_cm,
                ctdivol_value_mgy, dlp_forward_estimate_mgy_cm, ctdivol_forward_estimate_mgy, reason_for_proceeding, authorized_by)
            VALUES (@study, @ev, @kind, @DlpConfigured, @CtdiConfigured, @dlp, @ctdi, @dlpForward, @ctdiForward, @reason, @authorizedBy)
            """, new { study, ev, kind, DlpConfigured = Flag(dlpConfigured), CtdiConfigured = Flag(ctdiConfigured), dlp, ctdi, dlpForward, ctdiForward, reason, authorizedBy }, tx, cancellationToken: ct));

    private static int? Flag(bool? b) => b is null ? null : b.Value ? 1 : 0;

    private static object StudyParameters(Study s, long? deviceId, StoredPatientIdentity patient, DateTimeOffset now) => new
    {
        PatientIdentitySealed = patient.SealedIdentifiers,
        PatientPseudonym = patient.Pseudonym,
        Uid = s.StudyInstanceUid,
        Accession = s.AccessionNumber,
        Date = s.StudyDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        Time = StudyTimeText.Write(s.StudyTime),
        s.Modality,
        Description = s.StudyDescription,
        s.Patient.Age,
        s.Patient.AgeYears,
        s.Patient.Sex,
        s.Patient.WeightKg,
        s.Patient.HeightM,
        DeviceId = deviceId,
        s.Device.Manufacturer,
        s.Device.Model,
        Station = s.Device.StationName,
        Serial = s.Device.SerialNumber,
        ObserverUid = s.Device.DeviceObserverUid,
        DeviceKey = s.Device.Key,
        s.RequestedProcedure,
        Now = now,
    };

    private static object SourceParameters(ExtractionResult r, DateTimeOffset now)
    {
        var a = r.Accumulated;
        return new
        {
            r.Instance.SopInstanceUid,
            r.Instance.SopClassUid,
            r.Instance.SeriesInstanceUid,
            r.Study?.StudyInstanceUid,
            Modality = r.Study?.Modality ?? r.Instance.Modality,
            Kind = r.Kind.ToString(),
            Reason = r.NotADoseObjectReason,
            EventCount = r.Events.Count,
            a.ReportedEventCount, a.DlpTotalMGyCm, a.CtEffectiveDoseTotalMSv, a.DapTotalGyCm2, a.DoseRpTotalGy, a.FluoroDapTotalGyCm2, a.FluoroDoseRpTotalGy,
            a.AcquisitionDapTotalGyCm2, a.AcquisitionDoseRpTotalGy, a.FluoroTimeTotalS, a.AcquisitionTimeTotalS, a.RadiographicFrameCount,
            a.AgdLeftBreastMGy, a.AgdRightBreastMGy, a.AgdTotalMGy,
            Warnings = string.Join("\n", r.Warnings.Select(w => $"{w.Where}: {w.Message}")),
            AppliedFixes = string.Join(",", r.AppliedFixes),
            Now = now,
            // Each object keeps its own accession and device: a PET/CT's CT and PET parts may differ (issue #16 item 8).
            r.Study?.AccessionNumber,
            DeviceKey = r.Study?.Device.Key,
            r.Study?.Device.Manufacturer,
            r.Study?.Device.Model,
            r.Study?.Device.StationName,
        };
    }
}
