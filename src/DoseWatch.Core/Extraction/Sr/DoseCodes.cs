using DoseWatch.Core.Domain;

namespace DoseWatch.Core.Extraction.Sr;

/// <summary>
/// The concept codes DoseWatch reads (PS3.16; reference §5), matched on value and scheme only. Devices built before
/// 2019 send legacy SNOMED RT (SRT) codes; <see cref="Normalise"/> maps those to their SNOMED CT (SCT) equivalents
/// (mappings as in pydicom's _snomed_dict.py, reference §5) so every comparison is made on one form.
/// </summary>
public static class DoseCodes
{
    private static ConceptCode Dcm(string value) => new(value, "DCM");
    private static ConceptCode Sct(string value) => new(value, "SCT");

    // Roots and templates
    public static readonly ConceptCode XRayRadiationDoseReport = Dcm("113701");
    public static readonly ConceptCode RadiopharmaceuticalRadiationDoseReport = Dcm("113500");
    public static readonly ConceptCode PatientRadiationDoseReport = Dcm("128401");
    public static readonly ConceptCode ProcedureReported = Dcm("121058");
    public static readonly ConceptCode ComputedTomographyXRay = Sct("77477000");
    public static readonly ConceptCode ProjectionXRay = Dcm("113704");
    public static readonly ConceptCode Mammography = Sct("71651007");

    // Observer context and device participant
    public static readonly ConceptCode DeviceObserverUid = Dcm("121012");
    public static readonly ConceptCode DeviceObserverName = Dcm("121013");
    public static readonly ConceptCode DeviceObserverManufacturer = Dcm("121014");
    public static readonly ConceptCode DeviceObserverModelName = Dcm("121015");
    public static readonly ConceptCode DeviceObserverSerialNumber = Dcm("121016");
    public static readonly ConceptCode StartOfXRayIrradiation = Dcm("113809");

    // Events, shared
    public static readonly ConceptCode IrradiationEventUid = Dcm("113769");
    public static readonly ConceptCode IrradiationEventUidRetired = Dcm("113853");
    public static readonly ConceptCode DateTimeStarted = Dcm("111526");
    public static readonly ConceptCode AcquisitionProtocol = Dcm("125203");
    public static readonly ConceptCode TargetRegion = Dcm("123014");
    public static readonly ConceptCode Kvp = Dcm("113733");
    public static readonly ConceptCode XRayTubeCurrent = Dcm("113734");
    public static readonly ConceptCode ExposureTime = Dcm("113824");
    public static readonly ConceptCode ExposureTimeRetired = Dcm("113735");

