-- Issue #16, the pages that still read event sums or the study's first modality (DoseRecordRepository.RefreshStudySummaryAsync
-- keeps all of this at save time from now on; this script brings existing rows to the same state).
--
-- 1. Each event carries the modality and device of the dose object it was written from, not its study's first-received
--    ones: a PET/CT's CT acquisitions are CT events (the CT page) and its administration an NM event (NM/PET page).
--    An object known only as SR (its template named no modality) leaves the study's.
UPDATE irradiation_events SET
    modality = COALESCE((SELECT NULLIF(o.modality, 'SR') FROM dose_source_objects o WHERE o.sop_instance_uid = irradiation_events.sop_instance_uid),
        (SELECT s.modality FROM studies s WHERE s.study_instance_uid = irradiation_events.study_instance_uid)),
    device_key = COALESCE(NULLIF((SELECT o.device_key FROM dose_source_objects o WHERE o.sop_instance_uid = irradiation_events.sop_instance_uid), ''),
        (SELECT s.device_key FROM studies s WHERE s.study_instance_uid = irradiation_events.study_instance_uid));

--    The per-protocol counts follow (protocol_uses, 0014): a study now adds to each of its events' modalities and
--    devices, so what it added is kept per protocol, modality and device (the key gains both).
DROP TABLE protocol_use_studies;
CREATE TABLE protocol_use_studies (
    study_instance_uid  TEXT NOT NULL,
    protocol            TEXT NOT NULL,
    study_date          TEXT NOT NULL,
    modality            TEXT NOT NULL,
    device_key          TEXT NOT NULL,
    events              BIGINT NOT NULL,
    PRIMARY KEY (study_instance_uid, protocol, modality, device_key)
);
INSERT INTO protocol_use_studies (study_instance_uid, protocol, study_date, modality, device_key, events)
SELECT s.study_instance_uid, COALESCE(e.protocol, '(no protocol)'), s.study_date, COALESCE(e.modality, ''), COALESCE(e.device_key, ''), COUNT(*)
FROM studies s JOIN irradiation_events e ON e.study_instance_uid = s.study_instance_uid
WHERE s.study_date IS NOT NULL
GROUP BY s.study_instance_uid, COALESCE(e.protocol, '(no protocol)'), s.study_date, COALESCE(e.modality, ''), COALESCE(e.device_key, '');
DELETE FROM protocol_uses;
INSERT INTO protocol_uses (study_date, modality, protocol, device_key, events, studies)
SELECT study_date, modality, protocol, device_key, SUM(events), COUNT(*) FROM protocol_use_studies
GROUP BY study_date, modality, protocol, device_key;

-- 2. The CT page's events per protocol leave out localizers (DCM 113805 Constant Angle Acquisition), as its medians,
--    charts and /protocols do (DashboardRepository.NotLocalizer); recounted with the events' own modalities.
DELETE FROM protocol_day_events;
INSERT INTO protocol_day_events (modality, protocol, study_date, dose_events)
SELECT modality, COALESCE(protocol, '(no protocol)'), study_date, COUNT(*)
FROM irradiation_events
WHERE modality IS NOT NULL AND study_date IS NOT NULL AND (ctdivol_mgy IS NOT NULL OR dlp_mgy_cm IS NOT NULL)
    AND (acquisition_type_code IS NULL OR acquisition_type_code <> '113805')
GROUP BY modality, COALESCE(protocol, '(no protocol)'), study_date;

