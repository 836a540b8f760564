using DoseWatch.Data.Repositories;
using DoseWatch.Tests;

namespace DoseWatch.Data.Tests.Repositories;

public abstract class OverviewRepositoryFacts(ITestDatabases databases) : MigratedDatabaseFacts(databases)
{
    [Fact]
    public async Task Counts_devices_and_the_inbox_by_status_on_a_migrated_database()
    {
        var t0 = new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
        await new DeviceRepository(Factory).RecordSeenAsync("CT1", "", "", "", "", t0);
        var inbox = new InstanceRepository(Factory);
        var ids = new List<long>();
        for (var i = 0; i < 4; i++)
            ids.Add(await inbox.AddOrReplaceAsync(new NewInstance("1.2", $"1.2.3.{i}", "", "CT1", "", 1, $"/x/{i}.dcm", t0)));
        await inbox.SetStatusAsync(ids[0], InstanceStatus.Failed, "disk", t0);
        await inbox.SetStatusAsync(ids[1], InstanceStatus.Quarantined, "bad", t0);
        await inbox.SetStatusAsync(ids[2], InstanceStatus.Extracted, null, t0);

        var counts = await new OverviewRepository(Factory).CountAsync();

        Assert.Equal(new OverviewCounts(Studies: 0, IrradiationEvents: 0, Devices: 1, PendingInstances: 1, FailedInstances: 1, QuarantinedInstances: 1), counts);
    }
}

public sealed class SqliteOverviewRepositoryFacts() : OverviewRepositoryFacts(new SqliteTestDatabases());

public sealed class PostgreSqlOverviewRepositoryFacts(PostgresServerFixture postgres)
    : OverviewRepositoryFacts(new PostgreSqlTestDatabases(postgres.Server)), IClassFixture<PostgresServerFixture>;
