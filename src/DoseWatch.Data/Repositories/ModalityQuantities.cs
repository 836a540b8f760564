namespace DoseWatch.Data.Repositories;

/// <summary>Whether a quantity is one value per irradiation event (or series, image) or one per study.</summary>
public enum DoseLevel { Event, Study }

/// <summary>
/// The x axis of a "dose against ..." scatter: patient weight (from the study), water-equivalent diameter (CT event)
/// or compressed breast thickness (mammography event). <see cref="Sql"/> is an expression over studies s and events e.
/// </summary>
public sealed record ScatterAxis(string Key, string Label, string Unit, string Sql, bool NeedsEvent);

/// <summary>
/// One quantity a modality page draws: <see cref="ValueSql"/> is an expression over irradiation_events e (event level)
/// or a subquery of the study's own rows over studies s (study level); <see cref="GroupSql"/> names what the boxes are per
/// (protocol, preset, radiopharmaceutical, procedure). Constant SQL written here, never user input.
/// </summary>
public sealed record DashboardQuantity(string Key, string Label, string Unit, string ValueSql, string GroupSql, string GroupLabel,
    IReadOnlyList<string> Modalities, DoseLevel Level, IReadOnlyList<ScatterAxis> ScatterAxes)
{
    /// <summary>"CTDIvol (mGy)", or the label alone for a unitless index.</summary>
    public string AxisTitle => Unit.Length == 0 ? Label : $"{Label} ({Unit})";
}

/// <summary>The quantities of each modality page, in the canonical units of the dose tables.</summary>
public static class ModalityQuantities
{
    public const string NoGroup = DashboardRepository.NoProtocol;

    public static readonly ScatterAxis PatientWeight = new("weight", "Patient weight", "kg", "s.patient_weight_kg", false);
    public static readonly ScatterAxis WaterEquivalentDiameter = new("wed", "Water-equivalent diameter", "mm", "e.water_equivalent_diameter_mm", true);
    public static readonly ScatterAxis CompressedThickness = new("thickness", "Compressed breast thickness", "mm", "e.compression_thickness_mm", true);

    /// <summary>Boxes grouped by exactly this expression rank their groups from protocol_uses and walk the protocol's index.</summary>
    public const string ProtocolGroupSql = "COALESCE(e.protocol, @NoGroup)";
    private const string Protocol = ProtocolGroupSql;
    // Study-level values are per procedure: the study description, else the largest protocol of the events of its dose
    // objects; their values the device's own accumulated totals combined over the study's reports by Core's
    // StudyTotalsRule (a cumulative report supersedes the earlier ones it repeats, continued reports add up). Both
    // are kept on the fluoroscopy study's row at save time (migration 0016, DoseRecordRepository.RefreshStudySummaryAsync)
    // from these definitions, so that a year of studies is one range of an index instead of three subqueries per study.
    /// <summary>The procedure of a fluoroscopy study, computed from its own rows (NULL when neither is known).</summary>
    internal const string ComputedProcedureSql = """
        COALESCE(s.study_description, (SELECT MAX(e.protocol) FROM irradiation_events e JOIN dose_source_objects o
            ON o.sop_instance_uid = e.sop_instance_uid AND o.study_instance_uid = e.study_instance_uid WHERE e.study_instance_uid = s.study_instance_uid))
        """;
    private const string Procedure = "COALESCE(s.fluoro_procedure, @NoGroup)";

    public static readonly string[] CtModalities = ["CT"];
    public static readonly string[] FluoroscopyModalities = ["RF", "XA"];
    public static readonly string[] RadiographyModalities = ["DX", "CR"];
    public static readonly string[] MammographyModalities = ["MG"];
    public static readonly string[] NuclearModalities = ["NM", "PT"];
    public static readonly string[] MrModalities = ["MR"];
    public static readonly string[] UsModalities = ["US"];

    /// <summary>
    /// CT values leave out localizers (CT Acquisition Type 113805 Constant Angle Acquisition): a scout often carries the
    /// protocol's name, and its tenth of a milligray would pull the protocol's median down to nothing.
    /// </summary>
    public const string ConstantAngleAcquisition = "113805";
    private static string CtScan(string column) => $"CASE WHEN e.acquisition_type_code = '{ConstantAngleAcquisition}' THEN NULL ELSE {column} END";

