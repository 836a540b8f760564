-- The alert inbox filters by modality and by device, newest first (issue #15): without these, a filter on either
-- reads every alert. Status and type already have (status, created_at) and (type, created_at) from 0005.
CREATE INDEX ix_alerts_modality ON alerts (modality, created_at);
CREATE INDEX ix_alerts_device ON alerts (device_key, created_at);
