using System.Data.Common;
using Dapper;
using DoseWatch.Core.Privacy;

namespace DoseWatch.Data.Repositories;

public sealed partial class DoseRecordRepository
{
    /// <summary>The stored identity of each of the given studies (missing studies are left out), still sealed.</summary>
    public async Task<IReadOnlyDictionary<string, StoredPatientIdentity>> PatientIdentitiesAsync(IReadOnlyCollection<string> studyInstanceUids, CancellationToken cancellationToken = default)
    {
        if (studyInstanceUids.Count == 0) return new Dictionary<string, StoredPatientIdentity>();
        var (inStudies, p) = InList(studyInstanceUids.Distinct().ToList());
        await using var connection = await _open(cancellationToken);
        var rows = await connection.QueryAsync<SealedRow>(new CommandDefinition($"""
            SELECT study_instance_uid AS StudyInstanceUid, patient_identity_sealed AS Sealed, patient_pseudonym AS Pseudonym
            FROM studies WHERE study_instance_uid IN {inStudies}
            """, p, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.StudyInstanceUid, r => new StoredPatientIdentity(r.Sealed, r.Pseudonym));
    }

    /// <summary>
    /// Seals what is not sealed under the current key: rows written before migration 0028 (plaintext name, ID, issuer,
    /// birth date: sealed, then the plaintext columns emptied) and, with <paramref name="alsoOlderKeys"/>, rows sealed
    /// with an older key of the ring (re-sealed with the current one). Batches of 500 rows, one transaction each, so a
    /// crash leaves every row either as it was or done. Returns how many rows changed.
    /// <para>On SQLite the rewritten pages are zeroed (secure_delete) and, when plaintext rows were sealed, the file is
    /// rebuilt (VACUUM) and the WAL emptied, so no old page or free block still holds a name; PostgreSQL rewrites the
    /// table (VACUUM FULL studies). Run at start-up after the migrations and by <c>dosewatch keys reencrypt</c>.</para>
    /// </summary>
    public async Task<int> SealStoredIdentitiesAsync(PatientIdentityCipher cipher, bool alsoOlderKeys, CancellationToken cancellationToken = default)
    {
        const int batch = 500;
        var changed = 0;
        var plaintextSealed = 0;
        var current = cipher.Keys.Current.IdHex;
        await using (var connection = await _open(cancellationToken))
        {
            var sqlite = connection is Microsoft.Data.Sqlite.SqliteConnection;
            if (sqlite) await connection.ExecuteAsync(new CommandDefinition("PRAGMA secure_delete = ON", cancellationToken: cancellationToken));
            string after = "";
            while (true)
            {
                var rows = (await connection.QueryAsync<PlaintextRow>(new CommandDefinition($"""
                    SELECT study_instance_uid AS StudyInstanceUid, patient_name AS Name, patient_id AS Id, issuer_of_patient_id AS IssuerOfId,
                        patient_birth_date AS BirthDate, patient_pseudonym AS Pseudonym, patient_identity_sealed AS Sealed
                    FROM studies
                    WHERE study_instance_uid > @after AND (patient_name IS NOT NULL OR patient_id IS NOT NULL OR issuer_of_patient_id IS NOT NULL
                        OR patient_birth_date IS NOT NULL{(alsoOlderKeys ? " OR patient_identity_sealed IS NOT NULL" : "")})
                    ORDER BY study_instance_uid LIMIT {batch}
                    """, new { after }, cancellationToken: cancellationToken))).ToList();
                if (rows.Count == 0) break;
                after = rows[^1].StudyInstanceUid;
                await using var tx = await connection.BeginTransactionAsync(cancellationToken);
                foreach (var row in rows)
                {
                    var hasPlaintext = row.Name is not null || row.Id is not null || row.IssuerOfId is not null || row.BirthDate is not null;
                    if (!hasPlaintext && PatientIdentityCipher.KeyIdOf(row.Sealed) == current) continue;
                    // A row sealed already keeps its sealed identity (the first object's, as the upsert keeps it).
                    var identity = row.Sealed is not null
                        ? cipher.Open(row.StudyInstanceUid, new StoredPatientIdentity(row.Sealed, row.Pseudonym))
                        : new PatientIdentity(row.Name, row.Id, row.IssuerOfId, row.BirthDate, row.Pseudonym);
                    var sealedNow = cipher.Seal(row.StudyInstanceUid, identity).SealedIdentifiers;
                    await connection.ExecuteAsync(new CommandDefinition("""
                        UPDATE studies SET patient_identity_sealed = @sealedNow,
                            patient_name = NULL, patient_id = NULL, issuer_of_patient_id = NULL, patient_birth_date = NULL
                        WHERE study_instance_uid = @uid
                        """, new { sealedNow, uid = row.StudyInstanceUid }, tx, cancellationToken: cancellationToken));
                    changed++;
                    if (hasPlaintext) plaintextSealed++;
                }
                await tx.CommitAsync(cancellationToken);
            }
            if (plaintextSealed > 0) await ScrubAsync(connection, sqlite, cancellationToken);
        }
        return changed;
    }

    /// <summary>Old row versions and free pages can still hold the plaintext that was just sealed: rewrite them away.</summary>
    private static async Task ScrubAsync(DbConnection connection, bool sqlite, CancellationToken cancellationToken)
    {
        if (sqlite)
        {
            await connection.ExecuteAsync(new CommandDefinition("VACUUM", commandTimeout: 0, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition("PRAGMA wal_checkpoint(TRUNCATE)", commandTimeout: 0, cancellationToken: cancellationToken));
        }
        else
        {
            await connection.ExecuteAsync(new CommandDefinition("VACUUM FULL studies", commandTimeout: 0, cancellationToken: cancellationToken));
        }
    }

    private sealed class SealedRow
    {
        public string StudyInstanceUid { get; init; } = "";
        public byte[]? Sealed { get; init; }
        public string? Pseudonym { get; init; }
    }

    private sealed class PlaintextRow
    {
        public string StudyInstanceUid { get; init; } = "";
        public string? Name { get; init; }
        public string? Id { get; init; }
        public string? IssuerOfId { get; init; }
        public string? BirthDate { get; init; }
        public string? Pseudonym { get; init; }
        public byte[]? Sealed { get; init; }
    }
}
