using static DoseWatch.Dicom.Sr.Codes.Code;

namespace DoseWatch.Dicom.Sr.Codes;

/// <summary>TID 10001 Projection X-Ray Radiation Dose and sub-templates 10002-10007 (dose reference §5.4).</summary>
public static class ProjectionXRayDoseCodes
{
    public static readonly CodedConcept ProjectionXRay = Dcm("113704", "Projection X-Ray");
    public static readonly CodedConcept Mammography = Sct("71651007", "Mammography");

    // TID 10002 / 10004-10007 accumulated dose
    public static readonly CodedConcept AccumulatedXRayDoseData = Dcm("113702", "Accumulated X-Ray Dose Data");
    public static readonly CodedConcept AcquisitionPlane = Dcm("113764", "Acquisition Plane");
    public static readonly CodedConcept SinglePlane = Dcm("113622", "Single Plane");
    public static readonly CodedConcept PlaneA = Dcm("113620", "Plane A");
    public static readonly CodedConcept PlaneB = Dcm("113621", "Plane B");
    public static readonly CodedConcept AllPlanes = Dcm("113890", "All Planes");
    public static readonly CodedConcept DoseAreaProductTotal = Dcm("113722", "Dose Area Product Total");
    public static readonly CodedConcept DoseRpTotal = Dcm("113725", "Dose (RP) Total");
    public static readonly CodedConcept FluoroDoseAreaProductTotal = Dcm("113726", "Fluoro Dose Area Product Total");
    public static readonly CodedConcept FluoroDoseRpTotal = Dcm("113728", "Fluoro Dose (RP) Total");
    public static readonly CodedConcept TotalFluoroTime = Dcm("113730", "Total Fluoro Time");
    public static readonly CodedConcept AcquisitionDoseAreaProductTotal = Dcm("113727", "Acquisition Dose Area Product Total");
    public static readonly CodedConcept AcquisitionDoseRpTotal = Dcm("113729", "Acquisition Dose (RP) Total");
    public static readonly CodedConcept TotalAcquisitionTime = Dcm("113855", "Total Acquisition Time");
    public static readonly CodedConcept TotalNumberOfRadiographicFrames = Dcm("113731", "Total Number of Radiographic Frames");
    public static readonly CodedConcept ReferencePointDefinition = Dcm("113780", "Reference Point Definition");
    public static readonly CodedConcept AccumulatedAverageGlandularDose = Dcm("111637", "Accumulated Average Glandular Dose (mammo)");
    public static readonly CodedConcept Laterality = Sct("272741003", "Laterality");
    public static readonly CodedConcept LeftBreast = Sct("80248007", "Left breast");
    public static readonly CodedConcept RightBreast = Sct("73056007", "Right breast");
    public static readonly CodedConcept Left = Sct("7771000", "Left");
    public static readonly CodedConcept Right = Sct("24028007", "Right");

