using System.Globalization;
using DoseWatch.Core.Domain;
using DoseWatch.Core.Units;
using DoseWatch.Dicom;
using Hl7.Fhir.Model;
using static DoseWatch.Fhir.RadiationDoseSummaryCodes;

namespace DoseWatch.Fhir;

/// <summary>
/// One study as the Radiation Dose Summary IG's resources (issue #19), built with the Firely SDK's model, never as
/// hand-written JSON: the RadiationDoseSummary Observation, and the resources it references (ImagingStudy, Patient,
/// ModalityDevice) and the RadiationSummaryReport Composition. Ids are DoseWatch's own keys: the Observation, the
/// ImagingStudy and the Composition take the Study Instance UID (a UID is a valid FHIR id: digits and dots, at most 64),
/// the Patient its pseudonym, the Device DoseWatch's device number.
/// </summary>
public static class RadiationDoseSummaryMapping
{
    /// <summary>Modalities whose studies irradiate the patient (and so have a dose summary), by the procedure the IG names.</summary>
    public static Coding? ProcedureFor(string modality) => modality.Trim().ToUpperInvariant() switch
    {
        "CT" => ComputedTomography(),
        "XA" or "RF" or "DX" or "CR" or "PX" or "DR" or "IO" => ProjectionXRay(),
        "MG" => Mammography(),
        "NM" or "PT" => RadiopharmaceuticalAdministration(),
        _ => null,
    };

    /// <summary>Modalities whose studies have a dose summary: MR and ultrasound studies have none.</summary>
    public static readonly IReadOnlyList<string> IonisingModalities = ["CT", "XA", "RF", "DX", "CR", "PX", "DR", "IO", "MG", "NM", "PT"];

    public static Observation Observation(StudyDoseSummary s)
    {
        var study = s.Study;
        var observation = new Observation
        {
            Id = study.StudyInstanceUid,
            Meta = new Meta { Profile = [ObservationProfile] },
            Status = ObservationStatus.Final,
            Code = new CodeableConcept { Coding = [RadiationDoseSummary()] },
            Subject = PatientReference(s),
            Effective = Effective(s),
            // The IG asks for the irradiation authorizing person (1..1); dose reports seldom name one and DoseWatch does not
            // extract it, so the element is there with the reason it is absent rather than a made-up practitioner.
            Performer = [new ResourceReference { Type = "Practitioner", Extension = [Absent("unknown")] }],
        };
        foreach (var report in s.DoseReports)
            observation.Identifier.Add(new Identifier(DicomUidSystem, Oid(report.SopInstanceUid))
            {
                Type = new CodeableConcept(DicomIdentifierType, "sop-instance-uid", "SOP Instance UID"),
            });
        observation.PartOf.Add(ImagingStudyReference(study.StudyInstanceUid));
        observation.Focus.Add(ImagingStudyReference(study.StudyInstanceUid));
        if (!string.IsNullOrWhiteSpace(study.AccessionNumber))
            observation.BasedOn.Add(new ResourceReference
            {
                Type = "ServiceRequest",
                Identifier = new Identifier { Type = new CodeableConcept(V2IdentifierType, "ACSN", "Accession ID"), Value = study.AccessionNumber.Trim() },
            });
        if (s.DeviceId is { } deviceId)
            observation.Device = new ResourceReference($"Device/{deviceId.ToString(CultureInfo.InvariantCulture)}", DeviceLabel(study.Device)) { Type = "Device" };
        observation.Component = Components(s);
        observation.Value = new FhirString(Summary(observation.Component));
        return observation;
    }

