// Firely's model types every element as nullable; presence is what the assertions below check.
#nullable disable warnings
using System.Globalization;
using DoseWatch.Core.Privacy;
using DoseWatch.Tests;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using static DoseWatch.Fhir.RadiationDoseSummaryCodes;

namespace DoseWatch.Fhir.Tests;

/// <summary>
/// Every resource produced for real RDSRs passes the Firely validator against base R4, and the Observation meets the
/// RadiationDoseSummary profile's constraints of RadiationDoseSummary.fsh, each checked by its own assertion (the IG's
/// package is not served here, so its StructureDefinitions cannot be handed to the validator). Dose values are compared
/// with pydicom's reading of the same file (independent/accumulated_totals.py), units converted here.
/// </summary>
public sealed class RadiationDoseSummaryProfileFacts
{
    public static TheoryData<string> Samples() => new(
        "openrem/CT-RDSR-Toshiba_DoseCheck.dcm",
        "openrem/CT-RDSR-Siemens_Flash-TAP-SS.dcm",
        "openrem/RF-RDSR-Siemens-Zee.dcm",
        "openrem/DX-RDSR-Canon_CXDI.dcm",
        "openrem/MG-RDSR-Hologic_2D.dcm",
        "openrem/NM-RRDSR-Siemens.dcm");

    private static readonly string[] ValueSetCodes =
        ["113813", "113725", "111637", "113722", "113726", "113727", "113730", "113731", "113507", "349358000", "89457008", "123005", "410675002"];

    /// <summary>The IG's UCUM unit per component code (its examples), and for the two DICOM concepts outside its value set.</summary>
    private static readonly Dictionary<string, string> UnitOf = new()
    {
        ["113813"] = "mGy.cm", ["113725"] = "mGy", ["111637"] = "mGy", ["113722"] = "mGy.cm2", ["113726"] = "mGy.cm2", ["113727"] = "mGy.cm2",
        ["113730"] = "s", ["113731"] = "{frames}", ["113507"] = "MBq", ["113830"] = "mGy", ["113839"] = "mSv",
    };

    [SamplesTheory]
    [MemberData(nameof(Samples))]
    public void Every_produced_resource_is_valid_R4(string sample)
    {
        var s = StudySamples.Load(sample);
        var resources = new Resource?[]
        {
            RadiationDoseSummaryMapping.Observation(s), RadiationDoseSummaryMapping.ImagingStudy(s), RadiationDoseSummaryMapping.Patient(s),
            RadiationDoseSummaryMapping.Device(s), RadiationDoseSummaryMapping.Report(s, DateTimeOffset.UnixEpoch),
        };
        foreach (var resource in resources.OfType<Resource>())
        {
            var errors = R4Validation.Errors(resource);
            Assert.True(errors.Count == 0, $"{resource.TypeName}: " + string.Join("\n", errors));
        }
    }

    [Fact]
    public void The_validator_finds_a_broken_resource()
    {
        // Without this the validity checks above could pass on a validator that accepts anything.
        var broken = new Observation { Code = new CodeableConcept(Loinc, RadiationDoseSummaryCode), Value = new Quantity { Value = 1, System = Ucum } };
        var errors = R4Validation.Errors(broken);
        Assert.Contains(errors, e => e.Contains("status", StringComparison.OrdinalIgnoreCase) || e.Contains("Observation.status", StringComparison.Ordinal));
    }

