-- Which irradiation events each dose report lists (issue #16, Core's StudyTotalsRule): a study's totals are the
-- device's own accumulated values, and a report whose events are a subset of another report's is superseded by it
-- (cumulative reports), while reports of disjoint events add up (continued reports). irradiation_events keeps only the
-- object an event was last written from, so the lists are kept here, one row per (object, event), written at save time.
CREATE TABLE dose_object_events (
    sop_instance_uid    TEXT NOT NULL,
    study_instance_uid  TEXT NOT NULL,
    event_uid           TEXT NOT NULL,
    PRIMARY KEY (study_instance_uid, sop_instance_uid, event_uid)
);
CREATE INDEX ix_dose_object_events_object ON dose_object_events (sop_instance_uid);
-- Existing studies: each event under the report it was last written from. An earlier report whose events were all
-- rewritten by a later one keeps no list, and a report without a list is used only for quantities no listing report
-- gives (StudyTotalsRule rule 3), which is what a superseded report should be.
INSERT INTO dose_object_events (sop_instance_uid, study_instance_uid, event_uid)
SELECT sop_instance_uid, study_instance_uid, event_uid FROM irradiation_events WHERE source_rank >= 2;
