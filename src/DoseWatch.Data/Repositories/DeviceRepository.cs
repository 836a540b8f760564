using Dapper;

namespace DoseWatch.Data.Repositories;

/// <summary>A modality as it identifies itself in the instances it sends.</summary>
public sealed record Device(long Id, string AeTitle, string StationName, string Manufacturer, string Model, string Serial,
    DateTimeOffset FirstSeen, DateTimeOffset LastSeen);

public sealed class DeviceRepository(IDbConnectionFactory connections)
{
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

    /// <summary>Records that a device was heard from at <paramref name="seen"/>; returns its id.</summary>
    public async Task<long> RecordSeenAsync(string aeTitle, string stationName, string manufacturer, string model, string serial,
        DateTimeOffset seen, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            INSERT INTO devices (ae_title, station_name, manufacturer, model, serial, first_seen, last_seen)
            VALUES (@aeTitle, @stationName, @manufacturer, @model, @serial, @seen, @seen)
            ON CONFLICT (ae_title, station_name, manufacturer, model, serial)
            DO UPDATE SET last_seen = CASE WHEN excluded.last_seen > devices.last_seen THEN excluded.last_seen ELSE devices.last_seen END
            RETURNING id
            """, new { aeTitle, stationName, manufacturer, model, serial, seen }, cancellationToken: cancellationToken));
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
