using DoseWatch.Core.Domain;
using DoseWatch.Dicom;
using DoseWatch.Dicom.Sr.Codes;

namespace DoseWatch.Core.Extraction.Sr;

/// <summary>
/// The concept codes the extractors read (PS3.16; reference §5), by the names the extractors use: the toolkit's code
/// tables (DoseWatch.Dicom.Sr.Codes) where they have the code, plus the few they lack. Matching is on value and scheme
/// only (CodedConcept equality, which also treats legacy SRT codes as their SCT equivalents).
/// </summary>
public static class DoseCodes
{
    // Roots and templates
    public static readonly CodedConcept XRayRadiationDoseReport = CtDoseCodes.XRayRadiationDoseReport;
    public static readonly CodedConcept RadiopharmaceuticalRadiationDoseReport = RadiopharmaceuticalDoseCodes.RadiopharmaceuticalRadiationDoseReport;
    public static readonly CodedConcept PatientRadiationDoseReport = RadiopharmaceuticalDoseCodes.PatientRadiationDoseReport;
    public static readonly CodedConcept ProcedureReported = CommonSrCodes.ProcedureReported;
    public static readonly CodedConcept ComputedTomographyXRay = CtDoseCodes.ComputedTomographyXRay;
    public static readonly CodedConcept ProjectionXRay = ProjectionXRayDoseCodes.ProjectionXRay;
    public static readonly CodedConcept Mammography = ProjectionXRayDoseCodes.Mammography;

    // Observer context and device participant
    public static readonly CodedConcept DeviceObserverUid = CommonSrCodes.DeviceObserverUid;
    public static readonly CodedConcept DeviceObserverName = CommonSrCodes.DeviceObserverName;
    public static readonly CodedConcept DeviceObserverManufacturer = CommonSrCodes.DeviceObserverManufacturer;
    public static readonly CodedConcept DeviceObserverModelName = CommonSrCodes.DeviceObserverModelName;
    public static readonly CodedConcept DeviceObserverSerialNumber = CommonSrCodes.DeviceObserverSerialNumber;
    public static readonly CodedConcept StartOfXRayIrradiation = CtDoseCodes.StartOfXRayIrradiation;

    // Events, shared
    public static readonly CodedConcept IrradiationEventUid = CommonSrCodes.IrradiationEventUid;
    public static readonly CodedConcept IrradiationEventUidRetired = new("113853", "DCM");
    public static readonly CodedConcept DateTimeStarted = CommonSrCodes.DateTimeStarted;
    public static readonly CodedConcept AcquisitionProtocol = CommonSrCodes.AcquisitionProtocol;
    public static readonly CodedConcept TargetRegion = CommonSrCodes.TargetRegion;
    public static readonly CodedConcept Kvp = CtDoseCodes.Kvp;
    public static readonly CodedConcept XRayTubeCurrent = CtDoseCodes.XRayTubeCurrent;
    public static readonly CodedConcept ExposureTime = CtDoseCodes.ExposureTime;
    public static readonly CodedConcept ExposureTimeRetired = new("113735", "DCM");

