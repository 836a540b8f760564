using static DoseWatch.Dicom.Sr.Codes.Code;

namespace DoseWatch.Dicom.Sr.Codes;

/// <summary>TID 10011 CT Radiation Dose and its sub-templates 10012-10015 (dose reference §5.3).</summary>
public static class CtDoseCodes
{
    public static readonly CodedConcept XRayRadiationDoseReport = Dcm("113701", "X-Ray Radiation Dose Report");
    public static readonly CodedConcept ComputedTomographyXRay = Sct("77477000", "Computed Tomography X-Ray");
    public static readonly CodedConcept StartOfXRayIrradiation = Dcm("113809", "Start of X-Ray Irradiation");
    public static readonly CodedConcept EndOfXRayIrradiation = Dcm("113810", "End of X-Ray Irradiation");

    // TID 10012 CT Accumulated Dose Data
    public static readonly CodedConcept CtAccumulatedDoseData = Dcm("113811", "CT Accumulated Dose Data");
    public static readonly CodedConcept TotalNumberOfIrradiationEvents = Dcm("113812", "Total Number of Irradiation Events");
    public static readonly CodedConcept CtDoseLengthProductTotal = Dcm("113813", "CT Dose Length Product Total");
    public static readonly CodedConcept CtEffectiveDoseTotal = Dcm("113814", "CT Effective Dose Total");

    // TID 10013 CT Irradiation Event Data
    public static readonly CodedConcept CtAcquisition = Dcm("113819", "CT Acquisition");
    public static readonly CodedConcept CtAcquisitionType = Dcm("113820", "CT Acquisition Type");
    public static readonly CodedConcept SequencedAcquisition = Dcm("113804", "Sequenced Acquisition");
    public static readonly CodedConcept SpiralAcquisition = Sct("116152004", "Spiral Acquisition");
    public static readonly CodedConcept ConstantAngleAcquisition = Dcm("113805", "Constant Angle Acquisition");
    public static readonly CodedConcept StationaryAcquisition = Dcm("113806", "Stationary Acquisition");
    public static readonly CodedConcept FreeAcquisition = Dcm("113807", "Free Acquisition");
    public static readonly CodedConcept ConeBeamAcquisition = Sct("702569007", "Cone Beam Acquisition");
    public static readonly CodedConcept ProcedureContext = Sct("408730004", "Procedure Context");
    public static readonly CodedConcept IrradiationEventLabel = Dcm("113605", "Irradiation Event Label");
    public static readonly CodedConcept CtAcquisitionParameters = Dcm("113822", "CT Acquisition Parameters");
    public static readonly CodedConcept ExposureTime = Dcm("113824", "Exposure Time");
    public static readonly CodedConcept ScanningLength = Dcm("113825", "Scanning Length");
    public static readonly CodedConcept NominalSingleCollimationWidth = Dcm("113826", "Nominal Single Collimation Width");
    public static readonly CodedConcept NominalTotalCollimationWidth = Dcm("113827", "Nominal Total Collimation Width");
    public static readonly CodedConcept PitchFactor = Dcm("113828", "Pitch Factor");
    public static readonly CodedConcept NumberOfXRaySources = Dcm("113823", "Number of X-Ray Sources");
    public static readonly CodedConcept CtXRaySourceParameters = Dcm("113831", "CT X-Ray Source Parameters");
    public static readonly CodedConcept IdentificationOfTheXRaySource = Dcm("113832", "Identification of the X-Ray Source");
    public static readonly CodedConcept Kvp = Dcm("113733", "KVP");
    public static readonly CodedConcept MaximumXRayTubeCurrent = Dcm("113833", "Maximum X-Ray Tube Current");
    public static readonly CodedConcept XRayTubeCurrent = Dcm("113734", "X-Ray Tube Current");
    public static readonly CodedConcept ExposureTimePerRotation = Dcm("113834", "Exposure Time per Rotation");
    public static readonly CodedConcept XRayModulationType = Dcm("113842", "X-Ray Modulation Type");
    public static readonly CodedConcept CtDose = Dcm("113829", "CT Dose");
    public static readonly CodedConcept MeanCtdiVol = Dcm("113830", "Mean CTDIvol");
    public static readonly CodedConcept CtdiwPhantomType = Dcm("113835", "CTDIw Phantom Type");
    public static readonly CodedConcept IecHeadDosimetryPhantom = Dcm("113690", "IEC Head Dosimetry Phantom");
    public static readonly CodedConcept IecBodyDosimetryPhantom = Dcm("113691", "IEC Body Dosimetry Phantom");
    public static readonly CodedConcept Dlp = Dcm("113838", "DLP");
    public static readonly CodedConcept SizeSpecificDoseEstimation = Dcm("113930", "Size Specific Dose Estimation");
    public static readonly CodedConcept MeasuredLateralDimension = Dcm("113931", "Measured Lateral Dimension");
    public static readonly CodedConcept MeasuredApDimension = Dcm("113932", "Measured AP Dimension");
    public static readonly CodedConcept DerivedEffectiveDiameter = Dcm("113933", "Derived Effective Diameter");
    public static readonly CodedConcept WaterEquivalentDiameter = Dcm("113980", "Water Equivalent Diameter");

    // TID 10015 CT Dose Check Details
    public static readonly CodedConcept DoseCheckAlertDetails = Dcm("113900", "Dose Check Alert Details");
    public static readonly CodedConcept DlpAlertValueConfigured = Dcm("113901", "DLP Alert Value Configured");
    public static readonly CodedConcept CtdiVolAlertValueConfigured = Dcm("113902", "CTDIvol Alert Value Configured");
    public static readonly CodedConcept DlpAlertValue = Dcm("113903", "DLP Alert Value");
    public static readonly CodedConcept CtdiVolAlertValue = Dcm("113904", "CTDIvol Alert Value");
    public static readonly CodedConcept AccumulatedDlpForwardEstimate = Dcm("113905", "Accumulated DLP Forward Estimate");
    public static readonly CodedConcept AccumulatedCtdiVolForwardEstimate = Dcm("113906", "Accumulated CTDIvol Forward Estimate");
    public static readonly CodedConcept ReasonForProceeding = Dcm("113907", "Reason for Proceeding");
    public static readonly CodedConcept DoseCheckNotificationDetails = Dcm("113908", "Dose Check Notification Details");
    public static readonly CodedConcept DlpNotificationValueConfigured = Dcm("113909", "DLP Notification Value Configured");
    public static readonly CodedConcept CtdiVolNotificationValueConfigured = Dcm("113910", "CTDIvol Notification Value Configured");
    public static readonly CodedConcept DlpNotificationValue = Dcm("113911", "DLP Notification Value");
    public static readonly CodedConcept CtdiVolNotificationValue = Dcm("113912", "CTDIvol Notification Value");
    public static readonly CodedConcept DlpForwardEstimate = Dcm("113913", "DLP Forward Estimate");
    public static readonly CodedConcept CtdiVolForwardEstimate = Dcm("113914", "CTDIvol Forward Estimate");
}
