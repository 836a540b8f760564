using System.Security.Claims;
using DoseWatch.Core.Domain;
using DoseWatch.Core.Privacy;
using DoseWatch.Data;
using DoseWatch.Data.Repositories;
using DoseWatch.Fhir;
using DoseWatch.Web.Privacy;

namespace DoseWatch.Web.Fhir;

/// <summary>
/// Composes the FHIR mapping's input from what Data stores: the study record (totals, events), its dose reports and
/// modalities, and the patient as <see cref="PatientIdentityDisclosure"/> lets the caller see them (audited there).
/// </summary>
public sealed class FhirStudies(IDbConnectionFactory connections, PatientIdentityDisclosure patients)
{
    /// <summary>SR storage SOP classes (RDSR, RRDSR, enhanced and comprehensive SR): the dose reports a summary is identified by.</summary>
    private const string SrStoragePrefix = "1.2.840.10008.5.1.4.1.1.88.";

    public async Task<IReadOnlyList<StudyDoseSummary>> LoadAsync(ClaimsPrincipal user, IReadOnlyList<string> studyInstanceUids, string where,
        CancellationToken cancellationToken)
    {
        if (studyInstanceUids.Count == 0) return [];
        var identities = await patients.ForStudiesAsync(user, studyInstanceUids, where, cancellationToken);
        var repository = new DoseRecordRepository(connections);
        var summaries = new List<StudyDoseSummary>();
        foreach (var uid in studyInstanceUids)
        {
            var record = await repository.GetStudyAsync(uid, cancellationToken);
            if (record is null) continue;
            var sources = await repository.SourceObjectsAsync(uid, cancellationToken);
            var reports = sources.Where(o => o.Kind == nameof(ExtractionKind.DoseObject) && o.SopClassUid.StartsWith(SrStoragePrefix, StringComparison.Ordinal))
                .Select(o => new DoseReportSource(o.SopInstanceUid, o.Modality, o.CallingAeTitle)).ToList();
            summaries.Add(new StudyDoseSummary(record.Study, record.DeviceId, record.Totals, record.Events, reports,
                StudyModalities.Of(record.Study, sources), identities.GetValueOrDefault(uid) ?? PatientIdentity.Unknown));
        }
        return summaries;
    }

    /// <summary>One page of studies matching <paramref name="query"/>, loaded for the mapping.</summary>
    public async Task<(IReadOnlyList<StudyDoseSummary> Items, long Total)> SearchAsync(ClaimsPrincipal user, StudyQuery query, string where,
        CancellationToken cancellationToken)
    {
        var page = await new DoseRecordRepository(connections).ListStudiesAsync(query, cancellationToken);
        var items = await LoadAsync(user, page.Items.Select(s => s.Study.StudyInstanceUid).ToList(), where, cancellationToken);
        return (items, page.Total);
    }
}
