using Dapper;

namespace DoseWatch.Data.Repositories;

/// <summary>A modality as it identifies itself in the instances it sends.</summary>
public sealed record Device(long Id, string AeTitle, string StationName, string Manufacturer, string Model, string Serial,
    DateTimeOffset FirstSeen, DateTimeOffset LastSeen);

public sealed class DeviceRepository(IDbConnectionFactory connections)
{
    /// <summary>
    /// A device's last sighting is written again only when it moved on by this much: the devices page shows it to the
    /// minute, and a write per received instance took the database's write lock once more per instance (issue #18).
    /// </summary>
    public static readonly TimeSpan LastSeenResolution = TimeSpan.FromMinutes(1);

    private readonly record struct Identity(string AeTitle, string StationName, string Manufacturer, string Model, string Serial);

    // The id and the last sighting written, per identity (the repository is one per database; devices are never deleted).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Identity, (long Id, DateTimeOffset Written)> _written = new();

    public async Task<IReadOnlyList<Device>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<DeviceRow>(new CommandDefinition("""
            SELECT id AS Id, ae_title AS AeTitle, station_name AS StationName, manufacturer AS Manufacturer, model AS Model,
                   serial AS Serial, first_seen AS FirstSeen, last_seen AS LastSeen
            FROM devices ORDER BY last_seen DESC, id
            """, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToDevice()).ToList();
    }

    /// <summary>Records that a device was heard from at <paramref name="seen"/> (to <see cref="LastSeenResolution"/>); returns its id.</summary>
    public async Task<long> RecordSeenAsync(string aeTitle, string stationName, string manufacturer, string model, string serial,
        DateTimeOffset seen, CancellationToken cancellationToken = default)
    {
        var identity = new Identity(aeTitle, stationName, manufacturer, model, serial);
        if (_written.TryGetValue(identity, out var known) && seen - known.Written < LastSeenResolution) return known.Id;
        await using var connection = await connections.OpenAsync(cancellationToken);
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            INSERT INTO devices (ae_title, station_name, manufacturer, model, serial, first_seen, last_seen)
            VALUES (@aeTitle, @stationName, @manufacturer, @model, @serial, @seen, @seen)
            ON CONFLICT (ae_title, station_name, manufacturer, model, serial)
            DO UPDATE SET last_seen = CASE WHEN excluded.last_seen > devices.last_seen THEN excluded.last_seen ELSE devices.last_seen END
            RETURNING id
            """, new { aeTitle, stationName, manufacturer, model, serial, seen }, cancellationToken: cancellationToken));
        _written.AddOrUpdate(identity, (id, seen), (_, before) => (id, seen > before.Written ? seen : before.Written));
        return id;
    }

    // Property-mapped: Dapper converts Int32/Int64 per engine for properties, not for record constructors.
    private sealed class DeviceRow
    {
        public long Id { get; init; }
        public string AeTitle { get; init; } = "";
        public string StationName { get; init; } = "";
        public string Manufacturer { get; init; } = "";
        public string Model { get; init; } = "";
        public string Serial { get; init; } = "";
        public DateTimeOffset FirstSeen { get; init; }
        public DateTimeOffset LastSeen { get; init; }

        public Device ToDevice() => new(Id, AeTitle, StationName, Manufacturer, Model, Serial, FirstSeen, LastSeen);
    }
}
