-- Trends at a million events (issue #5, docs/benchmarks.md): each day of a trend contributes its first values by start
-- time, one short walk of this index per day and modality (ModalityDashboardRepository.TrendAsync), instead of every
-- value of the year. ORDER BY started_at NULLS FIRST on both engines (SQLite's order), so both draw the same sample;
-- PostgreSQL's default would put NULLs last, so its indexes say NULLS FIRST to be walked without a sort.
CREATE INDEX ix_irradiation_events_modality_day_started ON irradiation_events
    (modality, study_date, started_at NULLS FIRST, study_instance_uid, event_uid, acquisition_type_code, ctdivol_mgy, dlp_mgy_cm);
-- It carries the CT values (CTDIvol, DLP, and the acquisition type that leaves localizers out) so that the CT page's
-- trend reads no table row. The new index begins with the old one's columns, and serves everything that used it.
DROP INDEX ix_irradiation_events_modality_day;
-- Study-level trends (fluoroscopy totals per study): the day's studies by study time.
CREATE INDEX ix_studies_modality_date_time_nulls_first ON studies
    (modality, study_date, study_time NULLS FIRST, study_instance_uid);
ANALYZE irradiation_events;
ANALYZE studies;