    // CT (TID 10011-10015)
    public static readonly CodedConcept CtAccumulatedDoseData = CtDoseCodes.CtAccumulatedDoseData;
    public static readonly CodedConcept TotalNumberOfIrradiationEvents = CtDoseCodes.TotalNumberOfIrradiationEvents;
    public static readonly CodedConcept CtDoseLengthProductTotal = CtDoseCodes.CtDoseLengthProductTotal;
    public static readonly CodedConcept CtEffectiveDoseTotal = CtDoseCodes.CtEffectiveDoseTotal;
    public static readonly CodedConcept CtAcquisition = CtDoseCodes.CtAcquisition;
    public static readonly CodedConcept CtAcquisitionType = CtDoseCodes.CtAcquisitionType;
    public static readonly CodedConcept ConstantAngleAcquisition = CtDoseCodes.ConstantAngleAcquisition;
    public static readonly CodedConcept CtAcquisitionParameters = CtDoseCodes.CtAcquisitionParameters;
    public static readonly CodedConcept ProcedureContext = CtDoseCodes.ProcedureContext;
    public static readonly CodedConcept EffectiveDose = CommonSrCodes.EffectiveDose;
    public static readonly CodedConcept ScanningLength = CtDoseCodes.ScanningLength;
    public static readonly CodedConcept NominalSingleCollimationWidth = CtDoseCodes.NominalSingleCollimationWidth;
    public static readonly CodedConcept NominalTotalCollimationWidth = CtDoseCodes.NominalTotalCollimationWidth;
    public static readonly CodedConcept PitchFactor = CtDoseCodes.PitchFactor;
    public static readonly CodedConcept CtXRaySourceParameters = CtDoseCodes.CtXRaySourceParameters;
    public static readonly CodedConcept IdentificationOfTheXRaySource = CtDoseCodes.IdentificationOfTheXRaySource;
    public static readonly CodedConcept MaximumXRayTubeCurrent = CtDoseCodes.MaximumXRayTubeCurrent;
    public static readonly CodedConcept ExposureTimePerRotation = CtDoseCodes.ExposureTimePerRotation;
    public static readonly CodedConcept CtDose = CtDoseCodes.CtDose;
    public static readonly CodedConcept MeanCtdiVol = CtDoseCodes.MeanCtdiVol;
    public static readonly CodedConcept CtdiwPhantomType = CtDoseCodes.CtdiwPhantomType;
    public static readonly CodedConcept IecHeadDosimetryPhantom = CtDoseCodes.IecHeadDosimetryPhantom;
    public static readonly CodedConcept IecBodyDosimetryPhantom = CtDoseCodes.IecBodyDosimetryPhantom;
    public static readonly CodedConcept Dlp = CtDoseCodes.Dlp;
    public static readonly CodedConcept SizeSpecificDoseEstimation = CtDoseCodes.SizeSpecificDoseEstimation;
    public static readonly CodedConcept DerivedEffectiveDiameter = new("113933", "DCM");
    public static readonly CodedConcept WaterEquivalentDiameter = new("113980", "DCM");
    public static readonly CodedConcept DoseCheckAlertDetails = CtDoseCodes.DoseCheckAlertDetails;
    public static readonly CodedConcept DlpAlertValueConfigured = CtDoseCodes.DlpAlertValueConfigured;
    public static readonly CodedConcept CtdiVolAlertValueConfigured = CtDoseCodes.CtdiVolAlertValueConfigured;
    public static readonly CodedConcept DlpAlertValue = CtDoseCodes.DlpAlertValue;
    public static readonly CodedConcept CtdiVolAlertValue = CtDoseCodes.CtdiVolAlertValue;
    public static readonly CodedConcept AccumulatedDlpForwardEstimate = CtDoseCodes.AccumulatedDlpForwardEstimate;
    public static readonly CodedConcept AccumulatedCtdiVolForwardEstimate = CtDoseCodes.AccumulatedCtdiVolForwardEstimate;
    public static readonly CodedConcept ReasonForProceeding = CtDoseCodes.ReasonForProceeding;
    public static readonly CodedConcept DoseCheckNotificationDetails = CtDoseCodes.DoseCheckNotificationDetails;
    public static readonly CodedConcept DlpNotificationValueConfigured = CtDoseCodes.DlpNotificationValueConfigured;
    public static readonly CodedConcept CtdiVolNotificationValueConfigured = CtDoseCodes.CtdiVolNotificationValueConfigured;
    public static readonly CodedConcept DlpNotificationValue = CtDoseCodes.DlpNotificationValue;
    public static readonly CodedConcept CtdiVolNotificationValue = CtDoseCodes.CtdiVolNotificationValue;
    public static readonly CodedConcept DlpForwardEstimate = CtDoseCodes.DlpForwardEstimate;
    public static readonly CodedConcept CtdiVolForwardEstimate = CtDoseCodes.CtdiVolForwardEstimate;
    public static readonly CodedConcept PersonName = CommonSrCodes.PersonName;
    public static readonly CodedConcept Yes = CommonSrCodes.Yes;
    public static readonly CodedConcept No = CommonSrCodes.No;

