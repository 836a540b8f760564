-- Fluoroscopy pages at a million events (issue #5, docs/benchmarks.md): a fluoroscopy study's procedure (the study
-- description, else the largest protocol of the events of its dose objects) and its accumulated totals (the largest
-- over the study's cumulative reports), kept on the study's row at save time in the save's transaction
-- (DoseRecordRepository.RefreshStudySummaryAsync, from ModalityQuantities' definitions); NULL for other modalities.
-- The per-study boxes, trends and scatters then read one index range instead of three subqueries per study.
ALTER TABLE studies ADD COLUMN fluoro_procedure TEXT;
ALTER TABLE studies ADD COLUMN fluoro_dap_total_gy_cm2 DOUBLE PRECISION;
ALTER TABLE studies ADD COLUMN fluoro_dose_rp_total_gy DOUBLE PRECISION;
ALTER TABLE studies ADD COLUMN fluoro_time_total_s DOUBLE PRECISION;
UPDATE studies SET
    fluoro_procedure = COALESCE(study_description, (SELECT MAX(e.protocol) FROM irradiation_events e JOIN dose_source_objects o
        ON o.sop_instance_uid = e.sop_instance_uid AND o.study_instance_uid = e.study_instance_uid WHERE e.study_instance_uid = studies.study_instance_uid)),
    fluoro_dap_total_gy_cm2 = (SELECT MAX(o.dap_total_gy_cm2) FROM dose_source_objects o WHERE o.study_instance_uid = studies.study_instance_uid),
    fluoro_dose_rp_total_gy = (SELECT MAX(o.dose_rp_total_gy) FROM dose_source_objects o WHERE o.study_instance_uid = studies.study_instance_uid),
    fluoro_time_total_s = (SELECT MAX(o.fluoro_time_total_s) FROM dose_source_objects o WHERE o.study_instance_uid = studies.study_instance_uid)
WHERE modality IN ('RF', 'XA');
-- A fluoroscopy page's studies by day and study time (the trend's walk per day), with everything its queries read.
CREATE INDEX ix_studies_modality_day_fluoro ON studies
    (modality, study_date, study_time, study_instance_uid, device_key, fluoro_procedure, fluoro_dap_total_gy_cm2,
     fluoro_dose_rp_total_gy, fluoro_time_total_s, patient_weight_kg);
ANALYZE studies;
