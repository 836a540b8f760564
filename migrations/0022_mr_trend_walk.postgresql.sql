-- MR at ten million events on PostgreSQL (issue #8, docs/benchmarks.md): the SAR trend's day walks ("the day's first
-- 300 SAR values by start time") were planned on ix_irradiation_events_mr_sar (0019), the index that knows the value
-- is MR-only, as a bitmap of the day's 3,300 MR series, each fetched from the table and sorted: 4 s per trend, the MR
-- page in 10 s. This partial index has the walk's order after the day and the SAR, so the first 300 come from the
-- index itself (70 ms per trend). 0019's index stays for the compliance table: putting these columns into it made that
-- twice as wide and twice as slow to read whole.
CREATE INDEX ix_irradiation_events_mr_started ON irradiation_events
    (study_date, started_at NULLS FIRST, study_instance_uid, event_uid, sar_w_per_kg)
    WHERE modality = 'MR';
ANALYZE irradiation_events;