    // Projection X-ray (TID 10001-10007)
    public static readonly CodedConcept AccumulatedXRayDoseData = ProjectionXRayDoseCodes.AccumulatedXRayDoseData;
    public static readonly CodedConcept AcquisitionPlane = ProjectionXRayDoseCodes.AcquisitionPlane;
    public static readonly CodedConcept AllPlanes = ProjectionXRayDoseCodes.AllPlanes;
    public static readonly CodedConcept DoseAreaProductTotal = ProjectionXRayDoseCodes.DoseAreaProductTotal;
    public static readonly CodedConcept DoseRpTotal = ProjectionXRayDoseCodes.DoseRpTotal;
    public static readonly CodedConcept FluoroDoseAreaProductTotal = ProjectionXRayDoseCodes.FluoroDoseAreaProductTotal;
    public static readonly CodedConcept AcquisitionDoseAreaProductTotal = ProjectionXRayDoseCodes.AcquisitionDoseAreaProductTotal;
    public static readonly CodedConcept FluoroDoseRpTotal = ProjectionXRayDoseCodes.FluoroDoseRpTotal;
    public static readonly CodedConcept AcquisitionDoseRpTotal = ProjectionXRayDoseCodes.AcquisitionDoseRpTotal;
    public static readonly CodedConcept TotalFluoroTime = ProjectionXRayDoseCodes.TotalFluoroTime;
    public static readonly CodedConcept TotalAcquisitionTime = ProjectionXRayDoseCodes.TotalAcquisitionTime;
    public static readonly CodedConcept TotalNumberOfRadiographicFrames = ProjectionXRayDoseCodes.TotalNumberOfRadiographicFrames;
    public static readonly CodedConcept AccumulatedAverageGlandularDose = ProjectionXRayDoseCodes.AccumulatedAverageGlandularDose;
    public static readonly CodedConcept Laterality = ProjectionXRayDoseCodes.Laterality;
    public static readonly CodedConcept LeftBreast = new("80248007", "SCT");
    public static readonly CodedConcept RightBreast = new("73056007", "SCT");
    public static readonly CodedConcept Left = new("7771000", "SCT");
    public static readonly CodedConcept Right = new("24028007", "SCT");
    public static readonly CodedConcept IrradiationEventXRayData = ProjectionXRayDoseCodes.IrradiationEventXRayData;
    public static readonly CodedConcept IrradiationEventType = ProjectionXRayDoseCodes.IrradiationEventType;
    public static readonly CodedConcept DoseAreaProduct = ProjectionXRayDoseCodes.DoseAreaProduct;
    public static readonly CodedConcept DoseRp = ProjectionXRayDoseCodes.DoseRp;
    public static readonly CodedConcept EntranceExposureAtRp = ProjectionXRayDoseCodes.EntranceExposureAtRp;
    public static readonly CodedConcept AverageGlandularDose = ProjectionXRayDoseCodes.AverageGlandularDose;
    public static readonly CodedConcept CompressionThickness = ProjectionXRayDoseCodes.CompressionThickness;
    public static readonly CodedConcept CompressionForce = ProjectionXRayDoseCodes.CompressionForce;
    public static readonly CodedConcept ExposureIndex = ProjectionXRayDoseCodes.ExposureIndex;
    public static readonly CodedConcept TargetExposureIndex = ProjectionXRayDoseCodes.TargetExposureIndex;
    public static readonly CodedConcept DeviationIndex = ProjectionXRayDoseCodes.DeviationIndex;
    public static readonly CodedConcept PulseRate = ProjectionXRayDoseCodes.PulseRate;
    public static readonly CodedConcept NumberOfPulses = ProjectionXRayDoseCodes.NumberOfPulses;
    public static readonly CodedConcept IrradiationDuration = ProjectionXRayDoseCodes.IrradiationDuration;
    public static readonly CodedConcept AverageXRayTubeCurrent = ProjectionXRayDoseCodes.AverageXRayTubeCurrent;
    public static readonly CodedConcept Exposure = ProjectionXRayDoseCodes.Exposure;
    public static readonly CodedConcept AnodeTargetMaterial = ProjectionXRayDoseCodes.AnodeTargetMaterial;
    public static readonly CodedConcept XRayFilters = ProjectionXRayDoseCodes.XRayFilters;
    public static readonly CodedConcept XRayFilterType = ProjectionXRayDoseCodes.XRayFilterType;
    public static readonly CodedConcept XRayFilterMaterial = ProjectionXRayDoseCodes.XRayFilterMaterial;
    public static readonly CodedConcept XRayFilterThicknessMinimum = ProjectionXRayDoseCodes.XRayFilterThicknessMinimum;
    public static readonly CodedConcept XRayFilterThicknessMaximum = ProjectionXRayDoseCodes.XRayFilterThicknessMaximum;
    public static readonly CodedConcept PulseWidth = ProjectionXRayDoseCodes.PulseWidth;
    public static readonly CodedConcept HalfValueLayer = ProjectionXRayDoseCodes.HalfValueLayer;
    public static readonly CodedConcept Copper = ProjectionXRayDoseCodes.Copper;
    public static readonly CodedConcept Aluminum = ProjectionXRayDoseCodes.Aluminum;

