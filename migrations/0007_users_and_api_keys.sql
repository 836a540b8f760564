-- Local accounts, their roles and API keys (issue #7). Portable SQL for SQLite and PostgreSQL (see README.md).
-- Passwords are ASP.NET Core Identity hashes (PBKDF2, salted); API keys are stored as the SHA-256 of the key only.

-- user_name keeps the spelling as entered; normalized_user_name (upper-case invariant) makes names case-insensitive.
-- password_hash is NULL for single-sign-on users; totp_secret (Base32) is NULL while no second factor is set up.
CREATE TABLE users (
    id                     {{identity}},
    user_name              TEXT NOT NULL,
    normalized_user_name   TEXT NOT NULL,
    password_hash          TEXT,
    totp_secret            TEXT,
    totp_last_step         BIGINT,
    failed_sign_ins        INTEGER NOT NULL DEFAULT 0,
    locked_until           TIMESTAMPTZ,
    disabled               INTEGER NOT NULL DEFAULT 0,
    created_at             TIMESTAMPTZ NOT NULL,
    last_sign_in           TIMESTAMPTZ
);
CREATE UNIQUE INDEX ux_users_normalized_user_name ON users (normalized_user_name);

CREATE TABLE user_roles (
    user_id  BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role     TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);

-- prefix is the first characters of the key, shown to tell keys apart; key_hash is the hex SHA-256 of the whole key.
-- A revoked key stays listed (who, when); a new key may then take its name.
CREATE TABLE api_keys (
    id            {{identity}},
    name          TEXT NOT NULL,
    prefix        TEXT NOT NULL,
    key_hash      TEXT NOT NULL,
    role          TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    last_used_at  TIMESTAMPTZ,
    revoked_at    TIMESTAMPTZ,
    revoked_by    TEXT
);
CREATE UNIQUE INDEX ux_api_keys_key_hash ON api_keys (key_hash);
CREATE UNIQUE INDEX ux_api_keys_active_name ON api_keys (name) WHERE revoked_at IS NULL;