    // TID 10003 irradiation event
    public static readonly CodedConcept IrradiationEventXRayData = Dcm("113706", "Irradiation Event X-Ray Data");
    public static readonly CodedConcept IrradiationEventType = Dcm("113721", "Irradiation Event Type");
    public static readonly CodedConcept Fluoroscopy = Sct("44491008", "Fluoroscopy");
    public static readonly CodedConcept DoseAreaProduct = Dcm("122130", "Dose Area Product");
    public static readonly CodedConcept DoseRp = Dcm("113738", "Dose (RP)");
    public static readonly CodedConcept DistanceSourceToReferencePoint = Dcm("113737", "Distance Source to Reference Point");
    public static readonly CodedConcept EntranceExposureAtRp = Dcm("111636", "Entrance Exposure at RP");
    public static readonly CodedConcept AverageGlandularDose = Dcm("111631", "Average Glandular Dose");
    public static readonly CodedConcept HalfValueLayer = Dcm("111634", "Half Value Layer");
    /// <summary>The retired code older devices send for Exposure Time (now 113824, <see cref="CtDoseCodes.ExposureTime"/>).</summary>
    public static readonly CodedConcept ExposureTimeRetired = Dcm("113735", "Exposure Time");
    public static readonly CodedConcept ExposureIndex = Dcm("113845", "Exposure Index");
    public static readonly CodedConcept TargetExposureIndex = Dcm("113846", "Target Exposure Index");
    public static readonly CodedConcept DeviationIndex = Dcm("113847", "Deviation Index");
    public static readonly CodedConcept FluoroMode = Dcm("113732", "Fluoro Mode");
    public static readonly CodedConcept PulseRate = Dcm("113791", "Pulse Rate");
    public static readonly CodedConcept NumberOfPulses = Dcm("113768", "Number of Pulses");
    public static readonly CodedConcept PulseWidth = Dcm("113793", "Pulse Width");
    public static readonly CodedConcept IrradiationDuration = Dcm("113742", "Irradiation Duration");
    public static readonly CodedConcept AverageXRayTubeCurrent = Dcm("113767", "Average X-Ray Tube Current");
    public static readonly CodedConcept Exposure = Dcm("113736", "Exposure");
    public static readonly CodedConcept FocalSpotSize = Dcm("113766", "Focal Spot Size");
    public static readonly CodedConcept AnodeTargetMaterial = Dcm("111632", "Anode Target Material");
    public static readonly CodedConcept XRayFilters = Dcm("113771", "X-Ray Filters");
    public static readonly CodedConcept XRayFilterType = Dcm("113772", "X-Ray Filter Type");
    public static readonly CodedConcept XRayFilterMaterial = Dcm("113757", "X-Ray Filter Material");
    public static readonly CodedConcept XRayFilterThicknessMinimum = Dcm("113758", "X-Ray Filter Thickness Minimum");
    public static readonly CodedConcept XRayFilterThicknessMaximum = Dcm("113773", "X-Ray Filter Thickness Maximum");
    public static readonly CodedConcept XRayGrid = Dcm("111635", "X-Ray Grid");
    public static readonly CodedConcept CollimatedFieldArea = Dcm("113790", "Collimated Field Area");
    public static readonly CodedConcept PositionerPrimaryAngle = Dcm("112011", "Positioner Primary Angle");
    public static readonly CodedConcept PositionerSecondaryAngle = Dcm("112012", "Positioner Secondary Angle");
    public static readonly CodedConcept CompressionThickness = Dcm("111633", "Compression Thickness");
    public static readonly CodedConcept CompressionForce = Dcm("111647", "Compression Force");
    public static readonly CodedConcept DistanceSourceToDetector = Dcm("113750", "Distance Source to Detector");
    public static readonly CodedConcept DistanceSourceToIsocenter = Dcm("113748", "Distance Source to Isocenter");
    public static readonly CodedConcept CollimatedFieldHeight = Dcm("113788", "Collimated Field Height");
    public static readonly CodedConcept CollimatedFieldWidth = Dcm("113789", "Collimated Field Width");
    public static readonly CodedConcept TableLongitudinalPosition = Dcm("113751", "Table Longitudinal Position");
    public static readonly CodedConcept TableLateralPosition = Dcm("113752", "Table Lateral Position");
    public static readonly CodedConcept TableHeightPosition = Dcm("113753", "Table Height Position");
    public static readonly CodedConcept TableHeadTiltAngle = Dcm("113754", "Table Head Tilt Angle");
    public static readonly CodedConcept TableHorizontalRotationAngle = Dcm("113755", "Table Horizontal Rotation Angle");
    public static readonly CodedConcept TableCradleTiltAngle = Dcm("113756", "Table Cradle Tilt Angle");
    public static readonly CodedConcept Copper = Sct("105837005", "Copper or Copper compound");
    public static readonly CodedConcept Aluminum = Sct("105830007", "Aluminum or Aluminum compound");
}
