-- PostgreSQL at a million events (issue #5, docs/benchmarks.md): "the latest 2,000 values of one protocol on one
-- device" is a backward walk of ix_irradiation_events_modality_protocol_device_day cut by LIMIT. The planner took the
-- three equalities as independent and estimated 4,682 rows where there were 164,864 (a mammography protocol is done
-- on a few units), so it fetched them all and sorted: 0.95 s per device, 8-13 s for the radiography and mammography
-- pages. With the columns' dependencies known it walks the index: 5 ms.
CREATE STATISTICS st_irradiation_events_modality_protocol_device (dependencies, ndistinct)
    ON modality, protocol, device_key FROM irradiation_events;
ANALYZE irradiation_events;
