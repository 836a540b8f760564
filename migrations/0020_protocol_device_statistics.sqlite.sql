-- The PostgreSQL variant adds multi-column statistics on (modality, protocol, device_key). SQLite has no such
-- statistics: its planner already reads the walk's index from sqlite_stat1 (the rows per prefix of
-- ix_irradiation_events_modality_protocol_device_day). Fresh statistics only, so that both engines share the number.
ANALYZE irradiation_events;
