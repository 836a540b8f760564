-- Issue #19 item 3: pushing each study's Radiation Dose Summary to a configured FHIR server. One delivery per study
-- and target (the server's base URL), kept after it is sent so the study page can say when and where it went.
-- generation counts the requests (each dose object saved for the study, a back-fill, a retry); a push that read
-- generation g marks the delivery sent only while it is still g, so a dose object saved during a push is pushed again.
-- claimed_until keeps two jobs from pushing the same delivery at once (two conditional creates could make two resources).
CREATE TABLE fhir_deliveries (
    id                  {{identity}},
    study_instance_uid  TEXT NOT NULL,
    target              TEXT NOT NULL,
    status              TEXT NOT NULL,
    generation          BIGINT NOT NULL DEFAULT 1,
    attempts            INTEGER NOT NULL DEFAULT 0,
    next_attempt_at     TIMESTAMPTZ NOT NULL,
    claimed_until       TIMESTAMPTZ,
    last_error          TEXT,
    accepted_status     INTEGER,
    resource_location   TEXT,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    sent_at             TIMESTAMPTZ
);
CREATE UNIQUE INDEX ux_fhir_deliveries_study_target ON fhir_deliveries (study_instance_uid, target);
CREATE INDEX ix_fhir_deliveries_due ON fhir_deliveries (status, next_attempt_at);
