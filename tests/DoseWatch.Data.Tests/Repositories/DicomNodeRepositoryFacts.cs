using DoseWatch.Core.Backfill;
using DoseWatch.Data.Repositories;
using DoseWatch.Tests;

namespace DoseWatch.Data.Tests.Repositories;

/// <summary>Remote DICOM nodes (migration 0033) on both engines: added, listed, edited, refused when they clash, deleted.</summary>
public abstract class DicomNodeRepositoryFacts(ITestDatabases databases) : MigratedDatabaseFacts(databases)
{
    private DicomNodeRepository Nodes => new(Factory, TimeProvider.System);

    private static readonly DicomNode Pacs = new(0, "MAIN_PACS", "pacs.example", 104, Tls: true, "Main archive", SendsToUs: false,
        QueryRetrieve: true, Nightly: true, RetrieveMethod.Get, default);

    private static readonly DicomNode Ct = new(0, "CT_ROOM_1", "10.0.0.7", 0, Tls: false, "", SendsToUs: true,
        QueryRetrieve: false, Nightly: false, RetrieveMethod.Move, default);

    [Fact]
    public async Task Nodes_round_trip_in_ae_title_order()
    {
        var pacs = await Nodes.AddAsync(Pacs);
        var ct = await Nodes.AddAsync(Ct);
        Assert.NotNull(pacs);
        Assert.NotNull(ct);
        var list = await Nodes.ListAsync();
        Assert.Equal(["CT_ROOM_1", "MAIN_PACS"], list.Select(n => n.AeTitle));
        Assert.Equal(Pacs with { Id = pacs!.Value, UpdatedAt = default }, list[1] with { UpdatedAt = default });
        Assert.Equal(Ct with { Id = ct!.Value, UpdatedAt = default }, list[0] with { UpdatedAt = default });
        Assert.Equal(list[1], await Nodes.GetAsync(pacs.Value));
    }

    [Fact]
    public async Task The_same_ae_title_host_and_port_twice_is_refused_on_add_and_edit()
    {
        var first = (await Nodes.AddAsync(Pacs))!.Value;
        Assert.Null(await Nodes.AddAsync(Pacs with { Description = "again" }));
        // Same AE title elsewhere is another node.
        var second = (await Nodes.AddAsync(Pacs with { Host = "backup.example" }))!.Value;
        Assert.False(await Nodes.UpdateAsync(Pacs with { Id = second }));
        Assert.Equal("backup.example", (await Nodes.GetAsync(second))!.Host);

        Assert.True(await Nodes.UpdateAsync(Pacs with { Id = first, Port = 11112, Tls = false, RetrieveMethod = RetrieveMethod.Move, Description = "moved" }));
        var edited = (await Nodes.GetAsync(first))!;
        Assert.Equal((11112, false, RetrieveMethod.Move, "moved"), (edited.Port, edited.Tls, edited.RetrieveMethod, edited.Description));
        Assert.False(await Nodes.UpdateAsync(Pacs with { Id = 999_999, Host = "nowhere" }));
    }

    [Fact]
    public async Task A_deleted_node_is_gone()
    {
        var id = (await Nodes.AddAsync(Ct))!.Value;
        Assert.True(await Nodes.DeleteAsync(id));
        Assert.False(await Nodes.DeleteAsync(id));
        Assert.Null(await Nodes.GetAsync(id));
        Assert.Empty(await Nodes.ListAsync());
    }
}

public sealed class SqliteDicomNodeRepositoryFacts() : DicomNodeRepositoryFacts(new SqliteTestDatabases());

public sealed class PostgreSqlDicomNodeRepositoryFacts(PostgresServerFixture postgres)
    : DicomNodeRepositoryFacts(new PostgreSqlTestDatabases(postgres.Server)), IClassFixture<PostgresServerFixture>;