    [SamplesTheory]
    [MemberData(nameof(Samples))]
    public void The_observation_meets_the_RadiationDoseSummary_profile_rule_by_rule(string sample)
    {
        var s = StudySamples.Load(sample);
        var o = RadiationDoseSummaryMapping.Observation(s);
        var uid = s.Study.StudyInstanceUid;

        Assert.Equal([ObservationProfile], o.Meta.Profile);
        // * code = LOINC#73569-6
        var code = Assert.Single(o.Code.Coding);
        Assert.Equal((Loinc, "73569-6"), (code.System, code.Code));
        // * identifier contains radiationSRUID: type DCMIdType#sop-instance-uid, system urn:dicom:uid, value 1..1
        var id = Assert.Single(o.Identifier);
        Assert.Equal((DicomIdentifierType, "sop-instance-uid"), (id.Type.Coding[0].System, id.Type.Coding[0].Code));
        Assert.Equal("urn:dicom:uid", id.System);
        Assert.Equal("urn:oid:" + s.DoseReports[0].SopInstanceUid, id.Value);
        // * partOf contains imagingStudyRef 1..1, only Reference(ImagingStudy), identifier.type study-instance-uid 1..1, system, value 1..1
        var partOf = Assert.Single(o.PartOf);
        Assert.Equal($"ImagingStudy/{uid}", partOf.Reference);
        Assert.Equal((DicomIdentifierType, "study-instance-uid"), (partOf.Identifier.Type.Coding[0].System, partOf.Identifier.Type.Coding[0].Code));
        Assert.Equal(("urn:dicom:uid", "urn:oid:" + uid), (partOf.Identifier.System, partOf.Identifier.Value));
        // * basedOn contains serviceRequestRef 0..1: identifier.type HL7IdType#ACSN 1..1, value 1..1
        if (string.IsNullOrWhiteSpace(s.Study.AccessionNumber)) Assert.Empty(o.BasedOn);
        else
        {
            var basedOn = Assert.Single(o.BasedOn);
            Assert.Equal("ServiceRequest", basedOn.Type);
            Assert.Equal((V2IdentifierType, "ACSN"), (basedOn.Identifier.Type.Coding[0].System, basedOn.Identifier.Type.Coding[0].Code));
            Assert.Equal(s.Study.AccessionNumber!.Trim(), basedOn.Identifier.Value);
        }
        // * subject only Reference(Patient) 1..1
        Assert.StartsWith("Patient/PSN-", o.Subject.Reference);
        // * focus only Reference(ImagingStudy) 1..1
        Assert.Equal($"ImagingStudy/{uid}", Assert.Single(o.Focus).Reference);
        // * effective[x] only dateTime 1..1
        Assert.IsType<FhirDateTime>(o.Effective);
        // * value[x] 1..1 only string
        Assert.False(string.IsNullOrWhiteSpace(Assert.IsType<FhirString>(o.Value).Value));
        // * dataAbsentReason 0..0, specimen 0..0
        Assert.Null(o.DataAbsentReason);
        Assert.Null(o.Specimen);
        // * device 0..1 only Reference(ModalityDevice)
        Assert.Equal("Device/7", o.Device.Reference);
        // * performer 1..1 (Practitioner); absent with its reason, as dose reports do not name the authorizing person
        var performer = Assert.Single(o.Performer);
        Assert.Equal("Practitioner", performer.Type);
        Assert.Equal(DataAbsentReason, Assert.Single(performer.Extension).Url);
        // * component.code from ComponentRadiationDoseSummaryVS (extensible), each quantity in the IG's UCUM unit
        Assert.NotEmpty(o.Component);
        foreach (var c in o.Component)
        {
            var coding = Assert.Single(c.Code.Coding);
            Assert.True(ValueSetCodes.Contains(coding.Code) || coding.Code is "121058" or "113830" or "113839", $"component {coding.Code} {coding.Display}");
            Assert.Equal(coding.Code is "349358000" or "89457008" or "410675002" ? Snomed : Dcm, coding.System);
            if (c.Value is Quantity q)
            {
                Assert.Equal((Ucum, UnitOf[coding.Code], UnitOf[coding.Code]), (q.System, q.Code, q.Unit));
            }
        }
        // The procedure reported (ProcedureReportedTypeVS) comes first.
        Assert.Equal("121058", o.Component[0].Code.Coding[0].Code);
    }

