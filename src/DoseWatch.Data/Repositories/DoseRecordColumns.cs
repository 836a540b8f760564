using DoseWatch.Core.Domain;

namespace DoseWatch.Data.Repositories;

/// <summary>
/// The irradiation_events columns and how each is written from and read back into <see cref="IrradiationEvent"/>:
/// one table of names so INSERT, SELECT and mapping cannot drift apart.
/// </summary>
internal static class DoseRecordColumns
{
    public sealed record Column(string Name, Func<IrradiationEvent, object?> Write);

    public static readonly IReadOnlyList<Column> Event =
    [
        new("event_key_kind", e => e.EventKeyKind),
        new("source_kind", e => e.Source.ToString()),
        new("source_rank", e => e.Source.IsDoseReport() ? 2 : 1),
        new("started_at", e => e.StartedAt?.ToUniversalTime()),
        new("protocol", e => e.Protocol),
        new("target_region_code", e => e.TargetRegion?.Value),
        new("target_region_scheme", e => e.TargetRegion?.Scheme),
        new("target_region_meaning", e => e.TargetRegion?.Meaning),
        new("acquisition_type_code", e => e.AcquisitionType?.Value),
        new("acquisition_type_scheme", e => e.AcquisitionType?.Scheme),
        new("acquisition_type_meaning", e => e.AcquisitionType?.Meaning),
        new("acquisition_plane", e => e.AcquisitionPlane),
        new("ctdivol_mgy", e => e.CtdiVolMGy),
        new("phantom", e => e.Phantom?.ToString()),
        new("dlp_mgy_cm", e => e.DlpMGyCm),
        new("ssde_mgy", e => e.SsdeMGy),
        new("ssde_estimate_mgy", e => Estimate(e, "SSDE")?.Value),
        new("ssde_estimate_method", e => Estimate(e, "SSDE")?.Method),
        new("effective_dose_estimate_msv", e => Estimate(e, "EffectiveDose")?.Value),
        new("effective_dose_estimate_method", e => Estimate(e, "EffectiveDose")?.Method),
        new("water_equivalent_diameter_mm", e => e.WaterEquivalentDiameterMm),
        new("effective_diameter_mm", e => e.EffectiveDiameterMm),
        new("pitch_factor", e => e.PitchFactor),
        new("single_collimation_mm", e => e.NominalSingleCollimationMm),
        new("total_collimation_mm", e => e.NominalTotalCollimationMm),
        new("scan_length_mm", e => e.ScanLengthMm),
        new("kvp", e => e.Kvp),
        new("tube_current_ma", e => e.TubeCurrentMA),
        new("exposure_time_s", e => e.ExposureTimeS),
        new("exposure_mas", e => e.ExposureMAs),
        new("dap_gy_cm2", e => e.DapGyCm2),
        new("dose_rp_gy", e => e.DoseRpGy),
        new("irradiation_duration_s", e => e.IrradiationDurationS),
        new("pulse_rate_per_s", e => e.PulseRatePerS),
        new("number_of_pulses", e => e.NumberOfPulses),
        new("filters", e => e.Filters),
        new("exposure_index", e => e.ExposureIndex),
        new("target_exposure_index", e => e.TargetExposureIndex),
        new("deviation_index", e => e.DeviationIndex),
        new("entrance_dose_mgy", e => e.EntranceDoseMGy),
        new("agd_mgy", e => e.AgdMGy),
        new("laterality", e => e.Laterality),
        new("compression_thickness_mm", e => e.CompressionThicknessMm),
        new("compression_force_n", e => e.CompressionForceN),
        new("anode_target", e => e.AnodeTarget),
        new("sar_w_per_kg", e => e.SarWPerKg),
        new("sar_definition", e => e.SarDefinition),
        new("dbdt_t_per_s", e => e.DbdtTPerS),
        new("b1rms_ut", e => e.B1rmsUT),
        new("operating_mode", e => e.OperatingMode),
        new("field_strength_t", e => e.FieldStrengthT),
        new("mechanical_index", e => e.MechanicalIndex),
        new("thermal_index_soft_tissue", e => e.ThermalIndexSoftTissue),
        new("thermal_index_bone", e => e.ThermalIndexBone),
        new("thermal_index_cranial_bone", e => e.ThermalIndexCranialBone),
        new("transducer", e => e.Transducer),
        new("preset", e => e.Preset),
        new("administered_activity_mbq", e => e.AdministeredActivityMBq),
        new("radionuclide_code", e => e.Radionuclide?.Value),
        new("radionuclide_scheme", e => e.Radionuclide?.Scheme),
        new("radionuclide_meaning", e => e.Radionuclide?.Meaning),
        new("radiopharmaceutical_agent", e => e.RadiopharmaceuticalAgent),
        new("route_code", e => e.Route?.Value),
        new("route_scheme", e => e.Route?.Scheme),
        new("route_meaning", e => e.Route?.Meaning),
        new("administered_at", e => e.AdministeredAt?.ToUniversalTime()),
        new("pulse_width_ms", e => e.PulseWidthMs),
        new("half_value_layer_mm", e => e.HalfValueLayerMm),
        new("distance_source_to_detector_mm", e => e.Geometry?.DistanceSourceToDetectorMm),
        new("distance_source_to_isocenter_mm", e => e.Geometry?.DistanceSourceToIsocenterMm),
        new("distance_source_to_reference_point_mm", e => e.Geometry?.DistanceSourceToReferencePointMm),
        new("positioner_primary_angle_deg", e => e.Geometry?.PositionerPrimaryAngleDeg),
        new("positioner_secondary_angle_deg", e => e.Geometry?.PositionerSecondaryAngleDeg),
        new("table_longitudinal_position_mm", e => e.Geometry?.TableLongitudinalPositionMm),
        new("table_lateral_position_mm", e => e.Geometry?.TableLateralPositionMm),
        new("table_height_position_mm", e => e.Geometry?.TableHeightPositionMm),
        new("table_head_tilt_angle_deg", e => e.Geometry?.TableHeadTiltAngleDeg),
        new("table_horizontal_rotation_angle_deg", e => e.Geometry?.TableHorizontalRotationAngleDeg),
        new("table_cradle_tilt_angle_deg", e => e.Geometry?.TableCradleTiltAngleDeg),
        new("collimated_field_area_m2", e => e.Geometry?.CollimatedFieldAreaM2),
        new("collimated_field_height_mm", e => e.Geometry?.CollimatedFieldHeightMm),
        new("collimated_field_width_mm", e => e.Geometry?.CollimatedFieldWidthMm),
        new("copper_filter_mm", e => e.Geometry?.CopperFilterMm),
        new("aluminium_filter_mm", e => e.Geometry?.AluminiumFilterMm),
        new("left_shutter_mm", e => e.Geometry?.LeftShutterMm),
        new("right_shutter_mm", e => e.Geometry?.RightShutterMm),
        new("top_shutter_mm", e => e.Geometry?.TopShutterMm),
        new("bottom_shutter_mm", e => e.Geometry?.BottomShutterMm),
        new("procedure_context", e => e.ProcedureContext),
        new("reported_effective_dose_msv", e => e.ReportedEffectiveDoseMSv),
    ];

