using DoseWatch.Dicom;

namespace DoseWatch.Cli.Demo;

/// <summary>What kind of dose report a demo device writes: CT (TID 10011) or one of the projection kinds (TID 10001).</summary>
internal enum DemoModality { Ct, Fluoroscopy, Radiography, Mammography }

/// <summary>An irradiating device as its RDSR describes it (General Equipment module and TID 1002 device observer).</summary>
internal sealed record DemoDevice(DemoModality Modality, string Manufacturer, string Model, string StationName, string SerialNumber,
    string ObserverUid, string SoftwareVersion);

/// <summary>
/// A standard protocol and its dose distribution: the main dose quantity is log-normal around <see cref="MedianDose"/>
/// with log standard deviation <see cref="LogSigma"/> (CTDIvol in mGy for CT, DAP in Gy·cm² for fluoroscopy and
/// radiography, AGD per view in mGy for mammography). Weight is its share among the protocols of its modality.
/// </summary>
internal sealed record DemoProtocol(string Name, DemoModality Modality, CodedConcept TargetRegion, double MedianDose, double LogSigma,
    double Kvp, double TubeCurrentMA, double Weight)
{
    /// <summary>CT only: spiral scan length and pitch; a pitch of null means a sequenced (axial) scan.</summary>
    public double ScanLengthMm { get; init; }
    public double? PitchFactor { get; init; } = 1.0;
    public bool HeadPhantom { get; init; }
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

    public static IReadOnlyList<DemoProtocol> Protocols { get; } =
    [
        new("CT HEAD ROUTINE", DemoModality.Ct, Head, 52, 0.15, 120, 280, 0.30) { ScanLengthMm = 160, PitchFactor = null, HeadPhantom = true },
        new("CT CHEST ROUTINE", DemoModality.Ct, Chest, 8, 0.30, 120, 180, 0.25) { ScanLengthMm = 320 },
        new("CT ABDOMEN PELVIS", DemoModality.Ct, Abdomen, 11, 0.30, 120, 220, 0.25) { ScanLengthMm = 450 },
        new("CT CHEST ABDOMEN PELVIS", DemoModality.Ct, ChestAbdomenPelvis, 10, 0.28, 120, 210, 0.12) { ScanLengthMm = 680 },
        new("CT LOW DOSE CHEST", DemoModality.Ct, Chest, 1.8, 0.25, 100, 40, 0.08) { ScanLengthMm = 300, PitchFactor = 1.4 },
        new("CORONARY ANGIOGRAPHY", DemoModality.Fluoroscopy, Chest, 40, 0.45, 80, 600, 0.6),
        new("ERCP", DemoModality.Fluoroscopy, Abdomen, 15, 0.5, 85, 350, 0.4),
        new("CHEST PA", DemoModality.Radiography, Chest, 0.10, 0.3, 125, 250, 0.6),
        new("KNEE AP LAT", DemoModality.Radiography, Knee, 0.06, 0.3, 65, 200, 0.25),
        new("PELVIS AP", DemoModality.Radiography, Pelvis, 1.2, 0.35, 80, 320, 0.15),
        new("SCREENING MAMMOGRAPHY", DemoModality.Mammography, Breast, 1.4, 0.22, 29, 90, 1.0),
    ];

    /// <summary>Share of studies per modality: CT dominates, as it does in a hospital's dose register.</summary>
    public static IReadOnlyList<(DemoModality Modality, double Weight)> ModalityMix { get; } =
    [
        (DemoModality.Ct, 0.60), (DemoModality.Fluoroscopy, 0.12), (DemoModality.Radiography, 0.18), (DemoModality.Mammography, 0.10),
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
    ];
}
