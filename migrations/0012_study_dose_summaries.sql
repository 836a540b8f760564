-- Dashboards and the study browser at a million events (issue #5, docs/benchmarks.md): what every page load used to
-- compute from all the events of its window is now kept at save time, in the same transaction as the events
-- (DoseRecordRepository.RefreshStudySummaryAsync), so that a query reads one narrow index instead of joining studies
-- to the wide event rows.
--
-- studies.headline_dose: the study's dose in the canonical unit of its modality's quantity (DLP mGy·cm for CT, DAP
-- Gy·cm² for DX/CR/RF/XA, AGD mGy for MG, administered activity MBq for NM/PT; DashboardRepository.StudyDoseQuantities),
-- summed over the events of its best source (dose reports outrank image headers). NULL when nothing was reported.
-- studies.event_count: the study's stored irradiation events.
ALTER TABLE studies ADD COLUMN headline_dose DOUBLE PRECISION;
ALTER TABLE studies ADD COLUMN event_count BIGINT NOT NULL DEFAULT 0;

-- The study's day and modality copied onto each event, so that "CT events of the last year by protocol" is a range
-- of one index on the events table (no join, no read of the ~70-column row).
ALTER TABLE irradiation_events ADD COLUMN study_date TEXT;
ALTER TABLE irradiation_events ADD COLUMN modality TEXT;

UPDATE irradiation_events SET
    study_date = (SELECT s.study_date FROM studies s WHERE s.study_instance_uid = irradiation_events.study_instance_uid),
    modality = (SELECT s.modality FROM studies s WHERE s.study_instance_uid = irradiation_events.study_instance_uid);

-- The same expression as DoseRecordRepository.HeadlineDoseSql, written out because a script takes no parameters.
UPDATE studies SET
    event_count = (SELECT COUNT(*) FROM irradiation_events e WHERE e.study_instance_uid = studies.study_instance_uid),
    headline_dose = (
        SELECT CASE WHEN MAX(e.source_rank) >= 2
            THEN SUM(CASE WHEN e.source_rank >= 2 THEN CASE studies.modality WHEN 'CT' THEN e.dlp_mgy_cm WHEN 'DX' THEN e.dap_gy_cm2 WHEN 'CR' THEN e.dap_gy_cm2 WHEN 'RF' THEN e.dap_gy_cm2
            WHEN 'XA' THEN e.dap_gy_cm2 WHEN 'MG' THEN e.agd_mgy WHEN 'NM' THEN e.administered_activity_mbq WHEN 'PT' THEN e.administered_activity_mbq END END)
            ELSE SUM(CASE studies.modality WHEN 'CT' THEN e.dlp_mgy_cm WHEN 'DX' THEN e.dap_gy_cm2 WHEN 'CR' THEN e.dap_gy_cm2 WHEN 'RF' THEN e.dap_gy_cm2
            WHEN 'XA' THEN e.dap_gy_cm2 WHEN 'MG' THEN e.agd_mgy WHEN 'NM' THEN e.administered_activity_mbq WHEN 'PT' THEN e.administered_activity_mbq END) END
        FROM irradiation_events e WHERE e.study_instance_uid = studies.study_instance_uid);

-- CT protocol boxes, raw protocol lists and per-modality values: a modality's events of a protocol, newest day first,
-- with the values those pages read.
CREATE INDEX ix_irradiation_events_modality_protocol_day ON irradiation_events
    (modality, protocol, study_date, started_at, study_instance_uid, event_uid, ctdivol_mgy, dlp_mgy_cm);
-- Events of a modality by day (trends, daily sums) without the protocol in front.
CREATE INDEX ix_irradiation_events_modality_day ON irradiation_events (modality, study_date);
-- The browser's dose filter and sort within a modality, and daily medians of the study dose by day.
CREATE INDEX ix_studies_modality_dose ON studies (modality, headline_dose);
CREATE INDEX ix_studies_day_modality_dose ON studies (study_date, modality, headline_dose);
ANALYZE irradiation_events;
ANALYZE studies;
