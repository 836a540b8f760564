-- Per-modality pages and /protocols at a million events (issue #5, docs/benchmarks.md, "Per-modality and protocol
-- queries at 1M"). Kept at save time in the save's transaction (DoseRecordRepository.RefreshProtocolUsesAsync).
--
-- The study's device copied onto each event (as 0012 did for its day and modality), so that "the latest values of a
-- protocol on one device" is a backward walk of one index, without a join to studies.
ALTER TABLE irradiation_events ADD COLUMN device_key TEXT;
UPDATE irradiation_events SET
    device_key = (SELECT s.device_key FROM studies s WHERE s.study_instance_uid = irradiation_events.study_instance_uid);
CREATE INDEX ix_irradiation_events_modality_protocol_device_day ON irradiation_events
    (modality, protocol, device_key, study_date, started_at, study_instance_uid, event_uid);

-- Fluoroscopy totals per study (the largest of a study's cumulative reports) without reading the wide source row.
CREATE INDEX ix_dose_source_objects_study_totals ON dose_source_objects
    (study_instance_uid, dap_total_gy_cm2, dose_rp_total_gy, fluoro_time_total_s);

-- Events and studies per raw protocol name, modality, device and study day: the Protocols page's list and the ranking
-- of protocols on the modality pages read a few thousand of these rows instead of grouping the year's events.
-- protocol is COALESCE(event protocol, '(no protocol)') (DashboardRepository.NoProtocol), modality COALESCE(study
-- modality, ''); studies without a study date are in no window and not counted.
CREATE TABLE protocol_uses (
    study_date  TEXT NOT NULL,
    modality    TEXT NOT NULL,
    protocol    TEXT NOT NULL,
    device_key  TEXT NOT NULL,
    events      BIGINT NOT NULL,
    studies     BIGINT NOT NULL,
    PRIMARY KEY (study_date, modality, protocol, device_key)
);
-- What each study added to protocol_uses, so that a later save of the study (more events, a study date that arrives
-- late) takes exactly that back out before adding its new counts: per-study work, and increments that commute, so
-- two saves into the same day never lose each other's counts.
CREATE TABLE protocol_use_studies (
    study_instance_uid  TEXT NOT NULL,
    protocol            TEXT NOT NULL,
    study_date          TEXT NOT NULL,
    modality            TEXT NOT NULL,
    device_key          TEXT NOT NULL,
    events              BIGINT NOT NULL,
    PRIMARY KEY (study_instance_uid, protocol)
);

-- The same statements as DoseRecordRepository.RebuildProtocolUsesAsync, written out because a script takes no parameters.
INSERT INTO protocol_use_studies (study_instance_uid, protocol, study_date, modality, device_key, events)
SELECT s.study_instance_uid, COALESCE(e.protocol, '(no protocol)'), s.study_date, COALESCE(s.modality, ''), s.device_key, COUNT(*)
FROM studies s JOIN irradiation_events e ON e.study_instance_uid = s.study_instance_uid
WHERE s.study_date IS NOT NULL
GROUP BY s.study_instance_uid, COALESCE(e.protocol, '(no protocol)'), s.study_date, COALESCE(s.modality, ''), s.device_key;
INSERT INTO protocol_uses (study_date, modality, protocol, device_key, events, studies)
SELECT study_date, modality, protocol, device_key, SUM(events), COUNT(*) FROM protocol_use_studies
GROUP BY study_date, modality, protocol, device_key;

ANALYZE irradiation_events;
ANALYZE dose_source_objects;
ANALYZE protocol_uses;
ANALYZE protocol_use_studies;
