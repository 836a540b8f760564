-- A national DRL is judged on a device's median (issue #15): at most one alert per rule, device, DRL category and month,
-- whichever study takes the median above. Its event_uid is that period key ('drl-median:device:category:yyyy-MM'),
-- shared by the month's studies; this index lets only one of several concurrent analyses store it (the insert's
-- ON CONFLICT DO NOTHING). Ordinary event keys stay unique per study as before (ux_alerts_identity).
CREATE UNIQUE INDEX ux_alerts_period_key ON alerts (rule_id, event_uid) WHERE substr(event_uid, 1, 11) = 'drl-median:';
