-- Dashboard queries at 1M events (issue #5, docs/benchmarks.md): the studies side was already a covering range scan
-- (0010); the cost was one lookup per event into the ~70-column irradiation_events row for four or five narrow columns.
-- These indexes hold exactly what DashboardRepository reads per event, so the join stays inside the index:
-- CT protocol doses (protocol, CTDIvol, DLP, started_at, event_uid for the recency order), daily median study dose
-- (DLP, DAP, AGD, activity), activity (event_uid). The silent-devices query reads only studies; its index carries the
-- device's describing columns so the grouping by device needs no table row.
CREATE INDEX ix_irradiation_events_dashboard ON irradiation_events
    (study_instance_uid, protocol, ctdivol_mgy, dlp_mgy_cm, started_at, event_uid, dap_gy_cm2, agd_mgy, administered_activity_mbq);
-- Daily medians and activity select studies by day across modalities and need the modality and UID of each.
CREATE INDEX ix_studies_day_modality ON studies (study_date, modality, study_instance_uid);
CREATE INDEX ix_studies_device_activity ON studies (device_key, study_date, modality, manufacturer, model, station_name);
-- Statistics for the new indexes: where a database already has statistics for the older ones (an operator's ANALYZE),
-- SQLite's planner otherwise keeps preferring the measured primary-key index over an unmeasured covering one.
ANALYZE irradiation_events;
ANALYZE studies;
