using DoseWatch.Dicom;

namespace DoseWatch.Cli.Demo;

/// <summary>
/// What a demo device sends: CT (TID 10011) or one of the projection kinds (TID 10001) as an X-Ray Radiation Dose SR,
/// nuclear medicine as a Radiopharmaceutical Radiation Dose SR (TID 10021), MR and ultrasound as images whose headers
/// carry SAR and dB/dt, or MI and TI.
/// </summary>
internal enum DemoModality { Ct, Fluoroscopy, Radiography, Mammography, NuclearMedicine, MagneticResonance, Ultrasound }

/// <summary>A device as its objects describe it (General Equipment module and, in reports, the TID 1002 device observer).</summary>
internal sealed record DemoDevice(DemoModality Modality, string Manufacturer, string Model, string StationName, string SerialNumber,
    string ObserverUid, string SoftwareVersion)
{
    /// <summary>MR only: the main field, (0018,0087) Magnetic Field Strength in T.</summary>
    public double FieldStrengthT { get; init; }
}

/// <summary>An MR series of a protocol: its protocol name and its whole-body SAR relative to the protocol's median.</summary>
internal sealed record DemoMrSeries(string Name, double SarFactor, double DbdtTPerS, bool EchoPlanar = false);

/// <summary>
/// A standard protocol and its dose distribution: the main dose quantity is log-normal around <see cref="MedianDose"/>
/// with log standard deviation <see cref="LogSigma"/> (CTDIvol in mGy for CT, DAP in Gy·cm² for fluoroscopy and
/// radiography, AGD per view in mGy for mammography, administered activity in MBq (or MBq/kg) for nuclear medicine,
/// whole-body SAR in W/kg for MR, mechanical index for ultrasound). Weight is its share among the protocols of its
/// modality. kVp and tube current mean nothing for NM, MR and US and are 0 there.
/// </summary>
internal sealed record DemoProtocol(string Name, DemoModality Modality, CodedConcept TargetRegion, double MedianDose, double LogSigma,
    double Kvp, double TubeCurrentMA, double Weight)
{
    /// <summary>CT only: spiral scan length and pitch; a pitch of null means a sequenced (axial) scan.</summary>
    public double ScanLengthMm { get; init; }
    public double? PitchFactor { get; init; } = 1.0;
    public bool HeadPhantom { get; init; }

    /// <summary>NM only: agent (CID 25), its radionuclide (CID 18) with half-life, the procedure (CID 3108-like SCT code), and whether the activity is per kg.</summary>
    public CodedConcept? Radiopharmaceutical { get; init; }
    public CodedConcept? Radionuclide { get; init; }
    public double HalfLifeS { get; init; }
    public CodedConcept? AssociatedProcedure { get; init; }
    public bool ActivityPerKilogram { get; init; }

    /// <summary>MR only: the series of one examination, in order.</summary>
    public IReadOnlyList<DemoMrSeries> MrSeries { get; init; } = [];

    /// <summary>Ultrasound only: median thermal index (TIB for obstetrics, TIS otherwise), the transducer, and whether the patient is pregnant.</summary>
    public double MedianThermalIndex { get; init; }
    public string Transducer { get; init; } = "";
    public bool Obstetric { get; init; }

    /// <summary>The one station that runs this protocol (PET on the PET/CT, SPECT on the gamma camera); null: any of its modality.</summary>
    public string? Station { get; init; }
}

/// <summary>The demo site: its devices and protocols, with target regions from CID 4030/4031 (SCT codes, PS3.16).</summary>
internal static class DemoCatalogue
{
    public static readonly CodedConcept Head = new("69536005", "SCT", "Head");
    public static readonly CodedConcept Chest = new("51185008", "SCT", "Chest");
    public static readonly CodedConcept Abdomen = new("113345001", "SCT", "Abdomen");
    public static readonly CodedConcept Pelvis = new("12921003", "SCT", "Pelvis");
    public static readonly CodedConcept ChestAbdomenPelvis = new("416775004", "SCT", "Chest, Abdomen and Pelvis");
    public static readonly CodedConcept Knee = new("72696002", "SCT", "Knee");
    public static readonly CodedConcept Breast = new("76752008", "SCT", "Breast");
    public static readonly CodedConcept WholeBody = new("38266002", "SCT", "Entire body");
    public static readonly CodedConcept Heart = new("80891009", "SCT", "Heart");
    public static readonly CodedConcept Brain = new("12738006", "SCT", "Brain");
    public static readonly CodedConcept LumbarSpine = new("122496007", "SCT", "Lumbar spine");
    public static readonly CodedConcept Neck = new("45048000", "SCT", "Neck");

