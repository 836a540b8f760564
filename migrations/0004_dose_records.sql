-- Dose records extracted from RDSRs and image headers (issue #4). One row per study, per irradiation event, per
-- source object. Every dose quantity is a nullable DOUBLE PRECISION in the canonical unit named by the column:
-- NULL means "not reported", never 0. Timestamps are TIMESTAMPTZ (UTC); study_date is ISO 'YYYY-MM-DD' text.

CREATE TABLE studies (
    study_instance_uid   TEXT NOT NULL PRIMARY KEY,
    accession_number     TEXT,
    study_date           TEXT,
    study_time           TEXT,
    modality             TEXT,
    study_description    TEXT,
    patient_age          TEXT,
    patient_age_years    DOUBLE PRECISION,
    patient_sex          TEXT,
    patient_weight_kg    DOUBLE PRECISION,
    patient_height_m     DOUBLE PRECISION,
    -- The device as the objects identify it; device_id links to the receiving side's devices row when known.
    device_id            BIGINT REFERENCES devices (id),
    manufacturer         TEXT,
    model                TEXT,
    station_name         TEXT,
    serial_number        TEXT,
    device_observer_uid  TEXT,
    device_key           TEXT NOT NULL DEFAULT '',
    updated_at           TIMESTAMPTZ NOT NULL
);
CREATE INDEX ix_studies_study_date ON studies (study_date);
CREATE INDEX ix_studies_modality ON studies (modality, study_date);
CREATE INDEX ix_studies_device_key ON studies (device_key);

-- Every object that went through extraction, dose or not: the same SOP instance twice is one row. The accumulated
-- values are the device's own totals as reported by this object (kept apart from DoseWatch's sums over events).
CREATE TABLE dose_source_objects (
    sop_instance_uid                TEXT NOT NULL PRIMARY KEY,
    sop_class_uid                   TEXT NOT NULL,
    series_instance_uid             TEXT,
    study_instance_uid              TEXT,
    modality                        TEXT,
    kind                            TEXT NOT NULL,
    not_a_dose_object_reason        TEXT,
    event_count                     INTEGER NOT NULL,
    reported_event_count            DOUBLE PRECISION,
    dlp_total_mgy_cm                DOUBLE PRECISION,
    ct_effective_dose_total_msv     DOUBLE PRECISION,
    dap_total_gy_cm2                DOUBLE PRECISION,
    dose_rp_total_gy                DOUBLE PRECISION,
    fluoro_dap_total_gy_cm2         DOUBLE PRECISION,
    fluoro_dose_rp_total_gy         DOUBLE PRECISION,
    acquisition_dap_total_gy_cm2    DOUBLE PRECISION,
    acquisition_dose_rp_total_gy    DOUBLE PRECISION,
    fluoro_time_total_s             DOUBLE PRECISION,
    acquisition_time_total_s        DOUBLE PRECISION,
    radiographic_frame_count        DOUBLE PRECISION,
    agd_left_breast_mgy             DOUBLE PRECISION,
    agd_right_breast_mgy            DOUBLE PRECISION,
    agd_total_mgy                   DOUBLE PRECISION,
    warnings                        TEXT NOT NULL DEFAULT '',
    applied_fixes                   TEXT NOT NULL DEFAULT '',
    extracted_at                    TIMESTAMPTZ NOT NULL
);
CREATE INDEX ix_dose_source_objects_study ON dose_source_objects (study_instance_uid);

