using Dapper;
using DoseWatch.Core.Domain;
using DoseWatch.Core.Extraction;
using DoseWatch.Core.Privacy;
using DoseWatch.Data.Repositories;
using DoseWatch.Dicom;
using DoseWatch.Tests;

namespace DoseWatch.Data.Tests.DoseRecords;

public abstract class PatientIdentityStorageFacts(ITestDatabases databases) : MigratedDatabaseFacts(databases)
{
    private static ExtractionResult Extract(string sample) => DoseExtractor.Extract(DicomReader.ReadFile(SharedSamples.Path_(sample)));

    private async Task<dynamic> StudyRowAsync(string uid)
    {
        await using var connection = await Factory.OpenAsync();
        return await connection.QuerySingleAsync("""
            SELECT patient_name, patient_id, issuer_of_patient_id, patient_birth_date, patient_pseudonym FROM studies WHERE study_instance_uid = @uid
            """, new { uid });
    }

    [SamplesFact]
    public async Task Identified_mode_stores_identifiers_and_pseudonym_and_reads_them_back()
    {
        var result = Extract("openrem/CT-RDSR-Siemens-Multi-1.dcm");
        var identity = new PatientIdentity("Doe^Jane", "ID-7", "HOSP", "1961-02-03", "PSN-ABC");
        var repository = new DoseRecordRepository(Factory);

        await repository.SaveAsync(result, null, identity);
        var row = await StudyRowAsync(result.Study!.StudyInstanceUid);
        var read = await repository.PatientIdentitiesAsync([result.Study.StudyInstanceUid, "1.2.3.unknown"]);

        Assert.Equal(("Doe^Jane", "ID-7", "HOSP", "1961-02-03", "PSN-ABC"),
            ((string)row.patient_name, (string)row.patient_id, (string)row.issuer_of_patient_id, (string)row.patient_birth_date, (string)row.patient_pseudonym));
        Assert.Equal(identity, Assert.Single(read).Value);
    }

    [SamplesFact]
    public async Task Pseudonymous_mode_leaves_every_direct_identifier_null()
    {
        var result = Extract("openrem/CT-RDSR-Siemens-Multi-1.dcm");
        var identity = new PatientIdentity("Doe^Jane", "ID-7", "HOSP", "1961-02-03", "PSN-ABC").PseudonymOnly();

        await new DoseRecordRepository(Factory).SaveAsync(result, null, identity);
        var row = await StudyRowAsync(result.Study!.StudyInstanceUid);

        Assert.Null((string?)row.patient_name);
        Assert.Null((string?)row.patient_id);
        Assert.Null((string?)row.issuer_of_patient_id);
        Assert.Null((string?)row.patient_birth_date);
        Assert.Equal("PSN-ABC", (string)row.patient_pseudonym);
    }
}

public sealed class SqlitePatientIdentityStorageFacts() : PatientIdentityStorageFacts(new SqliteTestDatabases());

public sealed class PostgreSqlPatientIdentityStorageFacts(PostgresServerFixture postgres)
    : PatientIdentityStorageFacts(new PostgreSqlTestDatabases(postgres.Server)), IClassFixture<PostgresServerFixture>;