-- 3. A study's headline dose (browser filter and sort, daily medians) is its total as Core's StudyTotalsRule decides: the
--    device's accumulated value of the modality's quantity (DLP for CT, DAP for DX/CR/RF/XA, AGD for MG) where a dose
--    object reports one, else the event sum stored so far. Written out in SQL as a script takes no code: the reports
--    that list events and are not superseded (their events a subset of another report's that lists more, or as many
--    and was extracted later) add up; else the largest value of a report listing no events. The rule's last step
--    (a report partly overlapping a larger one is set aside) is not repeated here; such a study is set right by Core at
--    its next save. NM/PT studies keep their administered activity sum (no device reports a total of it).
UPDATE studies SET headline_dose = COALESCE(
    (SELECT SUM(CASE studies.modality WHEN 'CT' THEN x.dlp_total_mgy_cm WHEN 'DX' THEN x.dap_total_gy_cm2 WHEN 'CR' THEN x.dap_total_gy_cm2
            WHEN 'RF' THEN x.dap_total_gy_cm2 WHEN 'XA' THEN x.dap_total_gy_cm2 WHEN 'MG' THEN x.agd_total_mgy END)
        FROM dose_source_objects x
        WHERE x.study_instance_uid = studies.study_instance_uid AND x.kind = 'DoseObject'
            AND EXISTS (SELECT 1 FROM dose_object_events lx WHERE lx.study_instance_uid = x.study_instance_uid AND lx.sop_instance_uid = x.sop_instance_uid)
            AND NOT EXISTS (
                SELECT 1 FROM dose_source_objects y
                WHERE y.study_instance_uid = x.study_instance_uid AND y.kind = 'DoseObject' AND y.sop_instance_uid <> x.sop_instance_uid
                    AND EXISTS (SELECT 1 FROM dose_object_events ly WHERE ly.study_instance_uid = y.study_instance_uid AND ly.sop_instance_uid = y.sop_instance_uid)
                    AND NOT EXISTS (
                        SELECT 1 FROM dose_object_events ex
                        WHERE ex.study_instance_uid = x.study_instance_uid AND ex.sop_instance_uid = x.sop_instance_uid
                            AND NOT EXISTS (SELECT 1 FROM dose_object_events ey
                                WHERE ey.study_instance_uid = y.study_instance_uid AND ey.sop_instance_uid = y.sop_instance_uid AND ey.event_uid = ex.event_uid))
                    AND ((SELECT COUNT(*) FROM dose_object_events cx WHERE cx.study_instance_uid = x.study_instance_uid AND cx.sop_instance_uid = x.sop_instance_uid)
                            < (SELECT COUNT(*) FROM dose_object_events cy WHERE cy.study_instance_uid = y.study_instance_uid AND cy.sop_instance_uid = y.sop_instance_uid)
                        OR y.extracted_at > x.extracted_at
                        OR (y.extracted_at = x.extracted_at AND y.sop_instance_uid > x.sop_instance_uid)))),
    (SELECT MAX(CASE studies.modality WHEN 'CT' THEN x.dlp_total_mgy_cm WHEN 'DX' THEN x.dap_total_gy_cm2 WHEN 'CR' THEN x.dap_total_gy_cm2
            WHEN 'RF' THEN x.dap_total_gy_cm2 WHEN 'XA' THEN x.dap_total_gy_cm2 WHEN 'MG' THEN x.agd_total_mgy END)
        FROM dose_source_objects x
        WHERE x.study_instance_uid = studies.study_instance_uid AND x.kind = 'DoseObject'
            AND NOT EXISTS (SELECT 1 FROM dose_object_events lx WHERE lx.study_instance_uid = x.study_instance_uid AND lx.sop_instance_uid = x.sop_instance_uid)),
    headline_dose);

-- The daily medians of the headline dose, recounted as 0013 first counted them.
DELETE FROM daily_study_doses;
INSERT INTO daily_study_doses (study_date, modality, studies, median_dose)
SELECT day, modality, MAX(studies), AVG(dose) FROM (
    SELECT study_date AS day, modality, headline_dose AS dose,
        ROW_NUMBER() OVER (PARTITION BY study_date, modality ORDER BY headline_dose) AS position,
        COUNT(*) OVER (PARTITION BY study_date, modality) AS studies
    FROM studies WHERE study_date IS NOT NULL AND modality IS NOT NULL AND headline_dose IS NOT NULL
) ranked
WHERE position IN ((studies + 1) / 2, (studies + 2) / 2)
GROUP BY day, modality;
