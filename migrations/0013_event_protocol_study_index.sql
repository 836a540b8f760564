-- The study browser's raw protocol filter (issue #5, docs/benchmarks.md): "protocol contains X" searched every study's
-- events (~8 s at 1M events). DoseRecordRepository.StudyFilter now finds the few distinct protocol names first, one
-- index seek per name, and then the studies that have an event of a matching name; both read this index.
CREATE INDEX ix_irradiation_events_protocol_study ON irradiation_events (protocol, study_instance_uid);
ANALYZE irradiation_events;