    // Radiopharmaceuticals (CID 25), radionuclides (CID 18) and NM procedures: SCT codes and meanings as pydicom 2.3.1's
    // concept dictionary gives them; half-lives in s (F-18 as in the Siemens RRDSR sample, Tc-99m 6.0067 h).
    private static readonly CodedConcept Fdg = new("35321007", "SCT", "Fluorodeoxyglucose F^18^");
    private static readonly CodedConcept Medronate = new("96390006", "SCT", "Technetium Tc^99m^ medronate");
    private static readonly CodedConcept Sestamibi = new("424299003", "SCT", "Technetium Tc^99m^ sestamibi");
    private static readonly CodedConcept Fluorine18 = new("77004003", "SCT", "^18^Fluorine");
    private static readonly CodedConcept Technetium99m = new("72454006", "SCT", "^99m^Technetium");
    private const double Fluorine18HalfLifeS = 6586.2, Technetium99mHalfLifeS = 21624.12;

    // CT medians sit at 75-85 % of the UK national DRLs (head CTDIvol 40 against 47 mGy, chest 6 against 8.5, abdomen-pelvis
    // 7.5 against 10; DLP likewise), as in a department that has optimised to its DRLs: a device's median then stays
    // below them and `demo evaluate` plants the one that drifts above (DemoHistory.GenerateForEvaluation).
    public static IReadOnlyList<DemoProtocol> Protocols { get; } =
    [
        new("CT HEAD ROUTINE", DemoModality.Ct, Head, 40, 0.15, 120, 280, 0.30) { ScanLengthMm = 160, PitchFactor = null, HeadPhantom = true },
        new("CT CHEST ROUTINE", DemoModality.Ct, Chest, 6, 0.30, 120, 180, 0.25) { ScanLengthMm = 320 },
        new("CT ABDOMEN PELVIS", DemoModality.Ct, Abdomen, 7.5, 0.30, 120, 220, 0.25) { ScanLengthMm = 450 },
        new("CT CHEST ABDOMEN PELVIS", DemoModality.Ct, ChestAbdomenPelvis, 7, 0.28, 120, 210, 0.12) { ScanLengthMm = 680 },
        new("CT LOW DOSE CHEST", DemoModality.Ct, Chest, 1.8, 0.25, 100, 40, 0.08) { ScanLengthMm = 300, PitchFactor = 1.4 },
        new("CORONARY ANGIOGRAPHY", DemoModality.Fluoroscopy, Chest, 40, 0.45, 80, 600, 0.6),
        new("ERCP", DemoModality.Fluoroscopy, Abdomen, 15, 0.5, 85, 350, 0.4),
        new("CHEST PA", DemoModality.Radiography, Chest, 0.10, 0.3, 125, 250, 0.6),
        new("KNEE AP LAT", DemoModality.Radiography, Knee, 0.06, 0.3, 65, 200, 0.25),
        new("PELVIS AP", DemoModality.Radiography, Pelvis, 1.2, 0.35, 80, 320, 0.15),
        new("SCREENING MAMMOGRAPHY", DemoModality.Mammography, Breast, 1.4, 0.22, 29, 90, 1.0),
        // EANM-like activities: FDG by weight (about 3.5 MBq/kg), bone and myocardial perfusion as fixed activities.
        new("PET-CT FDG WHOLE BODY", DemoModality.NuclearMedicine, WholeBody, 3.5, 0.06, 0, 0, 0.5)
        {
            Radiopharmaceutical = Fdg, Radionuclide = Fluorine18, HalfLifeS = Fluorine18HalfLifeS, ActivityPerKilogram = true, Station = "PETCT_1",
            AssociatedProcedure = new("241443006", "SCT", "PET study for localization of tumor"),
        },
        new("BONE SCINTIGRAPHY", DemoModality.NuclearMedicine, WholeBody, 620, 0.07, 0, 0, 0.3)
        {
            Radiopharmaceutical = Medronate, Radionuclide = Technetium99m, HalfLifeS = Technetium99mHalfLifeS, Station = "NM_CAMERA_2",
            AssociatedProcedure = new("229033006", "SCT", "Radioisotope scan of total body"),
        },
        new("MYOCARDIAL PERFUSION", DemoModality.NuclearMedicine, Heart, 450, 0.25, 0, 0, 0.2)
        {
            Radiopharmaceutical = Sestamibi, Radionuclide = Technetium99m, HalfLifeS = Technetium99mHalfLifeS, Station = "NM_CAMERA_2",
            AssociatedProcedure = new("252432008", "SCT", "Radionuclide myocardial perfusion study"),
        },
        // MR: median whole-body SAR of the protocol (W/kg); each series scales it. TSE sequences heat most, EPI least.
        new("MR BRAIN ROUTINE", DemoModality.MagneticResonance, Brain, 1.0, 0.2, 0, 0, 0.45)
        {
            MrSeries = [new("t1_mprage_sag", 0.4, 22), new("t2_tse_tra", 1.5, 18), new("t2_flair_tra", 1.1, 16), new("ep2d_diff_tra", 0.3, 41, EchoPlanar: true)],
        },
        new("MR KNEE", DemoModality.MagneticResonance, Knee, 1.1, 0.2, 0, 0, 0.3)
        {
            MrSeries = [new("pd_tse_fs_cor", 1.6, 17), new("t1_tse_cor", 1.3, 15), new("pd_tse_fs_sag", 1.6, 17)],
        },
        new("MR LUMBAR SPINE", DemoModality.MagneticResonance, LumbarSpine, 1.0, 0.2, 0, 0, 0.25)
        {
            MrSeries = [new("t2_tse_sag", 1.5, 18), new("t1_tse_sag", 1.2, 16), new("t2_tse_tra", 1.5, 18)],
        },
        // Ultrasound: median MI of the preset; TI is TIB for obstetrics (bone in the beam), TIS otherwise. Median TIs sit
        // well below the BMUS guidance (1.0, obstetric 0.7), as sonographers keep them: an image above it is rare.
        new("Abdomen", DemoModality.Ultrasound, Abdomen, 1.1, 0.12, 0, 0, 0.4) { MedianThermalIndex = 0.4, Transducer = "C1-6-D" },
        new("OB 2nd trimester", DemoModality.Ultrasound, Abdomen, 0.9, 0.12, 0, 0, 0.25) { MedianThermalIndex = 0.3, Transducer = "C1-6-D", Obstetric = true },
        new("Thyroid", DemoModality.Ultrasound, Neck, 1.0, 0.12, 0, 0, 0.2) { MedianThermalIndex = 0.3, Transducer = "ML6-15-D" },
        new("Carotid", DemoModality.Ultrasound, Neck, 1.2, 0.12, 0, 0, 0.15) { MedianThermalIndex = 0.4, Transducer = "ML6-15-D" },
    ];

