-- Protocol deviations, dose outliers and alerts (issue #6). Portable SQL for SQLite and PostgreSQL (see README.md).
-- Device keys are DeviceIdentity.Key (studies.device_key); '' means "every device". Timestamps are TIMESTAMPTZ (UTC).

-- The department's standard protocols; approval per device in standard_protocol_devices (none listed = every device).
CREATE TABLE standard_protocols (
    name         TEXT NOT NULL PRIMARY KEY,
    modality     TEXT,
    description  TEXT,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);

CREATE TABLE standard_protocol_devices (
    protocol_name  TEXT NOT NULL REFERENCES standard_protocols (name) ON DELETE CASCADE,
    device_key     TEXT NOT NULL,
    PRIMARY KEY (protocol_name, device_key)
);

-- Raw names as devices spell them. A row without standard_protocol is a name waiting in the review queue; occurrences
-- and first/last seen tell the physicist which names matter. Keyed on the normalised name (ProtocolNameSimilarity).
CREATE TABLE protocol_mappings (
    id                 {{identity}},
    raw_name           TEXT NOT NULL,
    normalised_name    TEXT NOT NULL,
    source             TEXT NOT NULL,
    device_key         TEXT NOT NULL DEFAULT '',
    modality           TEXT,
    standard_protocol  TEXT REFERENCES standard_protocols (name),
    occurrences        BIGINT NOT NULL DEFAULT 0,
    first_seen         TIMESTAMPTZ,
    last_seen          TIMESTAMPTZ,
    mapped_by          TEXT,
    mapped_at          TIMESTAMPTZ
);
CREATE UNIQUE INDEX ux_protocol_mappings_name ON protocol_mappings (normalised_name, source, device_key);
CREATE INDEX ix_protocol_mappings_unmapped ON protocol_mappings (standard_protocol, occurrences);

-- The recipe of a standard protocol on a device: learned from history, or edited (edited_by set).
CREATE TABLE protocol_references (
    standard_protocol       TEXT NOT NULL REFERENCES standard_protocols (name) ON DELETE CASCADE,
    device_key              TEXT NOT NULL DEFAULT '',
    target_region_code      TEXT,
    target_region_scheme    TEXT,
    target_region_meaning   TEXT,
    kvp_set                 TEXT NOT NULL DEFAULT '',
    pitch_min               DOUBLE PRECISION,
    pitch_max               DOUBLE PRECISION,
    total_collimation_min_mm DOUBLE PRECISION,
    total_collimation_max_mm DOUBLE PRECISION,
    event_count_min         DOUBLE PRECISION,
    event_count_max         DOUBLE PRECISION,
    ctdivol_min_mgy         DOUBLE PRECISION,
    ctdivol_max_mgy         DOUBLE PRECISION,
    dlp_total_min_mgy_cm    DOUBLE PRECISION,
    dlp_total_max_mgy_cm    DOUBLE PRECISION,
    sample_size             INTEGER NOT NULL DEFAULT 0,
    edited_by               TEXT,
    updated_at              TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (standard_protocol, device_key)
);

-- National DRL tables per country, editable (seeded from the code's defaults when a country has no rows).
CREATE TABLE national_drls (
    country       TEXT NOT NULL,
    edition       TEXT NOT NULL,
    examination   TEXT NOT NULL,
    ctdivol_mgy   DOUBLE PRECISION,
    dlp_mgy_cm    DOUBLE PRECISION,
    PRIMARY KEY (country, examination)
);

-- Rules are data: type, scope, threshold and parameters (JSON object of strings) are edited in the UI.
CREATE TABLE rules (
    id                 {{identity}},
    name               TEXT NOT NULL,
    type               TEXT NOT NULL,
    modality           TEXT,
    device_key         TEXT,
    standard_protocol  TEXT,
    threshold          DOUBLE PRECISION,
    unit               TEXT,
    parameters         TEXT NOT NULL DEFAULT '{}',
    enabled            INTEGER NOT NULL DEFAULT 1,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);

-- Every change to a rule, with the rule as JSON before and after (NULL before for a creation).
CREATE TABLE rule_changes (
    id          {{identity}},
    rule_id     BIGINT NOT NULL REFERENCES rules (id),
    changed_at  TIMESTAMPTZ NOT NULL,
    changed_by  TEXT NOT NULL,
    change      TEXT NOT NULL,
    before_json TEXT,
    after_json  TEXT NOT NULL
);
CREATE INDEX ix_rule_changes_rule ON rule_changes (rule_id, changed_at);

-- One alert per (study, event, rule): re-evaluating a study never duplicates one. event_uid is '' for study-level
-- findings (a UNIQUE index treats NULLs as distinct). value/threshold are in unit; NULL where the check has no number.
CREATE TABLE alerts (
    id                  {{identity}},
    study_instance_uid  TEXT NOT NULL,
    event_uid           TEXT NOT NULL DEFAULT '',
    rule_id             BIGINT NOT NULL REFERENCES rules (id),
    rule_name           TEXT NOT NULL,
    type                TEXT NOT NULL CHECK (type IN ('protocol-deviation', 'dose-outlier', 'notification-value', 'drl-exceeded', 'cumulative-dose', 'dose-check')),
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
    resolved_at         TIMESTAMPTZ
);
CREATE UNIQUE INDEX ux_alerts_identity ON alerts (study_instance_uid, event_uid, rule_id);
CREATE INDEX ix_alerts_status ON alerts (status, created_at);
CREATE INDEX ix_alerts_type ON alerts (type, created_at);

-- The lifecycle of each alert, never rewritten: raised, acknowledged, resolved, assigned, commented.
CREATE TABLE alert_events (
    id        {{identity}},
    alert_id  BIGINT NOT NULL REFERENCES alerts (id),
    at        TIMESTAMPTZ NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    status    TEXT NOT NULL,
    comment   TEXT
);
CREATE INDEX ix_alert_events_alert ON alert_events (alert_id, at);

-- Who is told: by channel (email, webhook), optionally only for a rule, device, modality or type. digest_minutes > 0
-- holds e-mails that long so that a burst of alerts becomes one message.
CREATE TABLE alert_subscriptions (
    id              {{identity}},
    channel         TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
    target          TEXT NOT NULL,
    rule_id         BIGINT REFERENCES rules (id),
    device_key      TEXT,
    modality        TEXT,
    type            TEXT,
    digest_minutes  INTEGER NOT NULL DEFAULT 0,
    enabled         INTEGER NOT NULL DEFAULT 1,
    created_at      TIMESTAMPTZ NOT NULL
);

-- One delivery per alert and subscription, retried with backoff: pending until sent, failed after the last attempt;
-- never deleted, so a lost notification is visible.
CREATE TABLE alert_deliveries (
    id               {{identity}},
    alert_id         BIGINT NOT NULL REFERENCES alerts (id),
    subscription_id  BIGINT NOT NULL REFERENCES alert_subscriptions (id),
    channel          TEXT NOT NULL,
    target           TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT,
    next_attempt_at  TIMESTAMPTZ NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    sent_at          TIMESTAMPTZ
);
CREATE UNIQUE INDEX ux_alert_deliveries_identity ON alert_deliveries (alert_id, subscription_id);
CREATE INDEX ix_alert_deliveries_due ON alert_deliveries (status, next_attempt_at);
