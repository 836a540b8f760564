-- Issue #16: every quantity the extractors read is stored, so the API, the study page and the exports can show it
-- (items 7-9). All nullable: NULL means "not reported", never 0; the unit is in the column name.

-- Projection X-ray (TID 10003): pulse width and half-value layer, and the event's geometry (TID 10003B/10003C,
-- CID 10008; ProjectionGeometry), which skin-dose mapping needs per event.
ALTER TABLE irradiation_events ADD COLUMN pulse_width_ms DOUBLE PRECISION;
ALTER TABLE irradiation_events ADD COLUMN half_value_layer_mm DOUBLE PRECISION;
ALTER TABLE irradiation_events ADD COLUMN distance_source_to_detector_mm DOUBLE PRECISION;
ALTER TABLE irradiation_events ADD COLUMN distance_source_to_isocenter_mm DOUBLE PRECISION;
ALTER TABLE irradiation_events ADD COLUMN distance_source_to_reference_point_mm DOUBLE PRECISION;
ALTER TABLE irradiation_events ADD COLUMN positioner_primary_angle_deg DOUBLE PRECISION;
ALTER TABLE irradiation_events ADD COLUMN positioner_secondary_angle_deg DOUBLE PRECISION;
ALTER TABLE irradiation_events ADD COLUMN table_longitudinal_position_mm DOUBLE PRECISION;
ALTER TABLE irradiation_events ADD COLUMN table_lateral_position_mm DOUBLE PRECISION;
ALTER TABLE irradiation_events ADD COLUMN table_height_position_mm DOUBLE PRECISION;
ALTER TABLE irradiation_events ADD COLUMN table_head_tilt_angle_deg DOUBLE PRECISION;
ALTER TABLE irradiation_events ADD COLUMN table_horizontal_rotation_angle_deg DOUBLE PRECISION;
ALTER TABLE irradiation_events ADD COLUMN table_cradle_tilt_angle_deg DOUBLE PRECISION;
ALTER TABLE irradiation_events ADD COLUMN collimated_field_area_m2 DOUBLE PRECISION;
ALTER TABLE irradiation_events ADD COLUMN collimated_field_height_mm DOUBLE PRECISION;
ALTER TABLE irradiation_events ADD COLUMN collimated_field_width_mm DOUBLE PRECISION;
ALTER TABLE irradiation_events ADD COLUMN copper_filter_mm DOUBLE PRECISION;
ALTER TABLE irradiation_events ADD COLUMN aluminium_filter_mm DOUBLE PRECISION;
-- Philips Allura's private collimator shutter positions (99PHI-IXR-XPER), projected to 100 cm from the source.
ALTER TABLE irradiation_events ADD COLUMN left_shutter_mm DOUBLE PRECISION;
ALTER TABLE irradiation_events ADD COLUMN right_shutter_mm DOUBLE PRECISION;
ALTER TABLE irradiation_events ADD COLUMN top_shutter_mm DOUBLE PRECISION;
ALTER TABLE irradiation_events ADD COLUMN bottom_shutter_mm DOUBLE PRECISION;
-- CT Procedure Context (CID 10014: with or without contrast), as the device names it.
ALTER TABLE irradiation_events ADD COLUMN procedure_context TEXT;
-- Effective Dose (113839) as the dose report states it (RRDSR, CT Dose); DoseWatch's own estimate stays in
-- effective_dose_estimate_msv.
ALTER TABLE irradiation_events ADD COLUMN reported_effective_dose_msv DOUBLE PRECISION;

-- Requested Procedure Description (0032,1060), or the first of the Request Attributes Sequence.
ALTER TABLE studies ADD COLUMN requested_procedure TEXT;

-- A study with several modalities (PET/CT: a CT RDSR, an RRDSR and PET images under one Study Instance UID) keeps
-- each part's own accession and device on the object it came from; the studies row keeps the first received.
ALTER TABLE dose_source_objects ADD COLUMN accession_number TEXT;
ALTER TABLE dose_source_objects ADD COLUMN device_key TEXT;
ALTER TABLE dose_source_objects ADD COLUMN manufacturer TEXT;
ALTER TABLE dose_source_objects ADD COLUMN model TEXT;
ALTER TABLE dose_source_objects ADD COLUMN station_name TEXT;
