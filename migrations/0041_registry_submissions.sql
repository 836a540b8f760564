-- Registry submission (issue #19 item 4, IHE REM Dose Information Reporter): each received dose report is queued for the
-- configured dose registry, de-identified and sent by C-STORE. One row per report and registry is the delivery log a
-- PACS administrator reads on the DICOM nodes page: what was sent, when, how it ended (the registry's DIMSE status) and
-- why it failed; a failed row can be retried from there.
CREATE TABLE registry_submissions (
    id                    {{identity}},
    instance_id           BIGINT NOT NULL,            -- instances.id of the received dose report
    registry_ae           TEXT NOT NULL,              -- the registry it is for (its AE title when queued)
    sop_class_uid         TEXT NOT NULL,
    study_instance_uid    TEXT NOT NULL DEFAULT '',
    modality              TEXT NOT NULL DEFAULT '',   -- the study's modality (CT, XA, NM, ...), not the report's SR
    sent_sop_instance_uid TEXT,                       -- the de-identified object's UID, as the registry knows it
    status                TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts              INTEGER NOT NULL DEFAULT 0,
    next_attempt_at       TIMESTAMPTZ NOT NULL,
    last_error            TEXT,
    dimse_status          INTEGER,                    -- the registry's C-STORE status code, when it answered
    created_at            TIMESTAMPTZ NOT NULL,
    sent_at               TIMESTAMPTZ,
    updated_at            TIMESTAMPTZ NOT NULL
);

CREATE UNIQUE INDEX ux_registry_submissions_instance ON registry_submissions (instance_id, registry_ae);
CREATE INDEX ix_registry_submissions_created ON registry_submissions (created_at);
