using DoseWatch.Core.Analysis;
using DoseWatch.Core.Extraction;
using DoseWatch.Core.Privacy;
using DoseWatch.Dicom;
using DoseWatch.Tests;

namespace DoseWatch.Fhir.Tests;

/// <summary>A real sample as the FHIR mapping sees it: extracted by Core, totals by <see cref="StudyTotalsRule"/>, the
/// patient read under the given privacy mode with a fixed test pseudonym key.</summary>
public static class StudySamples
{
    public static readonly byte[] PseudonymKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    public static StudyDoseSummary Load(string sample, PrivacyMode mode = PrivacyMode.Identified, long? deviceId = 7)
    {
        var file = DicomReader.ReadFile(SharedSamples.Path_(sample));
        var r = DoseExtractor.Extract(file);
        var events = StudyTotalsRule.MarkCounted(r.Events.Select(e => (e, r.Instance.SopInstanceUid)).ToList());
        var totals = StudyTotalsRule.Compute(events,
            [new ReportedTotals(r.Instance.SopInstanceUid, r.Events.Select(e => e.EventUid).ToHashSet(StringComparer.Ordinal), r.Accumulated)]);
        var patient = new PatientIdentification(new PatientPseudonym(PseudonymKey), mode).Read(file.DataSet);
        return new StudyDoseSummary(r.Study!, deviceId, totals, events,
            [new DoseReportSource(r.Instance.SopInstanceUid, r.Instance.Modality, "MODALITY1")],
            [r.Study!.Modality ?? r.Instance.Modality ?? ""], patient);
    }
}
