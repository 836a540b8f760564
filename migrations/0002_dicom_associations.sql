-- One row per DICOM association the Store SCP served (accepted, rejected or aborted): the DICOM activity view.
CREATE TABLE dicom_associations (
    id                 {{identity}},
    association_uid    TEXT NOT NULL,
    started_at         TIMESTAMPTZ NOT NULL,
    ended_at           TIMESTAMPTZ NOT NULL,
    duration_ms        BIGINT NOT NULL,
    peer_address       TEXT NOT NULL DEFAULT '',
    peer_port          INTEGER NOT NULL DEFAULT 0,
    calling_ae         TEXT NOT NULL DEFAULT '',
    called_ae          TEXT NOT NULL DEFAULT '',
    tls                INTEGER NOT NULL DEFAULT 0,
    unknown_device     INTEGER NOT NULL DEFAULT 0,
    -- accepted presentation contexts, one "id abstract-syntax transfer-syntax" per line
    accepted_contexts  TEXT NOT NULL DEFAULT '',
    instances_stored   INTEGER NOT NULL DEFAULT 0,
    instances_failed   INTEGER NOT NULL DEFAULT 0,
    echoes             INTEGER NOT NULL DEFAULT 0,
    bytes_received     BIGINT NOT NULL DEFAULT 0,
    outcome            TEXT NOT NULL,
    detail             TEXT NOT NULL DEFAULT ''
);

CREATE UNIQUE INDEX ux_dicom_associations_uid ON dicom_associations (association_uid);
CREATE INDEX ix_dicom_associations_started_at ON dicom_associations (started_at);
CREATE INDEX ix_dicom_associations_calling_ae ON dicom_associations (calling_ae, started_at);
