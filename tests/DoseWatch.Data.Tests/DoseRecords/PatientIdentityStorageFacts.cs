using System.Security.Cryptography;
using System.Text;
using Dapper;
using DoseWatch.Core.Domain;
using DoseWatch.Core.Extraction;
using DoseWatch.Core.Privacy;
using DoseWatch.Data.Repositories;
using DoseWatch.Dicom;
using DoseWatch.Tests;

namespace DoseWatch.Data.Tests.DoseRecords;

/// <summary>Patient identity in the database (issue #22): only sealed, bound to its study, plaintext rows of an older
/// DoseWatch sealed on upgrade (and gone from the SQLite file), and re-sealed under a rotated key.</summary>
public abstract class PatientIdentityStorageFacts(ITestDatabases databases) : MigratedDatabaseFacts(databases)
{
    private static ExtractionResult Extract(string sample) => DoseExtractor.Extract(DicomReader.ReadFile(SharedSamples.Path_(sample)));

    private static readonly byte[] FirstKey = RandomNumberGenerator.GetBytes(32);
    private static PatientIdentityCipher Cipher(params (int Number, byte[] Key)[] keys) =>
        new(new EncryptionKeyRing(keys.Select(k => EncryptionKey.From(k.Number, k.Key))));

    // Unusual values, so finding their bytes anywhere means they were stored in the clear.
    private static PatientIdentity Identity() => new($"Zebedee^Quorrin{Random.Shared.Next(1000, 9999)}", $"QX{Random.Shared.Next(100000, 999999)}", "HOSP-Q", "1961-02-03", "PSN-ABC");

    private async Task<dynamic> StudyRowAsync(string uid)
    {
        await using var connection = await Factory.OpenAsync();
        return await connection.QuerySingleAsync("""
            SELECT patient_name, patient_id, issuer_of_patient_id, patient_birth_date, patient_pseudonym, patient_identity_sealed FROM studies WHERE study_instance_uid = @uid
            """, new { uid });
    }

    [SamplesFact]
    public async Task Identified_mode_stores_the_identifiers_sealed_and_opens_them_for_their_study_only()
    {
        var result = Extract("openrem/CT-RDSR-Siemens-Multi-1.dcm");
        var uid = result.Study!.StudyInstanceUid;
        var identity = Identity();
        var cipher = Cipher((1, FirstKey));
        var repository = new DoseRecordRepository(Factory);

        await repository.SaveAsync(result, null, cipher.Seal(uid, identity));
        var row = await StudyRowAsync(uid);
        var read = await repository.PatientIdentitiesAsync([uid, "1.2.3.unknown"]);

        Assert.Null((string?)row.patient_name);
        Assert.Null((string?)row.patient_id);
        Assert.Null((string?)row.issuer_of_patient_id);
        Assert.Null((string?)row.patient_birth_date);
        Assert.Equal("PSN-ABC", (string)row.patient_pseudonym);
        var sealedBytes = (byte[])row.patient_identity_sealed;
        Assert.False(Contains(sealedBytes, identity.Id!));
        Assert.False(Contains(sealedBytes, "Quorrin"));
        var stored = Assert.Single(read).Value;
        Assert.Equal(identity, cipher.Open(uid, stored));
        // Copied onto another study's row, the sealed value does not open: identities cannot be swapped between studies.
        Assert.ThrowsAny<CryptographicException>(() => cipher.Open("1.2.3.another.study", stored));
        Assert.ThrowsAny<CryptographicException>(() => Cipher((2, RandomNumberGenerator.GetBytes(32))).Open(uid, stored));
    }

    [SamplesFact]
    public async Task Pseudonymous_mode_leaves_every_direct_identifier_null()
    {
        var result = Extract("openrem/CT-RDSR-Siemens-Multi-1.dcm");
        var uid = result.Study!.StudyInstanceUid;

        await new DoseRecordRepository(Factory).SaveAsync(result, null, Cipher((1, FirstKey)).Seal(uid, Identity().PseudonymOnly()));
        var row = await StudyRowAsync(uid);

        Assert.Null((string?)row.patient_name);
        Assert.Null((string?)row.patient_id);
        Assert.Null((byte[]?)row.patient_identity_sealed);
        Assert.Equal("PSN-ABC", (string)row.patient_pseudonym);
    }

    [SamplesFact]
    public async Task Plaintext_rows_of_an_older_version_are_sealed_on_upgrade_and_re_sealed_after_a_rotation()
    {
        var result = Extract("openrem/CT-RDSR-Siemens-Multi-1.dcm");
        var uid = result.Study!.StudyInstanceUid;
        var identity = Identity();
        var repository = new DoseRecordRepository(Factory);
        await repository.SaveAsync(result, null, new StoredPatientIdentity(null, identity.Pseudonym));
        await using (var connection = await Factory.OpenAsync())
            await connection.ExecuteAsync("""
                UPDATE studies SET patient_name = @Name, patient_id = @Id, issuer_of_patient_id = @IssuerOfId, patient_birth_date = @BirthDate
                WHERE study_instance_uid = @uid
                """, new { identity.Name, identity.Id, identity.IssuerOfId, identity.BirthDate, uid });
        var before = await StudyRowAsync(uid);
        Assert.Equal(identity.Id, (string)before.patient_id); // what migration 0006-0027 left

        var cipher = Cipher((1, FirstKey));
        Assert.Equal(1, await repository.SealStoredIdentitiesAsync(cipher, alsoOlderKeys: false));
        Assert.Equal(0, await repository.SealStoredIdentitiesAsync(cipher, alsoOlderKeys: false));
        var row = await StudyRowAsync(uid);
        Assert.Null((string?)row.patient_name);
        Assert.Null((string?)row.patient_id);
        Assert.Null((string?)row.issuer_of_patient_id);
        Assert.Null((string?)row.patient_birth_date);
        Assert.Equal(identity, cipher.Open(uid, (await repository.PatientIdentitiesAsync([uid]))[uid]));
        if (Factory is SqliteConnectionFactory sqlite)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in Directory.GetFiles(Path.GetDirectoryName(sqlite.DatabasePath)!, Path.GetFileName(sqlite.DatabasePath) + "*"))
            {
                var bytes = await File.ReadAllBytesAsync(file);
                Assert.False(Contains(bytes, identity.Id!), $"{Path.GetFileName(file)} still holds the patient ID");
                Assert.False(Contains(bytes, "Quorrin"), $"{Path.GetFileName(file)} still holds the patient name");
            }
        }

        var rotated = Cipher((1, FirstKey), (2, RandomNumberGenerator.GetBytes(32)));
        Assert.Equal(0, await repository.SealStoredIdentitiesAsync(rotated, alsoOlderKeys: false)); // rotation alone rewrites nothing
        Assert.Equal(1, await repository.SealStoredIdentitiesAsync(rotated, alsoOlderKeys: true));
        var resealed = (await repository.PatientIdentitiesAsync([uid]))[uid];
        Assert.Equal(rotated.Keys.Current.IdHex, PatientIdentityCipher.KeyIdOf(resealed.SealedIdentifiers));
        Assert.Equal(identity, rotated.Open(uid, resealed));
    }

    private static bool Contains(byte[] haystack, string needle) => haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0;
}

public sealed class SqlitePatientIdentityStorageFacts() : PatientIdentityStorageFacts(new SqliteTestDatabases());

public sealed class PostgreSqlPatientIdentityStorageFacts(PostgresServerFixture postgres)
    : PatientIdentityStorageFacts(new PostgreSqlTestDatabases(postgres.Server)), IClassFixture<PostgresServerFixture>;
