-- Counts of studies at ten million events (issue #8, docs/benchmarks.md, "10M on SQLite"): the Overview's totals and
-- 7/30-day activity and the modality pages' weekday x hour workload counted studies one by one (0.4 s, 0.37 s and
-- 1.3 s at 10M on SQLite, growing with the studies). Kept per study day, modality, device and hour of the study time,
-- with the study's events, in the save's transaction (DoseRecordRepository.RefreshStudyActivityAsync), the way 0014
-- keeps protocol_uses: what each study added is remembered, so a re-save takes exactly that back out before adding.
-- Studies without a study date are in no row (no window holds them); modality '' is a study without one, hour '' a
-- study without a time, else the first two characters of the DICOM TM (HH).
CREATE TABLE study_activity (
    study_date  TEXT NOT NULL,
    modality    TEXT NOT NULL,
    device_key  TEXT NOT NULL,
    hour        TEXT NOT NULL,
    studies     BIGINT NOT NULL,
    events      BIGINT NOT NULL,
    PRIMARY KEY (study_date, modality, device_key, hour)
);
CREATE TABLE study_activity_studies (
    study_instance_uid  TEXT NOT NULL PRIMARY KEY,
    study_date          TEXT NOT NULL,
    modality            TEXT NOT NULL,
    device_key          TEXT NOT NULL,
    hour                TEXT NOT NULL,
    events              BIGINT NOT NULL
);
INSERT INTO study_activity_studies (study_instance_uid, study_date, modality, device_key, hour, events)
SELECT study_instance_uid, study_date, COALESCE(modality, ''), device_key, COALESCE(SUBSTR(study_time, 1, 2), ''), event_count
FROM studies WHERE study_date IS NOT NULL;
INSERT INTO study_activity (study_date, modality, device_key, hour, studies, events)
SELECT study_date, modality, device_key, hour, COUNT(*), SUM(events) FROM study_activity_studies
GROUP BY study_date, modality, device_key, hour;
-- The workload of a modality's window reads its days by modality.
CREATE INDEX ix_study_activity_modality_day ON study_activity (modality, study_date, hour, studies);
