using Hl7.Fhir.Model;

namespace DoseWatch.Fhir;

/// <summary>
/// The systems, codes and canonical URLs of the Radiation Dose Summary IG 1.0.0 (STU1), as its FSH sources write them
/// (input/fsh/RadiationDoseSummary.fsh, IdentifiersCodes.fsh, Modality.fsh, RadiationSummaryReport.fsh). The DCM alias
/// there carries the edition (<c>DCM|2025.2.20250411</c>), so DCM codings carry it as <see cref="Coding.Version"/>.
/// </summary>
public static class RadiationDoseSummaryCodes
{
    public const string CanonicalBase = "http://hl7.org/fhir/uv/radiation-dose-summary";
    public const string ObservationProfile = CanonicalBase + "/StructureDefinition/radiation-dose-summary";
    public const string CompositionProfile = CanonicalBase + "/StructureDefinition/radiation-summary-report";
    public const string DeviceProfile = CanonicalBase + "/StructureDefinition/modality-device";
    public const string ImplementationGuideUrl = CanonicalBase + "/ImplementationGuide/hl7.fhir.uv.radiation-dose-summary";

    public const string Loinc = "http://loinc.org";
    public const string Snomed = "http://snomed.info/sct";
    public const string Dcm = "http://dicom.nema.org/resources/ontology/DCM";
    public const string DcmVersion = "2025.2.20250411";
    public const string DicomIdentifierType = CanonicalBase + "/CodeSystem/dicom-identifier-type";
    public const string V2IdentifierType = "http://terminology.hl7.org/CodeSystem/v2-0203";
    public const string DeviceNameTypeSystem = "http://hl7.org/fhir/device-nametype";
    public const string Ucum = "http://unitsofmeasure.org";
    public const string DicomUidSystem = "urn:dicom:uid";
    public const string DataAbsentReason = "http://hl7.org/fhir/StructureDefinition/data-absent-reason";

    /// <summary>DoseWatch's own identifier system for the keyed patient pseudonym (docs/privacy.md): not a direct identifier.</summary>
    public const string PseudonymSystem = "urn:dosewatch:patient-pseudonym";

    public const string RadiationDoseSummaryCode = "73569-6";
    public const string RadiationDoseSummaryDisplay = "Radiation exposure and protection information [Description] Document Diagnostic imaging";

    public static Coding RadiationDoseSummary() => new(Loinc, RadiationDoseSummaryCode, RadiationDoseSummaryDisplay);

    public static Coding DcmCoding(string code, string display) => new(Dcm, code, display) { Version = DcmVersion };

    // ComponentRadiationDoseSummaryVS, plus the procedure-reported component of the IG's examples.
    public static readonly (string Code, string Display) ProcedureReported = ("121058", "Procedure reported");
    public static readonly (string Code, string Display) DlpTotal = ("113813", "CT Dose Length Product Total");
    public static readonly (string Code, string Display) DoseRpTotal = ("113725", "Dose (RP) Total");
    public static readonly (string Code, string Display) AccumulatedAverageGlandularDose = ("111637", "Accumulated Average Glandular Dose");
    public static readonly (string Code, string Display) DapTotal = ("113722", "Dose Area Product Total");
    public static readonly (string Code, string Display) FluoroDapTotal = ("113726", "Fluoro Dose Area Product Total");
    public static readonly (string Code, string Display) AcquisitionDapTotal = ("113727", "Acquisition Dose Area Product Total");
    public static readonly (string Code, string Display) TotalFluoroTime = ("113730", "Total Fluoro Time");
    public static readonly (string Code, string Display) RadiographicFrames = ("113731", "Total Number of Radiographic Frames");
    public static readonly (string Code, string Display) AdministeredActivity = ("113507", "Administered activity");
    public static readonly (string Code, string Display) RadiopharmaceuticalVolume = ("123005", "Radiopharmaceutical Volume");

    // SNOMED members of ComponentRadiationDoseSummaryVS (NM).
    public static readonly (string Code, string Display) Radiopharmaceuticals = ("349358000", "Radiopharmaceuticals");
    public static readonly (string Code, string Display) Radioisotope = ("89457008", "Radioisotope");
    public static readonly (string Code, string Display) RouteOfAdministration = ("410675002", "Route of administration");

    // Not in the value set (its binding is extensible): the DICOM concepts of the same quantities (PS3.16 TID 10013, 10012).
    public static readonly (string Code, string Display) MeanCtdiVol = ("113830", "Mean CTDIvol");
    public static readonly (string Code, string Display) EffectiveDose = ("113839", "Effective Dose");

    // ProcedureReportedTypeVS.
    public static Coding ComputedTomography() => new(Snomed, "77477000", "Computerized tomography");
    public static Coding ProjectionXRay() => DcmCoding("113704", "Projection X-Ray");
    public static Coding Mammography() => new(Snomed, "71651007", "Mammography");
    public static Coding RadiopharmaceuticalAdministration() => DcmCoding("113502", "Radiopharmaceutical Administration");

    // UCUM units of the IG's examples.
    public const string MilliGrayCentimetre = "mGy.cm";
    public const string MilliGray = "mGy";
    public const string MilliGrayCentimetreSquared = "mGy.cm2";
    public const string Second = "s";
    public const string MegaBecquerel = "MBq";
    public const string MilliSievert = "mSv";
    public const string Frames = "{frames}";
}