    private static DerivedEstimate? Estimate(IrradiationEvent e, string quantity) => e.Estimates.FirstOrDefault(x => x.Quantity == quantity);

    /// <summary>Rebuilds the event from a row read as a column → value dictionary (provider-neutral).</summary>
    public static IrradiationEvent Read(IDictionary<string, object?> r)
    {
        var estimates = new List<DerivedEstimate>();
        if (Dbl(r, "ssde_estimate_mgy") is { } ssde) estimates.Add(new DerivedEstimate("SSDE", ssde, "mGy", Str(r, "ssde_estimate_method") ?? ""));
        if (Dbl(r, "effective_dose_estimate_msv") is { } ed) estimates.Add(new DerivedEstimate("EffectiveDose", ed, "mSv", Str(r, "effective_dose_estimate_method") ?? ""));
        return new IrradiationEvent
        {
            EventUid = Str(r, "event_uid")!,
            EventKeyKind = Str(r, "event_key_kind")!,
            Source = Enum.Parse<DoseSourceKind>(Str(r, "source_kind")!),
            StartedAt = Time(r, "started_at"),
            Protocol = Str(r, "protocol"),
            TargetRegion = Code(r, "target_region"),
            AcquisitionType = Code(r, "acquisition_type"),
            AcquisitionPlane = Str(r, "acquisition_plane"),
            CtdiVolMGy = Dbl(r, "ctdivol_mgy"),
            Phantom = Str(r, "phantom") is { } p ? Enum.Parse<CtdiPhantom>(p) : null,
            DlpMGyCm = Dbl(r, "dlp_mgy_cm"),
            SsdeMGy = Dbl(r, "ssde_mgy"),
            WaterEquivalentDiameterMm = Dbl(r, "water_equivalent_diameter_mm"),
            EffectiveDiameterMm = Dbl(r, "effective_diameter_mm"),
            PitchFactor = Dbl(r, "pitch_factor"),
            NominalSingleCollimationMm = Dbl(r, "single_collimation_mm"),
            NominalTotalCollimationMm = Dbl(r, "total_collimation_mm"),
            ScanLengthMm = Dbl(r, "scan_length_mm"),
            Kvp = Dbl(r, "kvp"),
            TubeCurrentMA = Dbl(r, "tube_current_ma"),
            ExposureTimeS = Dbl(r, "exposure_time_s"),
            ExposureMAs = Dbl(r, "exposure_mas"),
            DapGyCm2 = Dbl(r, "dap_gy_cm2"),
            DoseRpGy = Dbl(r, "dose_rp_gy"),
            IrradiationDurationS = Dbl(r, "irradiation_duration_s"),
            PulseRatePerS = Dbl(r, "pulse_rate_per_s"),
            NumberOfPulses = Dbl(r, "number_of_pulses"),
            Filters = Str(r, "filters"),
            ExposureIndex = Dbl(r, "exposure_index"),
            TargetExposureIndex = Dbl(r, "target_exposure_index"),
            DeviationIndex = Dbl(r, "deviation_index"),
            EntranceDoseMGy = Dbl(r, "entrance_dose_mgy"),
            AgdMGy = Dbl(r, "agd_mgy"),
            Laterality = Str(r, "laterality"),
            CompressionThicknessMm = Dbl(r, "compression_thickness_mm"),
            CompressionForceN = Dbl(r, "compression_force_n"),
            AnodeTarget = Str(r, "anode_target"),
            SarWPerKg = Dbl(r, "sar_w_per_kg"),
            SarDefinition = Str(r, "sar_definition"),
            DbdtTPerS = Dbl(r, "dbdt_t_per_s"),
            B1rmsUT = Dbl(r, "b1rms_ut"),
            OperatingMode = Str(r, "operating_mode"),
            FieldStrengthT = Dbl(r, "field_strength_t"),
            MechanicalIndex = Dbl(r, "mechanical_index"),
            ThermalIndexSoftTissue = Dbl(r, "thermal_index_soft_tissue"),
            ThermalIndexBone = Dbl(r, "thermal_index_bone"),
            ThermalIndexCranialBone = Dbl(r, "thermal_index_cranial_bone"),
            Transducer = Str(r, "transducer"),
            Preset = Str(r, "preset"),
            AdministeredActivityMBq = Dbl(r, "administered_activity_mbq"),
            Radionuclide = Code(r, "radionuclide"),
            RadiopharmaceuticalAgent = Str(r, "radiopharmaceutical_agent"),
            Route = Code(r, "route"),
            AdministeredAt = Time(r, "administered_at"),
            PulseWidthMs = Dbl(r, "pulse_width_ms"),
            HalfValueLayerMm = Dbl(r, "half_value_layer_mm"),
            Geometry = ReadGeometry(r),
            ProcedureContext = Str(r, "procedure_context"),
            ReportedEffectiveDoseMSv = Dbl(r, "reported_effective_dose_msv"),
            Estimates = estimates,
        };
    }