    // CT (TID 10011-10015)
    public static readonly ConceptCode CtAccumulatedDoseData = Dcm("113811");
    public static readonly ConceptCode TotalNumberOfIrradiationEvents = Dcm("113812");
    public static readonly ConceptCode CtDoseLengthProductTotal = Dcm("113813");
    public static readonly ConceptCode CtEffectiveDoseTotal = Dcm("113814");
    public static readonly ConceptCode CtAcquisition = Dcm("113819");
    public static readonly ConceptCode CtAcquisitionType = Dcm("113820");
    public static readonly ConceptCode CtAcquisitionParameters = Dcm("113822");
    public static readonly ConceptCode ScanningLength = Dcm("113825");
    public static readonly ConceptCode NominalSingleCollimationWidth = Dcm("113826");
    public static readonly ConceptCode NominalTotalCollimationWidth = Dcm("113827");
    public static readonly ConceptCode PitchFactor = Dcm("113828");
    public static readonly ConceptCode CtXRaySourceParameters = Dcm("113831");
    public static readonly ConceptCode IdentificationOfTheXRaySource = Dcm("113832");
    public static readonly ConceptCode MaximumXRayTubeCurrent = Dcm("113833");
    public static readonly ConceptCode ExposureTimePerRotation = Dcm("113834");
    public static readonly ConceptCode CtDose = Dcm("113829");
    public static readonly ConceptCode MeanCtdiVol = Dcm("113830");
    public static readonly ConceptCode CtdiwPhantomType = Dcm("113835");
    public static readonly ConceptCode IecHeadDosimetryPhantom = Dcm("113690");
    public static readonly ConceptCode IecBodyDosimetryPhantom = Dcm("113691");
    public static readonly ConceptCode Dlp = Dcm("113838");
    public static readonly ConceptCode SizeSpecificDoseEstimation = Dcm("113930");
    public static readonly ConceptCode DerivedEffectiveDiameter = Dcm("113933");
    public static readonly ConceptCode WaterEquivalentDiameter = Dcm("113980");
    public static readonly ConceptCode DoseCheckAlertDetails = Dcm("113900");
    public static readonly ConceptCode DlpAlertValueConfigured = Dcm("113901");
    public static readonly ConceptCode CtdiVolAlertValueConfigured = Dcm("113902");
    public static readonly ConceptCode DlpAlertValue = Dcm("113903");
    public static readonly ConceptCode CtdiVolAlertValue = Dcm("113904");
    public static readonly ConceptCode AccumulatedDlpForwardEstimate = Dcm("113905");
    public static readonly ConceptCode AccumulatedCtdiVolForwardEstimate = Dcm("113906");
    public static readonly ConceptCode ReasonForProceeding = Dcm("113907");
    public static readonly ConceptCode DoseCheckNotificationDetails = Dcm("113908");
    public static readonly ConceptCode DlpNotificationValueConfigured = Dcm("113909");
    public static readonly ConceptCode CtdiVolNotificationValueConfigured = Dcm("113910");
    public static readonly ConceptCode DlpNotificationValue = Dcm("113911");
    public static readonly ConceptCode CtdiVolNotificationValue = Dcm("113912");
    public static readonly ConceptCode DlpForwardEstimate = Dcm("113913");
    public static readonly ConceptCode CtdiVolForwardEstimate = Dcm("113914");
    public static readonly ConceptCode PersonName = Dcm("113870");
    public static readonly ConceptCode Yes = Sct("373066001");
    public static readonly ConceptCode No = Sct("373067005");

    // Projection X-ray (TID 10001-10007)
    public static readonly ConceptCode AccumulatedXRayDoseData = Dcm("113702");
    public static readonly ConceptCode AcquisitionPlane = Dcm("113764");
    public static readonly ConceptCode AllPlanes = Dcm("113890");
    public static readonly ConceptCode DoseAreaProductTotal = Dcm("113722");
    public static readonly ConceptCode DoseRpTotal = Dcm("113725");
    public static readonly ConceptCode FluoroDoseAreaProductTotal = Dcm("113726");
    public static readonly ConceptCode AcquisitionDoseAreaProductTotal = Dcm("113727");
    public static readonly ConceptCode FluoroDoseRpTotal = Dcm("113728");
    public static readonly ConceptCode AcquisitionDoseRpTotal = Dcm("113729");
    public static readonly ConceptCode TotalFluoroTime = Dcm("113730");
    public static readonly ConceptCode TotalAcquisitionTime = Dcm("113855");
    public static readonly ConceptCode TotalNumberOfRadiographicFrames = Dcm("113731");
    public static readonly ConceptCode AccumulatedAverageGlandularDose = Dcm("111637");
    public static readonly ConceptCode Laterality = Sct("272741003");
    public static readonly ConceptCode LeftBreast = Sct("80248007");
    public static readonly ConceptCode RightBreast = Sct("73056007");
    public static readonly ConceptCode Left = Sct("7771000");
    public static readonly ConceptCode Right = Sct("24028007");
    public static readonly ConceptCode IrradiationEventXRayData = Dcm("113706");
    public static readonly ConceptCode IrradiationEventType = Dcm("113721");
    public static readonly ConceptCode DoseAreaProduct = Dcm("122130");
    public static readonly ConceptCode DoseRp = Dcm("113738");
    public static readonly ConceptCode EntranceExposureAtRp = Dcm("111636");
    public static readonly ConceptCode AverageGlandularDose = Dcm("111631");
    public static readonly ConceptCode CompressionThickness = Dcm("111633");
    public static readonly ConceptCode CompressionForce = Dcm("111647");
    public static readonly ConceptCode ExposureIndex = Dcm("113845");
    public static readonly ConceptCode TargetExposureIndex = Dcm("113846");
    public static readonly ConceptCode DeviationIndex = Dcm("113847");
    public static readonly ConceptCode PulseRate = Dcm("113791");
    public static readonly ConceptCode NumberOfPulses = Dcm("113768");
    public static readonly ConceptCode IrradiationDuration = Dcm("113742");
    public static readonly ConceptCode AverageXRayTubeCurrent = Dcm("113767");
    public static readonly ConceptCode Exposure = Dcm("113736");
    public static readonly ConceptCode AnodeTargetMaterial = Dcm("111632");
    public static readonly ConceptCode XRayFilters = Dcm("113771");
    public static readonly ConceptCode XRayFilterType = Dcm("113772");
    public static readonly ConceptCode XRayFilterMaterial = Dcm("113757");
    public static readonly ConceptCode XRayFilterThicknessMinimum = Dcm("113758");
    public static readonly ConceptCode XRayFilterThicknessMaximum = Dcm("113773");

