using Dapper;
using DoseWatch.Core.Privacy;

namespace DoseWatch.Data.Repositories;

public sealed partial class DoseRecordRepository
{
    /// <summary>The stored identity of each of the given studies (missing studies are left out).</summary>
    public async Task<IReadOnlyDictionary<string, PatientIdentity>> PatientIdentitiesAsync(IReadOnlyCollection<string> studyInstanceUids, CancellationToken cancellationToken = default)
    {
        if (studyInstanceUids.Count == 0) return new Dictionary<string, PatientIdentity>();
        var (inStudies, p) = InList(studyInstanceUids.Distinct().ToList());
        await using var connection = await _open(cancellationToken);
        var rows = await connection.QueryAsync<PatientRow>(new CommandDefinition($"""
            SELECT study_instance_uid AS StudyInstanceUid, patient_name AS Name, patient_id AS Id, issuer_of_patient_id AS IssuerOfId,
                patient_birth_date AS BirthDate, patient_pseudonym AS Pseudonym
            FROM studies WHERE study_instance_uid IN {inStudies}
            """, p, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.StudyInstanceUid, r => new PatientIdentity(r.Name, r.Id, r.IssuerOfId, r.BirthDate, r.Pseudonym));
    }

    private sealed class PatientRow
    {
        public string StudyInstanceUid { get; init; } = "";
        public string? Name { get; init; }
        public string? Id { get; init; }
        public string? IssuerOfId { get; init; }
        public string? BirthDate { get; init; }
        public string? Pseudonym { get; init; }
    }
}
