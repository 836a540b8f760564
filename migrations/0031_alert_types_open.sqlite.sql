-- New checks (peak skin dose, DRL judged on a device's median) bring new alert types; the rule engine's RuleType is the
-- one list of them, so the column no longer repeats it in a CHECK that every new type would have to rebuild.
-- SQLite cannot drop a CHECK: the table is rebuilt (the runner turns foreign keys off for migrations and runs
-- foreign_key_check before each commit, SQLite's own procedure for this).
CREATE TABLE alerts_rebuilt (
    id                  {{identity}},
    study_instance_uid  TEXT NOT NULL,
    event_uid           TEXT NOT NULL DEFAULT '',
    rule_id             BIGINT NOT NULL REFERENCES rules (id),
    rule_name           TEXT NOT NULL,
    type                TEXT NOT NULL,
    quantity            TEXT NOT NULL,
    value               DOUBLE PRECISION,
    threshold           DOUBLE PRECISION,
    unit                TEXT NOT NULL,
    message             TEXT NOT NULL,
    evidence            TEXT NOT NULL DEFAULT '{}',
    standard_protocol   TEXT,
    device_key          TEXT NOT NULL DEFAULT '',
    modality            TEXT,
    status              TEXT NOT NULL CHECK (status IN ('new', 'acknowledged', 'resolved')),
    assignee            TEXT,
    comment             TEXT,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    acknowledged_at     TIMESTAMPTZ,
    resolved_at         TIMESTAMPTZ,
    assigned_at         TIMESTAMPTZ,
    assigned_by         TEXT
);
INSERT INTO alerts_rebuilt (id, study_instance_uid, event_uid, rule_id, rule_name, type, quantity, value, threshold, unit, message,
    evidence, standard_protocol, device_key, modality, status, assignee, comment, created_at, updated_at, acknowledged_at,
    resolved_at, assigned_at, assigned_by)
SELECT id, study_instance_uid, event_uid, rule_id, rule_name, type, quantity, value, threshold, unit, message,
    evidence, standard_protocol, device_key, modality, status, assignee, comment, created_at, updated_at, acknowledged_at,
    resolved_at, assigned_at, assigned_by
FROM alerts;
DROP TABLE alerts;
ALTER TABLE alerts_rebuilt RENAME TO alerts;
CREATE UNIQUE INDEX ux_alerts_identity ON alerts (study_instance_uid, event_uid, rule_id);
CREATE INDEX ix_alerts_status ON alerts (status, created_at);
CREATE INDEX ix_alerts_type ON alerts (type, created_at);
CREATE INDEX ix_alerts_assignee ON alerts (assignee, status);
CREATE INDEX ix_alerts_study_status ON alerts (study_instance_uid, status);
CREATE INDEX ix_alerts_modality ON alerts (modality, created_at);
CREATE INDEX ix_alerts_device ON alerts (device_key, created_at);
