namespace DoseWatch.Core.Domain;

/// <summary>Where an event's values came from; decides precedence when the same study arrives by several routes.</summary>
public enum DoseSourceKind
{
    CtRdsr,
    ProjectionRdsr,
    RadiopharmaceuticalRdsr,
    CtImageHeader,
    CtDoseInfoSecondaryCapture,
    ProjectionImageHeader,
    MrImageHeader,
    UsImageHeader,
    VendorDoseSummary,
    /// <summary>NM or PET image: Radiopharmaceutical Information Sequence (0054,0016).</summary>
    NuclearImageHeader,
}

public static class DoseSourceKindExtensions
{
    /// <summary>Values reported by a dose structured report (or a vendor dose summary) rather than read from image headers.</summary>
    public static bool IsDoseReport(this DoseSourceKind kind) =>
        kind is DoseSourceKind.CtRdsr or DoseSourceKind.ProjectionRdsr or DoseSourceKind.RadiopharmaceuticalRdsr
            or DoseSourceKind.CtDoseInfoSecondaryCapture or DoseSourceKind.VendorDoseSummary;

    /// <summary>
    /// An administration read from NM/PET image headers. A radiopharmaceutical RDSR of the same study is the complete
    /// record of its administrations and supersedes these: the headers' event UIDs and start times need not match the
    /// report's (the Siemens PET/CT sample's images say 10:48:30 where its RRDSR says 10:40:30), so they are set aside
    /// per study, not matched per administration.
    /// </summary>
    public static bool IsAdministrationFromImages(this DoseSourceKind kind) => kind is DoseSourceKind.NuclearImageHeader;

    /// <summary>Ionising X-ray exposure, where an RDSR and the images of the same study describe the same irradiation.</summary>
    public static bool IsXRay(this DoseSourceKind kind) =>
        kind is DoseSourceKind.CtRdsr or DoseSourceKind.ProjectionRdsr or DoseSourceKind.CtImageHeader
            or DoseSourceKind.CtDoseInfoSecondaryCapture or DoseSourceKind.ProjectionImageHeader or DoseSourceKind.VendorDoseSummary;
}

/// <summary>CTDI phantom (DCM 113690 IEC Head 16 cm, 113691 IEC Body 32 cm).</summary>
public enum CtdiPhantom
{
    Head16,
    Body32,
}

/// <summary>One X-ray source of a CT acquisition (dual-source CT reports two).</summary>
public sealed record XRaySourceParameters(
    string? Identification,
    double? Kvp,
    double? TubeCurrentMA,
    double? MaximumTubeCurrentMA,
    double? ExposureTimePerRotationS);

/// <summary>A value DoseWatch computed rather than read, always with the method that produced it.</summary>
public sealed record DerivedEstimate(string Quantity, double Value, string Unit, string Method);

/// <summary>
/// One irradiation event (or, for image-derived MR/US records, one series or image) in canonical units: the unit is
/// in each property's name. Null means "not reported" and is never replaced by 0.
/// </summary>
public sealed record IrradiationEvent
{
    /// <summary>Irradiation Event UID; for image-derived records without one, a key built from the series/instance (see <see cref="EventKeyKind"/>).</summary>
    public required string EventUid { get; init; }

    /// <summary>"IrradiationEventUid", "SeriesInstanceUid", "SeriesAndAcquisition" or "SopInstanceUid".</summary>
    public string EventKeyKind { get; init; } = "IrradiationEventUid";

    public required DoseSourceKind Source { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public string? Protocol { get; init; }
    public ConceptCode? TargetRegion { get; init; }

    /// <summary>CT acquisition type (CID 10013) or projection irradiation event type (CID 10002) or an image header term.</summary>
    public ConceptCode? AcquisitionType { get; init; }
    public string? AcquisitionPlane { get; init; }

    // CT
    public double? CtdiVolMGy { get; init; }
    public CtdiPhantom? Phantom { get; init; }
    public double? DlpMGyCm { get; init; }
    public double? SsdeMGy { get; init; }
    public double? WaterEquivalentDiameterMm { get; init; }
    public double? EffectiveDiameterMm { get; init; }
    public double? PitchFactor { get; init; }
    public double? NominalSingleCollimationMm { get; init; }
    public double? NominalTotalCollimationMm { get; init; }
    public double? ScanLengthMm { get; init; }
    public IReadOnlyList<XRaySourceParameters> XRaySources { get; init; } = [];
    public CtDoseCheck? DoseCheck { get; init; }

    /// <summary>CT Procedure Context (CID 10014 contrast technique: with/without contrast), as the device names it.</summary>
    public string? ProcedureContext { get; init; }

    // Shared X-ray technique
    public double? Kvp { get; init; }
    public double? TubeCurrentMA { get; init; }
    public double? ExposureTimeS { get; init; }
    public double? ExposureMAs { get; init; }

    // Projection
    public double? DapGyCm2 { get; init; }
    public double? DoseRpGy { get; init; }
    public double? IrradiationDurationS { get; init; }
    public double? PulseRatePerS { get; init; }
    public double? NumberOfPulses { get; init; }
    public string? Filters { get; init; }
    public double? ExposureIndex { get; init; }
    public double? TargetExposureIndex { get; init; }
    public double? DeviationIndex { get; init; }
    public double? EntranceDoseMGy { get; init; }

    /// <summary>Pulse Width (113793); the mean of the per-pulse values when one is reported per pulse.</summary>
    public double? PulseWidthMs { get; init; }
    public double? HalfValueLayerMm { get; init; }


    /// <summary>Beam and table geometry (TID 10003), null when the event reports none; what a skin dose map is computed from.</summary>
    public ProjectionGeometry? Geometry { get; init; }

    // Mammography
    public double? AgdMGy { get; init; }
    public string? Laterality { get; init; }
    public double? CompressionThicknessMm { get; init; }
    public double? CompressionForceN { get; init; }
    public string? AnodeTarget { get; init; }

    // MR
    public double? SarWPerKg { get; init; }
    public string? SarDefinition { get; init; }
    public double? DbdtTPerS { get; init; }
    public double? B1rmsUT { get; init; }
    public string? OperatingMode { get; init; }
    public double? FieldStrengthT { get; init; }

    // Ultrasound
    public double? MechanicalIndex { get; init; }
    public double? ThermalIndexSoftTissue { get; init; }
    public double? ThermalIndexBone { get; init; }
    public double? ThermalIndexCranialBone { get; init; }
    public string? Transducer { get; init; }
    public string? Preset { get; init; }

    // Radiopharmaceutical administration
    public double? AdministeredActivityMBq { get; init; }
    public ConceptCode? Radionuclide { get; init; }
    public string? RadiopharmaceuticalAgent { get; init; }
    public ConceptCode? Route { get; init; }
    public DateTimeOffset? AdministeredAt { get; init; }

    /// <summary>Effective Dose (113839) as the dose report states it (RRDSR Effective Dose Information, CT Dose): the
    /// device's figure, unlike DoseWatch's own estimate in <see cref="Estimates"/>.</summary>
    public double? ReportedEffectiveDoseMSv { get; init; }

    /// <summary>Values computed by DoseWatch (SSDE, effective dose), each labelled with its method.</summary>
    public IReadOnlyList<DerivedEstimate> Estimates { get; init; } = [];
}