    public static readonly DashboardQuantity CtdiVol = new("ctdivol", "CTDIvol", "mGy", CtScan("e.ctdivol_mgy"), Protocol, "Protocol", CtModalities, DoseLevel.Event, [PatientWeight]);
    public static readonly DashboardQuantity Dlp = new("dlp", "DLP", "mGy·cm", CtScan("e.dlp_mgy_cm"), Protocol, "Protocol", CtModalities, DoseLevel.Event, [PatientWeight]);
    public static readonly DashboardQuantity Ssde = new("ssde", "SSDE", "mGy", CtScan("COALESCE(e.ssde_mgy, e.ssde_estimate_mgy)"), Protocol, "Protocol", CtModalities, DoseLevel.Event, [WaterEquivalentDiameter, PatientWeight]);

    // Fluoroscopy per study: the device's own accumulated totals (StudyTotalsRule).
    public static readonly DashboardQuantity FluoroDap = new("dap", "DAP per study", "Gy·cm²", "s.fluoro_dap_total_gy_cm2", Procedure, "Procedure", FluoroscopyModalities, DoseLevel.Study, [PatientWeight]);
    public static readonly DashboardQuantity FluoroDoseRp = new("dose-rp", "Dose at the reference point per study", "Gy", "s.fluoro_dose_rp_total_gy", Procedure, "Procedure", FluoroscopyModalities, DoseLevel.Study, [PatientWeight]);
    // The skin dose job's estimate (docs/skin-dose.md), kept on the study's row (migration 0029); studies without a map have none.
    public static readonly DashboardQuantity FluoroPeakSkinDose = new("psd", "Peak skin dose per study", "Gy", "s.peak_skin_dose_gy", Procedure, "Procedure", FluoroscopyModalities, DoseLevel.Study, [PatientWeight]);
    public static readonly DashboardQuantity FluoroTime = new("fluoro-time", "Fluoroscopy time per study", "s", "s.fluoro_time_total_s", Procedure, "Procedure", FluoroscopyModalities, DoseLevel.Study, [PatientWeight]);

    public static readonly DashboardQuantity RadiographyDap = new("dap", "DAP", "Gy·cm²", "e.dap_gy_cm2", Protocol, "Protocol", RadiographyModalities, DoseLevel.Event, [PatientWeight]);
    public static readonly DashboardQuantity ExposureIndex = new("ei", "Exposure index", "", "e.exposure_index", Protocol, "Protocol", RadiographyModalities, DoseLevel.Event, [PatientWeight]);

    public static readonly DashboardQuantity Agd = new("agd", "AGD per view", "mGy", "e.agd_mgy", Protocol, "View / protocol", MammographyModalities, DoseLevel.Event, [CompressedThickness, PatientWeight]);

    public static readonly DashboardQuantity AdministeredActivity = new("activity", "Administered activity", "MBq", "e.administered_activity_mbq",
        "COALESCE(e.radiopharmaceutical_agent, e.radionuclide_meaning, @NoGroup)", "Radiopharmaceutical", NuclearModalities, DoseLevel.Event, [PatientWeight]);

    public static readonly DashboardQuantity Sar = new("sar", "SAR", "W/kg", "e.sar_w_per_kg", Protocol, "Protocol", MrModalities, DoseLevel.Event, [PatientWeight]);

    private const string Preset = "COALESCE(e.preset, e.protocol, @NoGroup)";
    public static readonly DashboardQuantity MechanicalIndex = new("mi", "Mechanical index", "", "e.mechanical_index", Preset, "Preset", UsModalities, DoseLevel.Event, [PatientWeight]);
    // The larger of TIS and TIB where both are reported (the one that matters depends on the tissue in the beam), else
    // whichever one the device reported, else TIC.
    public static readonly DashboardQuantity ThermalIndex = new("ti", "Thermal index", "",
        "CASE WHEN e.thermal_index_bone > e.thermal_index_soft_tissue THEN e.thermal_index_bone ELSE COALESCE(e.thermal_index_soft_tissue, e.thermal_index_bone, e.thermal_index_cranial_bone) END",
        Preset, "Preset", UsModalities, DoseLevel.Event, [PatientWeight]);
}
