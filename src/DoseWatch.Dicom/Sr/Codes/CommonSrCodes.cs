using static DoseWatch.Dicom.Sr.Codes.Code;

namespace DoseWatch.Dicom.Sr.Codes;

/// <summary>
/// Concepts shared by the radiation dose report templates (TID 10001, 10011, 10021): document context (TID 1002
/// observer, scope of accumulation), participants (TID 1020/1021) and common value sets. Source: PS3.16 as summarised
/// in the dose reference §5.2, each code checked against pydicom's concept dictionary by the test suite.
/// </summary>
public static class CommonSrCodes
{
    public static readonly CodedConcept ProcedureReported = Dcm("121058", "Procedure reported");
    public static readonly CodedConcept HasIntent = Sct("363703001", "Has Intent");
    public static readonly CodedConcept DiagnosticIntent = Sct("261004008", "Diagnostic Intent");
    public static readonly CodedConcept TherapeuticIntent = Sct("262202000", "Therapeutic Intent");

    public static readonly CodedConcept ObserverType = Dcm("121005", "Observer Type");
    public static readonly CodedConcept Person = Dcm("121006", "Person");
    public static readonly CodedConcept Device = Dcm("121007", "Device");
    public static readonly CodedConcept PersonObserverName = Dcm("121008", "Person Observer Name");
    public static readonly CodedConcept DeviceObserverUid = Dcm("121012", "Device Observer UID");
    public static readonly CodedConcept DeviceObserverName = Dcm("121013", "Device Observer Name");
    public static readonly CodedConcept DeviceObserverManufacturer = Dcm("121014", "Device Observer Manufacturer");
    public static readonly CodedConcept DeviceObserverModelName = Dcm("121015", "Device Observer Model Name");
    public static readonly CodedConcept DeviceObserverSerialNumber = Dcm("121016", "Device Observer Serial Number");

    public static readonly CodedConcept ScopeOfAccumulation = Dcm("113705", "Scope of Accumulation");
    public static readonly CodedConcept Study = Dcm("113014", "Study");
    public static readonly CodedConcept PerformedProcedureStep = Dcm("113016", "Performed Procedure Step");
    public static readonly CodedConcept IrradiationEvent = Dcm("113852", "Irradiation Event");
    public static readonly CodedConcept StudyInstanceUid = Dcm("110180", "Study Instance UID");
    public static readonly CodedConcept SeriesInstanceUid = Dcm("112002", "Series Instance UID");
    public static readonly CodedConcept IrradiationEventUid = Dcm("113769", "Irradiation Event UID");

    /// <summary>The retired code older devices send for the same meaning as <see cref="IrradiationEventUid"/>.</summary>
    public static readonly CodedConcept IrradiationEventUidRetired = Dcm("113853", "Irradiation Event UID");
    public static readonly CodedConcept DateTimeStarted = Dcm("111526", "DateTime Started");
    public static readonly CodedConcept Comment = Dcm("121106", "Comment");
    public static readonly CodedConcept AcquisitionProtocol = Dcm("125203", "Acquisition Protocol");
    public static readonly CodedConcept TargetRegion = Dcm("123014", "Target Region");

    public static readonly CodedConcept SourceOfDoseInformation = Dcm("113854", "Source of Dose Information");
    public static readonly CodedConcept AutomatedDataCollection = Dcm("113856", "Automated Data Collection");
    public static readonly CodedConcept ManualEntry = Dcm("113857", "Manual Entry");

    public static readonly CodedConcept PersonName = Dcm("113870", "Person Name");
    public static readonly CodedConcept PersonRoleInProcedure = Dcm("113875", "Person Role in Procedure");
    public static readonly CodedConcept IrradiationAuthorizing = Dcm("113850", "Irradiation Authorizing");
    public static readonly CodedConcept IrradiationAdministering = Dcm("113851", "Irradiation Administering");
    public static readonly CodedConcept DeviceRoleInProcedure = Dcm("113876", "Device Role in Procedure");
    public static readonly CodedConcept IrradiatingDevice = Dcm("113859", "Irradiating Device");
    public static readonly CodedConcept DeviceName = Dcm("113877", "Device Name");
    public static readonly CodedConcept DeviceManufacturer = Dcm("113878", "Device Manufacturer");
    public static readonly CodedConcept DeviceModelName = Dcm("113879", "Device Model Name");
    public static readonly CodedConcept DeviceSerialNumber = Dcm("113880", "Device Serial Number");

    public static readonly CodedConcept MeasurementMethod = Sct("370129005", "Measurement Method");
    public static readonly CodedConcept ReferenceAuthority = Dcm("121406", "Reference Authority");
    public static readonly CodedConcept EffectiveDose = Dcm("113839", "Effective Dose");

    public static readonly CodedConcept Yes = Sct("373066001", "Yes");
    public static readonly CodedConcept No = Sct("373067005", "No");
}
