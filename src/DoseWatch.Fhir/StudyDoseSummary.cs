using DoseWatch.Core.Analysis;
using DoseWatch.Core.Domain;
using DoseWatch.Core.Privacy;

namespace DoseWatch.Fhir;

/// <summary>A dose report a study was extracted from: its SOP Instance UID becomes the Observation's identifier.</summary>
/// <param name="CallingAeTitle">The AE title that sent it (the ModalityDevice's aeTitle identifier), when received over the network.</param>
public sealed record DoseReportSource(string SopInstanceUid, string? Modality, string? CallingAeTitle);

/// <summary>
/// Everything the FHIR mapping reads of one study, as DoseWatch stores it: the study, its totals (the device's own
/// accumulated values first, <see cref="StudyTotalsRule"/>), its events, the dose reports it came from, its modalities
/// (a PET/CT is CT and PT) and the patient as the caller may see them (only the pseudonym in pseudonymous mode or for
/// roles that do not see identity: <c>PatientIdentityDisclosure</c> decides before this is built).
/// </summary>
public sealed record StudyDoseSummary(
    Study Study,
    long? DeviceId,
    StudyTotals Totals,
    IReadOnlyList<StoredEvent> Events,
    IReadOnlyList<DoseReportSource> DoseReports,
    IReadOnlyList<string> Modalities,
    PatientIdentity Patient);
