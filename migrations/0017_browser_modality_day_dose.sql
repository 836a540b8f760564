-- Study browser at a million events (issue #5, docs/benchmarks.md): a modality with a date range and a dose range.
-- SQLite's planner took ix_studies_modality_dose (0012) for it and read each study row for its date (1.2 s at 1M
-- with a 30-day range); this index answers the count from one range of the month, the dose checked in the index (10 ms).
CREATE INDEX ix_studies_modality_day_dose ON studies (modality, study_date, headline_dose);
ANALYZE studies;
