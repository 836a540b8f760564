-- Durable inbox: one row per received SOP instance, written right after the file is safely on disk and before the
-- C-STORE response, then driven through extraction by Hangfire jobs. Statuses:
--   received     stored, extraction job enqueued
--   extracting   a worker claimed it (attempts counts claims)
--   extracted    dose data stored
--   not_dose     recognised and set aside (e.g. a text SR)
--   failed       a transient error; Hangfire retries, or an operator does
--   quarantined  cannot be extracted as it is: file moved to <data>/quarantine with status_reason
CREATE TABLE instances (
    id                  {{identity}},
    sop_class_uid       TEXT NOT NULL,
    sop_instance_uid    TEXT NOT NULL,
    study_instance_uid  TEXT NOT NULL DEFAULT '',
    calling_ae          TEXT NOT NULL DEFAULT '',
    peer                TEXT NOT NULL DEFAULT '',
    size_bytes          BIGINT NOT NULL,
    path                TEXT NOT NULL,
    received_at         TIMESTAMPTZ NOT NULL,
    status              TEXT NOT NULL DEFAULT 'received'
                        CHECK (status IN ('received', 'extracting', 'extracted', 'not_dose', 'failed', 'quarantined')),
    status_reason       TEXT,
    attempts            INTEGER NOT NULL DEFAULT 0,
    updated_at          TIMESTAMPTZ NOT NULL
);

CREATE UNIQUE INDEX ux_instances_sop_instance_uid ON instances (sop_instance_uid);
-- The sweep and the API look rows up by status, oldest first.
CREATE INDEX ix_instances_status_updated ON instances (status, updated_at);
CREATE INDEX ix_instances_study ON instances (study_instance_uid);