    /// <summary>The components: what procedure (per modality of the study), then each total the study has, in the IG's units.</summary>
    public static List<Observation.ComponentComponent> Components(StudyDoseSummary s)
    {
        var components = new List<Observation.ComponentComponent>();
        foreach (var procedure in s.Modalities.Select(ProcedureFor).OfType<Coding>().DistinctBy(c => c.Code))
            components.Add(new Observation.ComponentComponent { Code = Concept(DcmCoding(ProcedureReported.Code, ProcedureReported.Display)), Value = new CodeableConcept { Coding = [procedure] } });

        var t = s.Totals;
        void Add((string Code, string Display) concept, double? value, string unit, string? storedUnit = null, Coding? system = null)
        {
            if (value is not { } v) return;
            components.Add(new Observation.ComponentComponent
            {
                Code = Concept(system ?? DcmCoding(concept.Code, concept.Display)),
                Value = Quantity(storedUnit is null ? v : Converted(v, storedUnit, unit), unit),
            });
        }

        // CT: the study's DLP total, and each counted acquisition's CTDIvol (a study summary has no single CTDIvol).
        Add(DlpTotal, t.DlpTotalMGyCm, MilliGrayCentimetre);
        foreach (var e in s.Events.Where(e => e.CountedInTotals && e.Event.CtdiVolMGy is not null))
            Add(MeanCtdiVol, e.Event.CtdiVolMGy, MilliGray);
        // Projection X-ray: DoseWatch stores Gy·cm² and Gy; the IG writes mGy.cm2 and mGy.
        Add(DapTotal, t.DapTotalGyCm2, MilliGrayCentimetreSquared, CanonicalUnits.GrayCentimetreSquared);
        Add(DoseRpTotal, t.DoseRpTotalGy, MilliGray, CanonicalUnits.Gray);
        Add(FluoroDapTotal, t.Reported.FluoroDapTotalGyCm2, MilliGrayCentimetreSquared, CanonicalUnits.GrayCentimetreSquared);
        Add(AcquisitionDapTotal, t.Reported.AcquisitionDapTotalGyCm2, MilliGrayCentimetreSquared, CanonicalUnits.GrayCentimetreSquared);
        Add(TotalFluoroTime, t.FluoroTimeTotalS, Second);
        Add(RadiographicFrames, t.Reported.RadiographicFrameCount, Frames);
        // Mammography.
        Add(AccumulatedAverageGlandularDose, t.AgdTotalMGy, MilliGray);
        // Nuclear medicine: each administration's activity, agent, isotope and route.
        foreach (var e in s.Events.Where(e => e.CountedInTotals && e.Event.AdministeredActivityMBq is not null).Select(e => e.Event))
        {
            Add(AdministeredActivity, e.AdministeredActivityMBq, MegaBecquerel);
            if (!string.IsNullOrWhiteSpace(e.RadiopharmaceuticalAgent))
                components.Add(new Observation.ComponentComponent { Code = Concept(new Coding(Snomed, Radiopharmaceuticals.Code, Radiopharmaceuticals.Display)), Value = new CodeableConcept { Text = e.RadiopharmaceuticalAgent.Trim() } });
            if (e.Radionuclide is { } nuclide)
                components.Add(new Observation.ComponentComponent { Code = Concept(new Coding(Snomed, Radioisotope.Code, Radioisotope.Display)), Value = Concept(nuclide) });
            if (e.Route is { } route)
                components.Add(new Observation.ComponentComponent { Code = Concept(new Coding(Snomed, RouteOfAdministration.Code, RouteOfAdministration.Display)), Value = Concept(route) });
        }
        // Effective dose only as the report states it (CT accumulated total, else the administrations' own), never DoseWatch's estimate.
        var counted = s.Events.Where(e => e.CountedInTotals).Select(e => e.Event.ReportedEffectiveDoseMSv).OfType<double>().ToList();
        Add(EffectiveDose, t.Reported.CtEffectiveDoseTotalMSv ?? (counted.Count > 0 ? counted.Sum() : null), MilliSievert);
        return components;
    }

    public static ImagingStudy ImagingStudy(StudyDoseSummary s)
    {
        var study = s.Study;
        var imagingStudy = new ImagingStudy
        {
            Id = study.StudyInstanceUid,
            Identifier = [new Identifier(DicomUidSystem, Oid(study.StudyInstanceUid)) { Type = new CodeableConcept(DicomIdentifierType, "study-instance-uid", "Study Instance UID") }],
            Status = Hl7.Fhir.Model.ImagingStudy.ImagingStudyStatus.Available,
            Subject = PatientReference(s),
            Description = study.StudyDescription,
            Modality = s.Modalities.Select(m => new Coding("http://dicom.nema.org/resources/ontology/DCM", m.Trim())).ToList(),
        };
        if (Started(s) is { } started) imagingStudy.StartedElement = started;
        if (!string.IsNullOrWhiteSpace(study.AccessionNumber))
            imagingStudy.Identifier.Add(new Identifier { Type = new CodeableConcept(V2IdentifierType, "ACSN", "Accession ID"), Value = study.AccessionNumber.Trim() });
        return imagingStudy;
    }

