-- MR SAR per operating mode at ten million events (issues #5 and #8, docs/benchmarks.md): the compliance table counts
-- every MR series of the year above each SAR limit, so it cannot sample; it read each series' row (6.6 s at 10M on
-- SQLite). This index holds what the query groups and counts, so it reads the index range of the year only. Partial
-- (MR rows only): as a full index on (modality, study_date, ...) PostgreSQL's planner took it for other modalities'
-- trend walks and sorted each day (radiography page 10 s at 1M), where ix_irradiation_events_modality_day_started
-- gives the order.
CREATE INDEX ix_irradiation_events_mr_sar ON irradiation_events (study_date, sar_w_per_kg, protocol, sar_definition, operating_mode)
    WHERE modality = 'MR';
ANALYZE irradiation_events;
