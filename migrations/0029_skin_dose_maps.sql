-- Peak skin dose and skin dose maps of fluoroscopy dose reports (issue #20, docs/skin-dose.md), one row per RDSR:
-- either a map on the phantom (method 'Map': its peak, where, and the cell doses as little-endian float32 Gy,
-- ring after ring) or, when the geometry a map needs is missing, the dose at the reference point with the reason
-- (method 'ReferencePointDose', no map, no peak). Written by the skin dose job after extraction; a rerun replaces it.
CREATE TABLE skin_dose_maps (
    study_instance_uid TEXT NOT NULL,
    sop_instance_uid TEXT NOT NULL,
    method TEXT NOT NULL,
    peak_skin_dose_gy DOUBLE PRECISION,
    peak_from_head_end_cm DOUBLE PRECISION,
    peak_angle_deg DOUBLE PRECISION,
    peak_side TEXT,
    reference_point_dose_gy DOUBLE PRECISION,
    event_count INTEGER NOT NULL,
    events_missing_skin INTEGER NOT NULL DEFAULT 0,
    not_computed_reason TEXT,
    model TEXT,
    map_rings INTEGER,
    map_sectors INTEGER,
    ring_spacing_cm DOUBLE PRECISION,
    sector_step_rad DOUBLE PRECISION,
    map_dose_gy {{blob}},
    calculated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (study_instance_uid, sop_instance_uid)
);
-- The study's peak skin dose (the largest of its reports' maps; NULL when none could be computed), kept on the
-- study's row for the study list, exports, the fluoroscopy page and the per-patient alert windows.
ALTER TABLE studies ADD COLUMN peak_skin_dose_gy DOUBLE PRECISION;