    /// <summary>The event's geometry, null when none of it was stored (as the extractor leaves it).</summary>
    private static ProjectionGeometry? ReadGeometry(IDictionary<string, object?> r)
    {
        var geometry = new ProjectionGeometry
        {
            DistanceSourceToDetectorMm = Dbl(r, "distance_source_to_detector_mm"),
            DistanceSourceToIsocenterMm = Dbl(r, "distance_source_to_isocenter_mm"),
            DistanceSourceToReferencePointMm = Dbl(r, "distance_source_to_reference_point_mm"),
            PositionerPrimaryAngleDeg = Dbl(r, "positioner_primary_angle_deg"),
            PositionerSecondaryAngleDeg = Dbl(r, "positioner_secondary_angle_deg"),
            TableLongitudinalPositionMm = Dbl(r, "table_longitudinal_position_mm"),
            TableLateralPositionMm = Dbl(r, "table_lateral_position_mm"),
            TableHeightPositionMm = Dbl(r, "table_height_position_mm"),
            TableHeadTiltAngleDeg = Dbl(r, "table_head_tilt_angle_deg"),
            TableHorizontalRotationAngleDeg = Dbl(r, "table_horizontal_rotation_angle_deg"),
            TableCradleTiltAngleDeg = Dbl(r, "table_cradle_tilt_angle_deg"),
            CollimatedFieldAreaM2 = Dbl(r, "collimated_field_area_m2"),
            CollimatedFieldHeightMm = Dbl(r, "collimated_field_height_mm"),
            CollimatedFieldWidthMm = Dbl(r, "collimated_field_width_mm"),
            CopperFilterMm = Dbl(r, "copper_filter_mm"),
            AluminiumFilterMm = Dbl(r, "aluminium_filter_mm"),
            LeftShutterMm = Dbl(r, "left_shutter_mm"),
            RightShutterMm = Dbl(r, "right_shutter_mm"),
            TopShutterMm = Dbl(r, "top_shutter_mm"),
            BottomShutterMm = Dbl(r, "bottom_shutter_mm"),
        };
        return geometry.IsEmpty ? null : geometry;
    }

