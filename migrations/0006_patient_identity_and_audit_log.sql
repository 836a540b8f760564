-- Patient identity and the audit trail (issue #7).
--
-- studies gains the direct identifiers (shown only to roles that need them) and a pseudonym (keyed HMAC of issuer +
-- patient ID, see DoseWatch.Core.Privacy.PatientPseudonym) that links a patient's studies for cumulative dose. In
-- pseudonymous mode the identifiers stay NULL and only the pseudonym is stored.
ALTER TABLE studies ADD COLUMN patient_name TEXT;
ALTER TABLE studies ADD COLUMN patient_id TEXT;
ALTER TABLE studies ADD COLUMN issuer_of_patient_id TEXT;
ALTER TABLE studies ADD COLUMN patient_birth_date TEXT;
ALTER TABLE studies ADD COLUMN patient_pseudonym TEXT;
CREATE INDEX ix_studies_patient_pseudonym ON studies (patient_pseudonym);

-- Append-only, hash-chained audit log. Ids are assigned by the writer under a lock (1, 2, 3... without gaps), and
-- hash = SHA-256 over a canonical encoding of (id, at, actor, action, target, detail, prev_hash); prev_hash is the
-- previous row's hash (64 zeros for the first). An edited, deleted or reordered row breaks the chain
-- (DoseWatch.Data.Audit.AuditChain; `dosewatch audit verify`).
CREATE TABLE audit_log (
    id         BIGINT NOT NULL PRIMARY KEY,
    at         TIMESTAMPTZ NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    target     TEXT,
    detail     TEXT,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);
CREATE INDEX ix_audit_log_actor ON audit_log (actor, id);
CREATE INDEX ix_audit_log_action ON audit_log (action, id);