    [SamplesTheory]
    [InlineData("openrem/CT-RDSR-Toshiba_DoseCheck.dcm", "77477000", "113813")]
    [InlineData("openrem/CT-RDSR-Siemens_Flash-TAP-SS.dcm", "77477000", "113813")]
    [InlineData("openrem/RF-RDSR-Siemens-Zee.dcm", "113704", "113722")]
    [InlineData("openrem/RF-RDSR-Siemens-Zee.dcm", "113704", "113725")]
    [InlineData("openrem/RF-RDSR-Siemens-Zee.dcm", "113704", "113730")]
    [InlineData("openrem/DX-RDSR-Canon_CXDI.dcm", "113704", "113722")]
    [InlineData("openrem/NM-RRDSR-Siemens.dcm", "113502", "113507")]
    public void Totals_equal_pydicoms_reading_of_the_same_file_in_the_IGs_units(string sample, string procedure, string totalCode)
    {
        var s = StudySamples.Load(sample);
        var o = RadiationDoseSummaryMapping.Observation(s);
        Assert.Equal(procedure, ((CodeableConcept)o.Component[0].Value).Coding[0].Code);

        var reading = IndependentPython.Run(new { file = SharedSamples.Path_(sample), codes = new[] { totalCode } },
            Path.Combine(AppContext.BaseDirectory, "independent", "accumulated_totals.py"))[totalCode]!.AsArray();
        Assert.NotEmpty(reading);
        // One dose report, one plane: the first occurrence is the accumulated total (113507 occurs once per administration).
        var expected = reading.Select(n => (Value: n!["value"]!.GetValue<double>(), Unit: n["unit"]!.GetValue<string>()))
            .Select(r => Core.Units.CanonicalUnits.Convert(r.Value, VendorUnit(r.Unit), UnitOf[totalCode]).Value!.Value).ToList();
        var actual = o.Component.Where(c => c.Code.Coding[0].Code == totalCode).Select(c => (double)((Quantity)c.Value).Value!.Value).ToList();
        Assert.NotEmpty(actual);
        if (totalCode == "113507") Assert.Equal(expected.Count, actual.Count);
        foreach (var (e, a) in expected.Take(actual.Count).Zip(actual))
            Assert.True(Math.Abs(e - a) <= 1e-9 * Math.Max(1, Math.Abs(e)), $"{totalCode}: pydicom {e.ToString(CultureInfo.InvariantCulture)}, FHIR {a.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary>Units as some vendors write them without the UCUM dot (Siemens: "Gym2", "mGycm"), spelled out here.</summary>
    private static string VendorUnit(string unit) => unit switch { "Gym2" => "Gy.m2", "mGycm" => "mGy.cm", _ => unit };

    [SamplesTheory]
    [MemberData(nameof(Samples))]
    public void Pseudonymous_mode_sends_no_direct_identifier(string sample)
    {
        var identified = StudySamples.Load(sample, PrivacyMode.Identified);
        var pseudonymous = StudySamples.Load(sample, PrivacyMode.Pseudonymous);
        var serializer = new FhirJsonSerializer();
        var json = string.Join("\n", new Resource?[]
        {
            RadiationDoseSummaryMapping.Observation(pseudonymous), RadiationDoseSummaryMapping.ImagingStudy(pseudonymous),
            RadiationDoseSummaryMapping.Patient(pseudonymous), RadiationDoseSummaryMapping.Report(pseudonymous, DateTimeOffset.UnixEpoch),
        }.OfType<Resource>().Select(r => serializer.SerializeToString(r)));

        Assert.Contains(pseudonymous.Patient.Pseudonym!, json);
        // What identified mode would have sent (read from the file) is nowhere in pseudonymous mode's resources.
        // The ID and birth date as whole JSON values (a sample's ID "123456" is also inside its accession "ACC12345601"),
        // the name's parts anywhere (a display joins them).
        var values = new[] { identified.Patient.Id, identified.Patient.BirthDate }.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => $"\"{v!.Trim()}\"").ToList();
        var nameParts = (identified.Patient.Name ?? "").Split('^', ' ', '=').Where(v => v.Length > 2).ToList();
        Assert.NotEmpty(values.Concat(nameParts));
        Assert.All(values.Concat(nameParts), v => Assert.DoesNotContain(v, json, StringComparison.OrdinalIgnoreCase));
        var patient = RadiationDoseSummaryMapping.Patient(pseudonymous)!;
        Assert.Equal(PseudonymSystem, Assert.Single(patient.Identifier).System);
        Assert.Empty(patient.Name);
        Assert.Null(patient.BirthDate);
    }

    [SamplesFact]
    public void Identified_mode_sends_the_patient_id_and_name_on_the_patient()
    {
        var s = StudySamples.Load("openrem/CT-RDSR-Toshiba_DoseCheck.dcm", PrivacyMode.Identified);
        var patient = RadiationDoseSummaryMapping.Patient(s)!;
        Assert.Contains(patient.Identifier, i => i.Value == s.Patient.Id!.Trim() && i.Type?.Coding[0].Code == "MR");
    }

    [SamplesFact]
    public void The_report_is_a_RadiationSummaryReport_whose_section_points_at_the_observation()
    {
        var s = StudySamples.Load("openrem/RF-RDSR-Siemens-Zee.dcm");
        var report = RadiationDoseSummaryMapping.Report(s, DateTimeOffset.UnixEpoch);
        Assert.Equal([CompositionProfile], report.Meta.Profile);
        Assert.Equal("73569-6", Assert.Single(report.Type.Coding).Code);
        var section = Assert.Single(report.Section);
        Assert.Equal("73569-6", section.Code.Coding[0].Code);
        Assert.Equal($"Observation/{s.Study.StudyInstanceUid}", Assert.Single(section.Entry).Reference);
        Assert.Equal(report.Subject.Reference, RadiationDoseSummaryMapping.Observation(s).Subject.Reference);
    }
}
