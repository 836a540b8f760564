-- Rules UI, alert assignment, cumulative dose, digests and webhook idempotency (issue #6, second part).
-- Portable SQL for SQLite and PostgreSQL (see README.md).

-- Rules stored from DoseWatch's defaults carry the default's name as seed_key: a release that adds a default rule
-- adds it to existing installations too, and a rule a physicist renamed is not added a second time.
ALTER TABLE rules ADD COLUMN seed_key TEXT;
UPDATE rules SET seed_key = name WHERE id IN (SELECT rule_id FROM rule_changes WHERE change = 'created' AND changed_by = 'system');
CREATE UNIQUE INDEX ux_rules_seed_key ON rules (seed_key);

-- Assignment (alerts.assignee exists since 0005): when and by whom; the inbox filters on the assignee.
ALTER TABLE alerts ADD COLUMN assigned_at TIMESTAMPTZ;
ALTER TABLE alerts ADD COLUMN assigned_by TEXT;
CREATE INDEX ix_alerts_assignee ON alerts (assignee, status);

-- Dashboard markers ask "open alerts of these studies".
CREATE INDEX ix_alerts_study_status ON alerts (study_instance_uid, status);

-- Webhook idempotency: the key sent as the Idempotency-Key header, the same on every retry of one delivery, so a
-- receiver that accepted a POST whose answer was lost recognises the repeat. accepted_status is the HTTP status of
-- the accepting answer (the record that the receiver took it; sent_at says when).
ALTER TABLE alert_deliveries ADD COLUMN idempotency_key TEXT;
ALTER TABLE alert_deliveries ADD COLUMN accepted_status INTEGER;
UPDATE alert_deliveries SET idempotency_key = 'dosewatch-alert-' || CAST(alert_id AS TEXT) || '-' || CAST(subscription_id AS TEXT);

-- E-mail flood control counts what each address got in the last minutes.
CREATE INDEX ix_alert_deliveries_target_sent ON alert_deliveries (channel, target, sent_at);
