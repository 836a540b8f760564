-- Per-modality dashboards (issue #5). Their queries select a modality's studies in a date range and read the study's
-- day, time, device and UID with each event; covering those columns lets the planner answer the weekday × hour workload
-- from the index alone and join the events without visiting the studies table (EXPLAIN QUERY PLAN: "USING COVERING
-- INDEX ix_studies_dashboard"). The older ix_studies_modality (modality, study_date) stays: other queries name it.
CREATE INDEX ix_studies_dashboard ON studies (modality, study_date, study_time, device_key, study_instance_uid);
