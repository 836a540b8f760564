using DoseWatch.Data.Repositories;
using DoseWatch.Tests;

namespace DoseWatch.Data.Tests.Repositories;

public abstract class DeviceRepositoryFacts(ITestDatabases databases) : MigratedDatabaseFacts(databases)
{
    [Fact]
    public async Task The_same_identity_is_one_device_whose_last_seen_only_moves_forward()
    {
        var devices = new DeviceRepository(Factory);
        var t0 = new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);

        var first = await devices.RecordSeenAsync("CT1", "CTROOM1", "GE", "Revolution", "123", t0);
        var again = await devices.RecordSeenAsync("CT1", "CTROOM1", "GE", "Revolution", "123", t0.AddHours(2));
        var late = await devices.RecordSeenAsync("CT1", "CTROOM1", "GE", "Revolution", "123", t0.AddHours(1));
        var other = await devices.RecordSeenAsync("CT1", "CTROOM1", "GE", "Revolution", "456", t0);
        var list = await devices.ListAsync();

        Assert.Equal(first, again);
        Assert.Equal(first, late);
        Assert.NotEqual(first, other);
        Assert.Equal(2, list.Count);
        var ct = Assert.Single(list, d => d.Id == first);
        Assert.Equal((t0, t0.AddHours(2)), (ct.FirstSeen, ct.LastSeen));
        Assert.Equal(("CT1", "CTROOM1", "GE", "Revolution", "123"), (ct.AeTitle, ct.StationName, ct.Manufacturer, ct.Model, ct.Serial));
        Assert.Equal(first, list[0].Id); // most recently seen first
    }

    [Fact]
    public async Task Sightings_within_a_minute_of_the_last_one_written_are_not_written_again()
    {
        var devices = new DeviceRepository(Factory);
        var t0 = new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);
        var id = await devices.RecordSeenAsync("CT1", "CTROOM1", "GE", "Revolution", "123", t0);
        Assert.Equal(id, await devices.RecordSeenAsync("CT1", "CTROOM1", "GE", "Revolution", "123", t0.AddSeconds(59)));
        Assert.Equal(t0, Assert.Single(await devices.ListAsync()).LastSeen);
        Assert.Equal(id, await devices.RecordSeenAsync("CT1", "CTROOM1", "GE", "Revolution", "123", t0.AddMinutes(1)));
        Assert.Equal(t0.AddMinutes(1), Assert.Single(await devices.ListAsync()).LastSeen);
        // Another process (another node, or this one restarted) writing meanwhile is not undone: last_seen only moves forward.
        var restarted = new DeviceRepository(Factory);
        Assert.Equal(id, await restarted.RecordSeenAsync("CT1", "CTROOM1", "GE", "Revolution", "123", t0.AddMinutes(5)));
        Assert.Equal(id, await devices.RecordSeenAsync("CT1", "CTROOM1", "GE", "Revolution", "123", t0.AddMinutes(2)));
        Assert.Equal(t0.AddMinutes(5), Assert.Single(await devices.ListAsync()).LastSeen);
    }
}

public sealed class SqliteDeviceRepositoryFacts() : DeviceRepositoryFacts(new SqliteTestDatabases());

public sealed class PostgreSqlDeviceRepositoryFacts(PostgresServerFixture postgres)
    : DeviceRepositoryFacts(new PostgreSqlTestDatabases(postgres.Server)), IClassFixture<PostgresServerFixture>;
