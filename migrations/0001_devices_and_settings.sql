-- Modalities that have sent us something, keyed by what they say about themselves in each instance.
CREATE TABLE devices (
    id            {{identity}},
    ae_title      TEXT NOT NULL,
    station_name  TEXT NOT NULL DEFAULT '',
    manufacturer  TEXT NOT NULL DEFAULT '',
    model         TEXT NOT NULL DEFAULT '',
    serial        TEXT NOT NULL DEFAULT '',
    first_seen    TIMESTAMPTZ NOT NULL,
    last_seen     TIMESTAMPTZ NOT NULL
);

-- Empty strings, not NULLs, for unknown identity fields: a UNIQUE constraint treats NULLs as distinct.
CREATE UNIQUE INDEX ux_devices_identity ON devices (ae_title, station_name, manufacturer, model, serial);
CREATE INDEX ix_devices_last_seen ON devices (last_seen);

-- Operator-editable settings (key/value); defaults live in code, a row here overrides them.
CREATE TABLE settings (
    key         TEXT NOT NULL PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
