-- MR SAR per operating mode at ten million events (issues #5 and #8, docs/benchmarks.md): the compliance table counts
-- every MR series of the year above each SAR limit, so it cannot sample; it read each series' row (6.6 s at 10M on
-- SQLite). This index holds what the query groups and counts, so it reads the index range of the year only.
CREATE INDEX ix_irradiation_events_mr_sar ON irradiation_events (modality, study_date, sar_w_per_kg, protocol, sar_definition, operating_mode);
ANALYZE irradiation_events;