    public static string? Str(IDictionary<string, object?> r, string column) => r.TryGetValue(column, out var v) && v is not null and not DBNull ? Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) : null;

    public static double? Dbl(IDictionary<string, object?> r, string column) => r.TryGetValue(column, out var v) && v is not null and not DBNull ? Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture) : null;

    public static long? Long(IDictionary<string, object?> r, string column) => r.TryGetValue(column, out var v) && v is not null and not DBNull ? Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture) : null;

    /// <summary>TIMESTAMPTZ read back: a DateTime/DateTimeOffset from PostgreSQL, ISO-8601 text from SQLite.</summary>
    public static DateTimeOffset? Time(IDictionary<string, object?> r, string column) => r.TryGetValue(column, out var v) ? v switch
    {
        DateTimeOffset d => d,
        DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
        string s => DateTimeOffset.Parse(s, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal),
        _ => null,
    } : null;

    private static ConceptCode? Code(IDictionary<string, object?> r, string prefix) =>
        Str(r, prefix + "_code") is { } code ? new ConceptCode(code, Str(r, prefix + "_scheme") ?? "", Str(r, prefix + "_meaning")) : null;
}

/// <summary>
/// studies.study_time as text: "HH:mm:ss" and, when the Study Time has them, its fractions of a second (up to the
/// microseconds TM can carry; issue #16 item 2). A whole second stays "HH:mm:ss", so rows stored before read the same,
/// and the text sorts as the time does.
/// </summary>
internal static class StudyTimeText
{
    private static readonly string[] Formats = ["HH:mm:ss", "HH:mm:ss.FFFFFFF"];

    public static string? Write(TimeOnly? time) => time?.ToString("HH:mm:ss.FFFFFF", System.Globalization.CultureInfo.InvariantCulture);

    public static TimeOnly? Read(string? text) =>
        text is null ? null : TimeOnly.ParseExact(text, Formats, System.Globalization.CultureInfo.InvariantCulture);
}