    // Radiopharmaceutical (TID 10021/10022)
    public static readonly ConceptCode RadiopharmaceuticalAdministration = Dcm("113502");
    public static readonly ConceptCode RadiopharmaceuticalAgentSrt = new("F-61FDB", "SRT");
    public static readonly ConceptCode RadiopharmaceuticalAgent = Sct("417881006");
    public static readonly ConceptCode RadiopharmaceuticalAgentCurrent = Sct("349358000");
    public static readonly ConceptCode Radionuclide = Sct("89457008");
    public static readonly ConceptCode AdministeredActivity = Dcm("113507");
    public static readonly ConceptCode RadiopharmaceuticalStartDateTime = Dcm("123003");
    public static readonly ConceptCode RouteOfAdministration = Sct("410675002");

    /// <summary>Legacy SNOMED RT → SNOMED CT for the codes dose reports use (reference §5).</summary>
    private static readonly Dictionary<string, string> SrtToSct = new(StringComparer.Ordinal)
    {
        ["P5-08000"] = "77477000", ["P5-40010"] = "71651007", ["G-C0E8"] = "363703001", ["P5-08001"] = "116152004",
        ["R-FB8F1"] = "702569007", ["P5-06000"] = "44491008", ["G-C171"] = "272741003", ["G-C036"] = "370129005",
        ["C-10072"] = "89457008", ["R-42806"] = "304283002", ["G-C340"] = "410675002", ["F-61FDB"] = "417881006",
        ["G-C2D0"] = "363589002", ["G-C581"] = "272737002", ["R-0038D"] = "373066001", ["R-00339"] = "373067005",
        ["T-D1100"] = "69536005", ["T-D3000"] = "51185008", ["T-D4000"] = "113345001", ["T-D6000"] = "12921003",
        ["R-FAB56"] = "416775004", ["T-D0010"] = "38266002", ["G-D101"] = "47625008", ["G-D103"] = "78421000",
        ["T-04020"] = "73056007", ["T-04030"] = "80248007", ["T-04000"] = "76752008", ["G-A100"] = "24028007", ["G-A101"] = "7771000",
        ["C-120F9"] = "105830007", ["C-127F9"] = "105837005", ["C-150F9"] = "105860002", ["C-167F9"] = "105877002",
        ["C-164F9"] = "105874009", ["C-137F9"] = "105847008", ["C-132F9"] = "105842002", ["C-1190E"] = "429310004",
    };

    public static ConceptCode Normalise(ConceptCode code) =>
        code.Scheme == "SRT" && SrtToSct.TryGetValue(code.Value, out var sct) ? new ConceptCode(sct, "SCT", code.Meaning) : code;

    /// <summary>Equality on (value, scheme) after mapping legacy SRT codes to SCT.</summary>
    public static bool Same(ConceptCode? a, ConceptCode? b) => a is not null && b is not null && Normalise(a).Equals(Normalise(b));
}