    /// <summary>The patient with what the caller may see: always the pseudonym, name, ID and birth date only when identified.</summary>
    public static Patient? Patient(StudyDoseSummary s)
    {
        var p = s.Patient;
        if (p.Pseudonym is null) return null;
        var patient = new Patient
        {
            Id = p.Pseudonym,
            Identifier = [new Identifier(PseudonymSystem, p.Pseudonym)],
            Gender = s.Study.Patient.Sex?.Trim().ToUpperInvariant() switch
            {
                "M" => AdministrativeGender.Male,
                "F" => AdministrativeGender.Female,
                "O" => AdministrativeGender.Other,
                _ => null,
            },
        };
        if (!string.IsNullOrWhiteSpace(p.Id))
            patient.Identifier.Add(new Identifier
            {
                Type = new CodeableConcept(V2IdentifierType, "MR", "Medical record number"),
                Value = p.Id.Trim(),
                Assigner = string.IsNullOrWhiteSpace(p.IssuerOfId) ? null : new ResourceReference { Display = p.IssuerOfId.Trim() },
            });
        if (Name(p.Name) is { } name) patient.Name.Add(name);
        if (p.BirthDate is { Length: 10 } birth && DateOnly.TryParseExact(birth, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            patient.BirthDate = birth;
        return patient;
    }

    /// <summary>The ModalityDevice; null when the study has no device number (the Observation then names none).</summary>
    public static Device? Device(StudyDoseSummary s)
    {
        if (s.DeviceId is not { } id) return null;
        var d = s.Study.Device;
        var device = new Device
        {
            Id = id.ToString(CultureInfo.InvariantCulture),
            Meta = new Meta { Profile = [DeviceProfile] },
            Manufacturer = d.Manufacturer?.Trim(),
            SerialNumber = d.SerialNumber?.Trim(),
        };
        if (s.DoseReports.Select(r => r.CallingAeTitle).FirstOrDefault(a => !string.IsNullOrWhiteSpace(a)) is { } ae)
            device.Identifier.Add(new Identifier { Type = new CodeableConcept(DicomIdentifierType, "application-entity", "Application Entity"), Value = ae.Trim() });
        else
            device.Identifier.Add(new Identifier { Type = new CodeableConcept(DicomIdentifierType, "application-entity", "Application Entity"), Extension = [Absent("unknown")] });
        if (!string.IsNullOrWhiteSpace(d.SerialNumber))
            device.Identifier.Add(new Identifier { Type = new CodeableConcept(V2IdentifierType, "SNO", "Serial Number"), Value = d.SerialNumber.Trim() });
        if (!string.IsNullOrWhiteSpace(d.DeviceObserverUid))
            device.Identifier.Add(new Identifier(DicomUidSystem, Oid(d.DeviceObserverUid)) { Type = new CodeableConcept(DicomIdentifierType, "device-uid", "Device UID") });
        if (!string.IsNullOrWhiteSpace(d.Manufacturer))
            device.DeviceName.Add(new Device.DeviceNameComponent { Name = d.Manufacturer.Trim(), Type = DeviceNameType.ManufacturerName });
        if (!string.IsNullOrWhiteSpace(d.Model))
            device.DeviceName.Add(new Device.DeviceNameComponent { Name = d.Model.Trim(), Type = DeviceNameType.ModelName });
        var modality = s.Modalities.FirstOrDefault(m => ProcedureFor(m) is not null) ?? s.Study.Modality;
        if (!string.IsNullOrWhiteSpace(modality)) device.Type = new CodeableConcept { Coding = [DcmCoding(modality.Trim(), ModalityMeaning(modality))] };
        return device;
    }

    /// <summary>The RadiationSummaryReport: one section, the dose summary; DoseWatch is the author (no person signs it).</summary>
    public static Composition Report(StudyDoseSummary s, DateTimeOffset now)
    {
        var observation = Observation(s);
        return new Composition
        {
            Id = s.Study.StudyInstanceUid,
            Meta = new Meta { Profile = [CompositionProfile] },
            Status = CompositionStatus.Final,
            Type = new CodeableConcept { Coding = [RadiationDoseSummary()] },
            Subject = PatientReference(s),
            DateElement = new FhirDateTime(now),
            Author = [new ResourceReference { Display = "DoseWatch", Type = "Device" }],
            Title = "Radiation exposure and protection information",
            Section =
            [
                new Composition.SectionComponent
                {
                    Title = "Radiation Dose Summary",
                    Code = new CodeableConcept { Coding = [RadiationDoseSummary()] },
                    Entry = [new ResourceReference($"Observation/{observation.Id}", "Radiation Dose Summary")],
                    Text = new Narrative { Status = Narrative.NarrativeStatus.Generated, Div = $"<div xmlns=\"http://www.w3.org/1999/xhtml\">{System.Net.WebUtility.HtmlEncode(Summary(observation.Component))}</div>" },
                },
            ],
        };
    }

    /// <summary>"urn:oid:" + the UID, as the IG's identifiers write DICOM UIDs.</summary>
    public static string Oid(string uid) => "urn:oid:" + uid.Trim();

    public static ResourceReference ImagingStudyReference(string studyInstanceUid) => new($"ImagingStudy/{studyInstanceUid}")
    {
        Type = "ImagingStudy",
        Identifier = new Identifier(DicomUidSystem, Oid(studyInstanceUid)) { Type = new CodeableConcept(DicomIdentifierType, "study-instance-uid", "Study Instance UID") },
    };

    private static ResourceReference PatientReference(StudyDoseSummary s)
    {
        var p = s.Patient;
        // No Patient ID, no pseudonym: the subject is there (1..1) with the reason nothing identifies it.
        if (p.Pseudonym is null) return new ResourceReference { Type = "Patient", Extension = [Absent("unknown")] };
        return new ResourceReference($"Patient/{p.Pseudonym}")
        {
            Type = "Patient",
            Identifier = new Identifier(PseudonymSystem, p.Pseudonym),
            Display = Name(p.Name) is { } name ? string.Join(' ', name.Given.Append(name.Family).Where(x => !string.IsNullOrEmpty(x))) : null,
        };
    }

    private static HumanName? Name(string? dicomName)
    {
        if (string.IsNullOrWhiteSpace(dicomName)) return null;
        var group = PersonName.Parse(dicomName).Alphabetic;
        if (group.IsEmpty) return null;
        var name = new HumanName { Family = NullIfEmpty(group.FamilyName) };
        name.Given = new[] { group.GivenName, group.MiddleName }.Where(x => x.Length > 0).ToList();
        if (group.NamePrefix.Length > 0) name.Prefix = [group.NamePrefix];
        if (group.NameSuffix.Length > 0) name.Suffix = [group.NameSuffix];
        return name;
    }

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;

    /// <summary>Irradiation start: the first counted event's start (it carries its offset), else the study date alone (DICOM
    /// dates carry no time zone, and a FHIR time needs one).</summary>
    private static DataType Effective(StudyDoseSummary s) =>
        Started(s) ?? new FhirDateTime { Extension = [Absent("unknown")] };

    private static FhirDateTime? Started(StudyDoseSummary s)
    {
        var first = s.Events.Where(e => e.CountedInTotals).Select(e => e.Event.StartedAt ?? e.Event.AdministeredAt).OfType<DateTimeOffset>().DefaultIfEmpty().Min();
        if (first != default) return new FhirDateTime(first);
        return s.Study.StudyDate is { } d ? new FhirDateTime(d.Year, d.Month, d.Day) : null;
    }

    private static Extension Absent(string reason) => new(DataAbsentReason, new Code(reason));

    private static CodeableConcept Concept(Coding coding) => new() { Coding = [coding] };

    /// <summary>A DICOM SR code as FHIR: DCM, SNOMED CT (SCT) and LOINC (LN) have FHIR systems; other schemes keep only the meaning as text.</summary>
    private static CodeableConcept Concept(ConceptCode code)
    {
        var system = code.Scheme.Trim() switch { "DCM" => Dcm, "SCT" => Snomed, "LN" => Loinc, _ => null };
        var concept = new CodeableConcept { Text = code.Meaning?.Trim() };
        if (system is not null) concept.Coding.Add(system == Dcm ? DcmCoding(code.Value.Trim(), code.Meaning?.Trim() ?? code.Value) : new Coding(system, code.Value.Trim(), code.Meaning?.Trim()));
        return concept;
    }

    private static Quantity Quantity(double value, string ucum) => new()
    {
        // Shortest round-trip text, so 203.12 stays 203.12 and not 203.1199999999999.
        Value = decimal.Parse(value.ToString("G15", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture),
        Unit = ucum,
        System = Ucum,
        Code = ucum,
    };

    private static double Converted(double value, string from, string to) =>
        CanonicalUnits.Convert(value, from, to).Value ?? throw new InvalidOperationException($"{from} cannot be converted to {to}");

    private static string Summary(IEnumerable<Observation.ComponentComponent> components)
    {
        var parts = components.Select(c => (c.Code, Quantity: c.Value as Quantity)).Where(c => c.Quantity is not null).Select(c =>
        {
            var q = c.Quantity!;
            return $"{c.Code.Coding[0].Display} = {q.Value?.ToString(CultureInfo.InvariantCulture)} {q.Unit}";
        }).ToList();
        return parts.Count > 0 ? string.Join(", ", parts) : "No dose quantity reported";
    }

    private static string DeviceLabel(DeviceIdentity d) =>
        new[] { d.StationName, d.Model, d.Manufacturer }.FirstOrDefault(x => !string.IsNullOrWhiteSpace(x))?.Trim() ?? "Modality";

    /// <summary>CID 33 meanings of the modalities that irradiate.</summary>
    private static string ModalityMeaning(string modality) => modality.Trim().ToUpperInvariant() switch
    {
        "CT" => "Computed Tomography",
        "XA" => "X-Ray Angiography",
        "RF" => "Radio Fluoroscopy",
        "DX" => "Digital Radiography",
        "CR" => "Computed Radiography",
        "MG" => "Mammography",
        "NM" => "Nuclear Medicine",
        "PT" => "Positron emission tomography",
        "PX" => "Panoramic X-Ray",
        "IO" => "Intra-Oral Radiography",
        var other => other,
    };
}
