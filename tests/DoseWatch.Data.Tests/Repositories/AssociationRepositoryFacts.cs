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

    [Fact]
    public async Task The_log_is_filtered_by_ae_title_peer_outcome_and_time_and_paged_newest_first()
    {
        var repository = new AssociationRepository(Factory);
        var t0 = new DateTimeOffset(2026, 3, 1, 7, 0, 0, TimeSpan.Zero);
        var ct = Enumerable.Range(0, 5).Select(i => Association(t0.AddHours(i), "CT_ROOM_1", "Released", false)).ToList();
        var mg = Association(t0.AddHours(10), "MG_1", "Rejected", true) with { PeerAddress = "192.168.4.20" };
        // A title with LIKE's wildcards in it: taken literally.
        var odd = Association(t0.AddDays(2), "X%_1", "AbortedByPeer", true);
        foreach (var a in ct.Append(mg).Append(odd)) await repository.InsertAsync(a);

        var (all, total) = await repository.SearchAsync(new AssociationFilter(), 0, 3);
        Assert.Equal(7, total);
        Assert.Equal([odd.AssociationUid, mg.AssociationUid, ct[4].AssociationUid], all.Select(a => a.AssociationUid));
        var (second, _) = await repository.SearchAsync(new AssociationFilter(), 3, 3);
        Assert.Equal([ct[3], ct[2], ct[1]], second);

        var (byAe, aeTotal) = await repository.SearchAsync(new AssociationFilter(AeTitle: "ct_room"), 0, 50);
        Assert.Equal(5, aeTotal);
        Assert.Equal(ct.AsEnumerable().Reverse(), byAe);
        // The called AE matches too.
        Assert.Equal(7, (await repository.SearchAsync(new AssociationFilter(AeTitle: "DOSEW"), 0, 50)).Total);
        Assert.Equal([odd], (await repository.SearchAsync(new AssociationFilter(AeTitle: "X%"), 0, 50)).Rows);
        Assert.Empty((await repository.SearchAsync(new AssociationFilter(AeTitle: "X_%"), 0, 50)).Rows);
        Assert.Equal([mg], (await repository.SearchAsync(new AssociationFilter(Peer: "192.168."), 0, 50)).Rows);
        Assert.Equal([mg], (await repository.SearchAsync(new AssociationFilter(Outcome: "Rejected"), 0, 50)).Rows);
        var (window, windowTotal) = await repository.SearchAsync(new AssociationFilter(From: t0.AddHours(1), Before: t0.AddHours(3)), 0, 50);
        Assert.Equal(2, windowTotal);
        Assert.Equal([ct[2], ct[1]], window);
        Assert.Equal(["AbortedByPeer", "Rejected", "Released"], await repository.OutcomesAsync());
    }
}

public sealed class SqliteAssociationRepositoryFacts() : AssociationRepositoryFacts(new SqliteTestDatabases());

public sealed class PostgreSqlAssociationRepositoryFacts(PostgresServerFixture postgres)
    : AssociationRepositoryFacts(new PostgreSqlTestDatabases(postgres.Server)), IClassFixture<PostgresServerFixture>;
