using static DoseWatch.Dicom.Sr.Codes.Code;

namespace DoseWatch.Dicom.Sr.Codes;

/// <summary>TID 10021 Radiopharmaceutical Radiation Dose and TID 10022/10023 (dose reference §5.5).</summary>
public static class RadiopharmaceuticalDoseCodes
{
    public static readonly CodedConcept RadiopharmaceuticalRadiationDoseReport = Dcm("113500", "Radiopharmaceutical Radiation Dose Report");
    public static readonly CodedConcept PatientRadiationDoseReport = Dcm("128401", "Patient Radiation Dose Report");
    public static readonly CodedConcept AssociatedProcedure = Sct("363589002", "Associated Procedure");
    public static readonly CodedConcept RadiopharmaceuticalAdministration = Dcm("113502", "Radiopharmaceutical Administration");

    /// <summary>
    /// Radiopharmaceutical agent as pydicom's SRT→SCT map and DCMTK give it (legacy SRT F-61FDB). The current TID 10022
    /// is quoted elsewhere with SCT 349358000; readers should accept both (the dose reference §5.5 leaves this open).
    /// </summary>
    public static readonly CodedConcept RadiopharmaceuticalAgent = Sct("417881006", "Radiopharmaceutical agent");
    public static readonly CodedConcept Radionuclide = Sct("89457008", "Radionuclide");
    public static readonly CodedConcept RadionuclideHalfLife = Sct("304283002", "Radionuclide Half Life");
    public static readonly CodedConcept RadiopharmaceuticalSpecificActivity = Dcm("123007", "Radiopharmaceutical Specific Activity");
    public static readonly CodedConcept RadiopharmaceuticalAdministrationEventUid = Dcm("113503", "Radiopharmaceutical Administration Event UID");
    public static readonly CodedConcept RadiopharmaceuticalStartDateTime = Dcm("123003", "Radiopharmaceutical Start DateTime");
    public static readonly CodedConcept RadiopharmaceuticalStopDateTime = Dcm("123004", "Radiopharmaceutical Stop DateTime");
    public static readonly CodedConcept AdministeredActivity = Dcm("113507", "Administered activity");
    public static readonly CodedConcept RadiopharmaceuticalVolume = Dcm("123005", "Radiopharmaceutical Volume");
    public static readonly CodedConcept PreAdministrationMeasuredActivity = Dcm("113508", "Pre-Administration Measured Activity");
    public static readonly CodedConcept PostAdministrationMeasuredActivity = Dcm("113509", "Post-Administration Measured Activity");
    public static readonly CodedConcept RouteOfAdministration = Sct("410675002", "Route of administration");
    public static readonly CodedConcept IntravenousRoute = Sct("47625008", "Intravenous route");
    public static readonly CodedConcept SiteOf = Sct("272737002", "Site of");
    public static readonly CodedConcept OrganDoseInformation = Dcm("113517", "Organ Dose Information");
    public static readonly CodedConcept OrganDose = Dcm("113518", "Organ Dose");
}