    /// <summary>
    /// Share of studies per modality: CT dominates, as it does in a hospital's dose register; MR and ultrasound reach it
    /// only from the rooms that send their images, nuclear medicine from the one PET/CT and gamma camera.
    /// </summary>
    public static IReadOnlyList<(DemoModality Modality, double Weight)> ModalityMix { get; } =
    [
        (DemoModality.Ct, 0.46), (DemoModality.Fluoroscopy, 0.09), (DemoModality.Radiography, 0.14), (DemoModality.Mammography, 0.08),
        (DemoModality.NuclearMedicine, 0.06), (DemoModality.MagneticResonance, 0.09), (DemoModality.Ultrasound, 0.08),
    ];

    // Device observer UIDs are fixed (UUID-derived, PS3.5 §B.2) so that repeated demo runs describe the same devices.
    public static IReadOnlyList<DemoDevice> Devices { get; } =
    [
        new(DemoModality.Ct, "SIEMENS", "SOMATOM Definition AS", "CT_ED_1", "58213", "2.25.154702386101470813211706337745240117811", "syngo CT VA48A"),
        new(DemoModality.Ct, "GE MEDICAL SYSTEMS", "Revolution EVO", "CT_RAD_2", "RE1180CT", "2.25.268318904612402376003861102624418346523", "rev_evo.18"),
        new(DemoModality.Ct, "Canon Medical Systems", "Aquilion ONE", "CT_CARDIO", "2CA1745", "2.25.93441072630219186412270016532101744201", "V10.6"),
        new(DemoModality.Fluoroscopy, "Philips", "Azurion 7 M20", "CATHLAB_1", "722078", "2.25.211872045927307349812473540092145116873", "2.1.3"),
        new(DemoModality.Radiography, "Agfa", "DR 600", "DX_ROOM_3", "A6-3341", "2.25.303184122983012774116839145813007352711", "4.0.1"),
        new(DemoModality.Radiography, "Carestream Health", "DRX-Evolution Plus", "DX_ROOM_4", "CH40191", "2.25.40518873313401842215600937741261835063", "5.7.412"),
        new(DemoModality.Mammography, "HOLOGIC, Inc.", "Selenia Dimensions", "MAMMO_1", "SDM11520", "2.25.126702331986211174601432095633211098845", "1.11.3"),
        new(DemoModality.NuclearMedicine, "SIEMENS", "Biograph Vision 600", "PETCT_1", "11090", "2.25.281305711029460125360383102867302905861", "VG80B"),
        new(DemoModality.NuclearMedicine, "GE HEALTHCARE", "Discovery NM/CT 670", "NM_CAMERA_2", "NM670-2231", "2.25.181649301266215583017920151144328437610", "2.0.31"),
        new(DemoModality.MagneticResonance, "SIEMENS", "MAGNETOM Aera", "MR_1", "141208", "2.25.62713386100916127513808152413006377421", "syngo MR E11") { FieldStrengthT = 1.5 },
        new(DemoModality.MagneticResonance, "Philips Medical Systems", "Ingenia", "MR_2", "42117", "2.25.317040719312734582905573406232883409321", "5.7.1") { FieldStrengthT = 3 },
        new(DemoModality.Ultrasound, "GE Healthcare", "LOGIQ E10", "US_1", "LE10-90812", "2.25.206114719637082409186137219355730662217", "R3.1.2"),
        new(DemoModality.Ultrasound, "Canon Medical Systems", "Aplio i800", "US_2", "AI8-11473", "2.25.149022370190328107245610036611902411853", "V6.0"),
    ];
}
