-- Trends at a million events (issue #5, docs/benchmarks.md): each day of a trend contributes its first values by start
-- time, one short walk of this index per day and modality (ModalityDashboardRepository.TrendAsync), instead of every
-- value of the year. ORDER BY started_at NULLS FIRST on both engines: SQLite's index already puts NULLs first.
CREATE INDEX ix_irradiation_events_modality_day_started ON irradiation_events
    (modality, study_date, started_at, study_instance_uid, event_uid, acquisition_type_code, ctdivol_mgy, dlp_mgy_cm);
-- It carries the CT values (CTDIvol, DLP, and the acquisition type that leaves localizers out) so that the CT page's
-- trend reads no table row. The new index begins with the old one's columns, and serves everything that used it.
DROP INDEX ix_irradiation_events_modality_day;
ANALYZE irradiation_events;