-- One row per irradiation event of a study, keyed by its Irradiation Event UID (or, for image-derived records
-- without one, a key from the series/acquisition/instance: event_key_kind says which). Cumulative and continued
-- RDSRs therefore merge on the key. source_rank decides which source wins for the same key: dose reports (2) over
-- image headers (1).
CREATE TABLE irradiation_events (
    study_instance_uid              TEXT NOT NULL,
    event_uid                       TEXT NOT NULL,
    event_key_kind                  TEXT NOT NULL,
    source_kind                     TEXT NOT NULL,
    source_rank                     INTEGER NOT NULL,
    sop_instance_uid                TEXT NOT NULL,
    started_at                      TIMESTAMPTZ,
    protocol                        TEXT,
    target_region_code              TEXT,
    target_region_scheme            TEXT,
    target_region_meaning           TEXT,
    acquisition_type_code           TEXT,
    acquisition_type_scheme         TEXT,
    acquisition_type_meaning        TEXT,
    acquisition_plane               TEXT,
    ctdivol_mgy                     DOUBLE PRECISION,
    phantom                         TEXT,
    dlp_mgy_cm                      DOUBLE PRECISION,
    ssde_mgy                        DOUBLE PRECISION,
    ssde_estimate_mgy               DOUBLE PRECISION,
    ssde_estimate_method            TEXT,
    effective_dose_estimate_msv     DOUBLE PRECISION,
    effective_dose_estimate_method  TEXT,
    water_equivalent_diameter_mm    DOUBLE PRECISION,
    effective_diameter_mm           DOUBLE PRECISION,
    pitch_factor                    DOUBLE PRECISION,
    single_collimation_mm           DOUBLE PRECISION,
    total_collimation_mm            DOUBLE PRECISION,
    scan_length_mm                  DOUBLE PRECISION,
    kvp                             DOUBLE PRECISION,
    tube_current_ma                 DOUBLE PRECISION,
    exposure_time_s                 DOUBLE PRECISION,
    exposure_mas                    DOUBLE PRECISION,
    dap_gy_cm2                      DOUBLE PRECISION,
    dose_rp_gy                      DOUBLE PRECISION,
    irradiation_duration_s          DOUBLE PRECISION,
    pulse_rate_per_s                DOUBLE PRECISION,
    number_of_pulses                DOUBLE PRECISION,
    filters                         TEXT,
    exposure_index                  DOUBLE PRECISION,
    target_exposure_index           DOUBLE PRECISION,
    deviation_index                 DOUBLE PRECISION,
    entrance_dose_mgy               DOUBLE PRECISION,
    agd_mgy                         DOUBLE PRECISION,
    laterality                      TEXT,
    compression_thickness_mm        DOUBLE PRECISION,
    compression_force_n             DOUBLE PRECISION,
    anode_target                    TEXT,
    sar_w_per_kg                    DOUBLE PRECISION,
    sar_definition                  TEXT,
    dbdt_t_per_s                    DOUBLE PRECISION,
    b1rms_ut                        DOUBLE PRECISION,
    operating_mode                  TEXT,
    field_strength_t                DOUBLE PRECISION,
    mechanical_index                DOUBLE PRECISION,
    thermal_index_soft_tissue       DOUBLE PRECISION,
    thermal_index_bone              DOUBLE PRECISION,
    thermal_index_cranial_bone      DOUBLE PRECISION,
    transducer                      TEXT,
    preset                          TEXT,
    administered_activity_mbq       DOUBLE PRECISION,
    radionuclide_code               TEXT,
    radionuclide_scheme             TEXT,
    radionuclide_meaning            TEXT,
    radiopharmaceutical_agent       TEXT,
    route_code                      TEXT,
    route_scheme                    TEXT,
    route_meaning                   TEXT,
    administered_at                 TIMESTAMPTZ,
    updated_at                      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (study_instance_uid, event_uid)
);
CREATE INDEX ix_irradiation_events_protocol ON irradiation_events (protocol);

-- CT X-ray source parameters, one row per source (dual-source CT has two).
CREATE TABLE ct_xray_sources (
    study_instance_uid               TEXT NOT NULL,
    event_uid                        TEXT NOT NULL,
    source_index                     INTEGER NOT NULL,
    identification                   TEXT,
    kvp                              DOUBLE PRECISION,
    tube_current_ma                  DOUBLE PRECISION,
    maximum_tube_current_ma          DOUBLE PRECISION,
    exposure_time_per_rotation_s     DOUBLE PRECISION,
    PRIMARY KEY (study_instance_uid, event_uid, source_index)
);

-- TID 10015 CT Dose Check details per event: kind 'alert' (113900) or 'notification' (113908).
CREATE TABLE ct_dose_check_notifications (
    study_instance_uid              TEXT NOT NULL,
    event_uid                       TEXT NOT NULL,
    kind                            TEXT NOT NULL,
    dlp_value_configured            INTEGER,
    ctdivol_value_configured        INTEGER,
    dlp_value_mgy_cm                DOUBLE PRECISION,
    ctdivol_value_mgy               DOUBLE PRECISION,
    dlp_forward_estimate_mgy_cm     DOUBLE PRECISION,
    ctdivol_forward_estimate_mgy    DOUBLE PRECISION,
    reason_for_proceeding           TEXT,
    authorized_by                   TEXT,
    PRIMARY KEY (study_instance_uid, event_uid, kind)
);
