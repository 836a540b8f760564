using Hl7.Fhir.Model;
using static DoseWatch.Fhir.RadiationDoseSummaryCodes;

namespace DoseWatch.Fhir;

/// <summary>
/// One study pushed to another FHIR server the IG's way (its RDSP-Simulator TestScript submits a transaction Bundle of
/// the summary and its contextual resources): a transaction whose entries are conditional updates, so pushing the same
/// study again, or after another dose object, updates what the server holds instead of adding a copy.
/// <list type="bullet">
/// <item>Observation: <c>PUT Observation?identifier=urn:dicom:uid|urn:oid:A,urn:dicom:uid|urn:oid:B</c> (any of its dose
/// reports' SOP Instance UIDs: the one pushed before is among them after a later report); a study without an SR dose
/// report (dose from image headers) has no identifier and is matched by its study instead (<c>part-of:identifier</c>).</item>
/// <item>ImagingStudy: <c>PUT ImagingStudy?identifier=urn:dicom:uid|urn:oid:&lt;Study Instance UID&gt;</c>.</item>
/// <item>Patient (when the study has a pseudonym): <c>PUT Patient?identifier=urn:dosewatch:patient-pseudonym|&lt;pseudonym&gt;</c>;
/// it carries what <see cref="RadiationDoseSummaryMapping.Patient"/> makes of the identity it is given (only the pseudonym
/// in pseudonymous mode).</item>
/// </list>
/// The resources lose DoseWatch's ids (the server assigns its own; a conditional update with a different id is an
/// error) and reference each other by the entries' <c>urn:uuid:</c> full URLs, which the server resolves. The device is
/// named (display) rather than referenced: the ModalityDevice has no identifier a server could match on reliably (AE
/// title and serial number have no system).
/// </summary>
public static class RadiationDoseSummaryTransaction
{
    public static Bundle For(StudyDoseSummary s)
    {
        var studyUid = s.Study.StudyInstanceUid;
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };

        string? patientUrl = null;
        if (RadiationDoseSummaryMapping.Patient(s) is { } patient)
        {
            patientUrl = FullUrl();
            var pseudonym = s.Patient.Pseudonym!;
            bundle.Entry.Add(Entry(patient, patientUrl, $"Patient?identifier={Token(PseudonymSystem, pseudonym)}"));
        }

        var imagingStudy = RadiationDoseSummaryMapping.ImagingStudy(s);
        var imagingStudyUrl = FullUrl();
        Rebase(imagingStudy.Subject, patientUrl);
        bundle.Entry.Add(Entry(imagingStudy, imagingStudyUrl, $"ImagingStudy?identifier={Token(DicomUidSystem, RadiationDoseSummaryMapping.Oid(studyUid))}"));

        var observation = RadiationDoseSummaryMapping.Observation(s);
        Rebase(observation.Subject, patientUrl);
        foreach (var reference in observation.PartOf.Concat(observation.Focus)) Rebase(reference, imagingStudyUrl);
        if (observation.Device is { } device) device.Reference = null;
        bundle.Entry.Add(Entry(observation, FullUrl(), ObservationCondition(observation, studyUid)));
        return bundle;
    }

    /// <summary>The search that finds the study's Observation on the server (the conditional update's URL).</summary>
    public static string ObservationCondition(Observation observation, string studyInstanceUid)
    {
        var reports = observation.Identifier.Where(i => i.System == DicomUidSystem && !string.IsNullOrEmpty(i.Value)).Select(i => Token(DicomUidSystem, i.Value!)).ToList();
        return reports.Count > 0
            ? $"Observation?identifier={string.Join(',', reports)}"
            : $"Observation?part-of:identifier={Token(DicomUidSystem, RadiationDoseSummaryMapping.Oid(studyInstanceUid))}";
    }

    /// <summary>A token search value <c>system|value</c>, escaped for a URL (a comma would split it into alternatives).</summary>
    private static string Token(string system, string value) => Uri.EscapeDataString(system) + "%7C" + Uri.EscapeDataString(value);

    private static string FullUrl() => "urn:uuid:" + Guid.NewGuid().ToString("D");

    private static Bundle.EntryComponent Entry(Resource resource, string fullUrl, string condition)
    {
        resource.Id = null;
        return new Bundle.EntryComponent
        {
            FullUrl = fullUrl,
            Resource = resource,
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PUT, Url = condition },
        };
    }

    /// <summary>A literal reference to a resource of this transaction: its full URL, or none when it is not sent.</summary>
    private static void Rebase(ResourceReference? reference, string? fullUrl)
    {
        if (reference is null || reference.Reference is null) return;
        reference.Reference = fullUrl;
    }
}
