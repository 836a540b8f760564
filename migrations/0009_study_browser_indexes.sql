-- Study browser (issue #5): server-side paging and sorting over a million events.
-- Newest first is the default order: the full key lets the database walk the index instead of sorting every study.
CREATE INDEX ix_studies_date_time_uid ON studies (study_date, study_time, study_instance_uid);
-- The same order within one modality (the most common filter).
CREATE INDEX ix_studies_modality_date_time ON studies (modality, study_date, study_time, study_instance_uid);
-- A device's history (device filter and the Devices page's weekly counts).
CREATE INDEX ix_studies_device_date ON studies (device_key, study_date);
