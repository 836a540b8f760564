using DoseWatch.Data.Repositories;
using DoseWatch.Tests;

namespace DoseWatch.Data.Tests.Repositories;

/// <summary>The DICOM association log (migration 0002) on both engines: every field round-trips, newest first, one row per association.</summary>
public abstract class AssociationRepositoryFacts(ITestDatabases databases) : MigratedDatabaseFacts(databases)
{
    private static DicomAssociation Association(DateTimeOffset start, string callingAe, string outcome, bool unknown) => new(
        Guid.NewGuid(), start, start.AddMilliseconds(1234.5), "10.0.0.7", 50123, callingAe, "DOSEWATCH", Tls: false, unknown,
        "1 1.2.840.10008.5.1.4.1.1.88.67 1.2.840.10008.1.2.1\n3 1.2.840.10008.1.1 1.2.840.10008.1.2", 3, 1, 0, 5_000_000_000L, outcome, "");

    [Fact]
    public async Task Associations_round_trip_newest_first_and_are_recorded_once()
    {
        var repository = new AssociationRepository(Factory);
        var t0 = new DateTimeOffset(2026, 3, 1, 7, 30, 0, TimeSpan.Zero);
        var older = Association(t0, "CT_ROOM_1", "Released", unknown: false);
        var newer = Association(t0.AddMinutes(5), "NEW_MG", "AbortedByPeer", unknown: true) with { Tls = true, Detail = "A-ABORT source 0" };
        await repository.InsertAsync(older);
        await repository.InsertAsync(newer);
        await repository.InsertAsync(newer);  // a retry of the same record is not a second association

        var rows = await repository.ListRecentAsync(10);
        Assert.Equal([newer.AssociationUid, older.AssociationUid], rows.Select(r => r.AssociationUid));
        Assert.Equal(newer, rows[0]);
        Assert.Equal(older, rows[1]);
        Assert.Equal(TimeSpan.FromMilliseconds(1234.5), rows[1].Duration);
        Assert.Single(await repository.ListRecentAsync(1));
    }
}

public sealed class SqliteAssociationRepositoryFacts() : AssociationRepositoryFacts(new SqliteTestDatabases());

public sealed class PostgreSqlAssociationRepositoryFacts(PostgresServerFixture postgres)
    : AssociationRepositoryFacts(new PostgreSqlTestDatabases(postgres.Server)), IClassFixture<PostgresServerFixture>;