    // Projection X-ray geometry (TID 10003B/10003C), what a skin dose map needs
    public static readonly CodedConcept PositionerPrimaryAngle = ProjectionXRayDoseCodes.PositionerPrimaryAngle;
    public static readonly CodedConcept PositionerSecondaryAngle = ProjectionXRayDoseCodes.PositionerSecondaryAngle;
    public static readonly CodedConcept TableLongitudinalPosition = ProjectionXRayDoseCodes.TableLongitudinalPosition;
    public static readonly CodedConcept TableLateralPosition = ProjectionXRayDoseCodes.TableLateralPosition;
    public static readonly CodedConcept TableHeightPosition = ProjectionXRayDoseCodes.TableHeightPosition;
    public static readonly CodedConcept TableHeadTiltAngle = ProjectionXRayDoseCodes.TableHeadTiltAngle;
    public static readonly CodedConcept TableHorizontalRotationAngle = ProjectionXRayDoseCodes.TableHorizontalRotationAngle;
    public static readonly CodedConcept TableCradleTiltAngle = ProjectionXRayDoseCodes.TableCradleTiltAngle;
    public static readonly CodedConcept DistanceSourceToDetector = ProjectionXRayDoseCodes.DistanceSourceToDetector;
    public static readonly CodedConcept DistanceSourceToIsocenter = ProjectionXRayDoseCodes.DistanceSourceToIsocenter;
    public static readonly CodedConcept DistanceSourceToReferencePoint = ProjectionXRayDoseCodes.DistanceSourceToReferencePoint;
    public static readonly CodedConcept CollimatedFieldArea = ProjectionXRayDoseCodes.CollimatedFieldArea;
    public static readonly CodedConcept CollimatedFieldHeight = ProjectionXRayDoseCodes.CollimatedFieldHeight;
    public static readonly CodedConcept CollimatedFieldWidth = ProjectionXRayDoseCodes.CollimatedFieldWidth;
    // Philips Allura Xper/Clarity private codes (scheme 99PHI-IXR-XPER) for what TID 10003 leaves out or Philips reports only here.
    public static readonly CodedConcept PhilipsBottomShutter = new("006", "99PHI-IXR-XPER", "Bottom Shutter");
    public static readonly CodedConcept PhilipsLeftShutter = new("007", "99PHI-IXR-XPER", "Left Shutter");
    public static readonly CodedConcept PhilipsRightShutter = new("008", "99PHI-IXR-XPER", "Right Shutter");
    public static readonly CodedConcept PhilipsTopShutter = new("009", "99PHI-IXR-XPER", "Top Shutter");
    public static readonly CodedConcept PhilipsFinalDistanceSourceToDetector = new("018", "99PHI-IXR-XPER", "Final Distance Source to Detector");
    public static readonly CodedConcept PhilipsTableHeightPosition = new("021", "99PHI-IXR-XPER", "Table Height Position");

    // Radiopharmaceutical (TID 10021/10022)
    public static readonly CodedConcept RadiopharmaceuticalAdministration = RadiopharmaceuticalDoseCodes.RadiopharmaceuticalAdministration;
    public static readonly CodedConcept RadiopharmaceuticalAgentSrt = new("F-61FDB", "SRT");
    public static readonly CodedConcept RadiopharmaceuticalAgent = RadiopharmaceuticalDoseCodes.RadiopharmaceuticalAgent;
    public static readonly CodedConcept RadiopharmaceuticalAgentCurrent = new("349358000", "SCT");
    public static readonly CodedConcept Radionuclide = RadiopharmaceuticalDoseCodes.Radionuclide;
    public static readonly CodedConcept AdministeredActivity = RadiopharmaceuticalDoseCodes.AdministeredActivity;
    public static readonly CodedConcept RadiopharmaceuticalStartDateTime = RadiopharmaceuticalDoseCodes.RadiopharmaceuticalStartDateTime;
    public static readonly CodedConcept RouteOfAdministration = RadiopharmaceuticalDoseCodes.RouteOfAdministration;

    /// <summary>The domain form of a code: legacy SRT codes as their SNOMED CT equivalent (LegacySnomedIds), others as sent.</summary>
    public static ConceptCode ToDomain(CodedConcept code) =>
        code.CodingSchemeDesignator.Trim().ToUpperInvariant() is "SRT" or "SNM3" && LegacySnomedIds.ToConceptId(code.CodeValue) is { } sct
            ? new ConceptCode(sct, "SCT", code.CodeMeaning)
            : new ConceptCode(code.CodeValue, code.CodingSchemeDesignator, code.CodeMeaning);

    public static ConceptCode Normalise(ConceptCode code) => ToDomain(new CodedConcept(code.Value, code.Scheme, code.Meaning));

    /// <summary>Equality on (value, scheme), legacy SRT and SCT forms being the same concept (CodedConcept's equality).</summary>
    public static bool Same(ConceptCode? a, CodedConcept b) => a is not null && new CodedConcept(a.Value, a.Scheme) == b;
}
