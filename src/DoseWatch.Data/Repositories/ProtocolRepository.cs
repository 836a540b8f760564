using System.Data.Common;
using System.Globalization;
using Dapper;
using DoseWatch.Core.Analysis;
using DoseWatch.Core.Domain;

namespace DoseWatch.Data.Repositories;

/// <summary>
/// Standard protocols, the mappings of raw names onto them (and the review queue of unmapped names), protocol
/// references, national DRL tables, and the device history the analysis judges a study against (migrations/0005).
/// </summary>
public sealed partial class ProtocolRepository(IDbConnectionFactory connections, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>Creates or replaces a standard protocol and the list of devices it is approved on.</summary>
    public async Task SaveStandardProtocolAsync(StandardProtocol protocol, string? description = null, CancellationToken cancellationToken = default)
    {
        var now = _clock.GetUtcNow();
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO standard_protocols (name, modality, description, created_at, updated_at) VALUES (@Name, @Modality, @description, @now, @now)
            ON CONFLICT (name) DO UPDATE SET modality = excluded.modality, description = excluded.description, updated_at = excluded.updated_at
            """, new { protocol.Name, protocol.Modality, description, now }, tx, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM standard_protocol_devices WHERE protocol_name = @Name", new { protocol.Name }, tx, cancellationToken: cancellationToken));
        foreach (var device in protocol.ApprovedDeviceKeys)
            await connection.ExecuteAsync(new CommandDefinition("INSERT INTO standard_protocol_devices (protocol_name, device_key) VALUES (@Name, @device)",
                new { protocol.Name, device }, tx, cancellationToken: cancellationToken));
        await tx.CommitAsync(cancellationToken);
    }

    /// <summary>Maps a raw name (as one device spells it, or for every device with <paramref name="deviceKey"/> "") to a standard protocol.</summary>
    public async Task MapAsync(string rawName, ProtocolNameSource source, string deviceKey, string standardProtocol, string mappedBy, CancellationToken cancellationToken = default)
    {
        var now = _clock.GetUtcNow();
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO protocol_mappings (raw_name, normalised_name, source, device_key, standard_protocol, occurrences, mapped_by, mapped_at)
            VALUES (@rawName, @normalised, @Source, @deviceKey, @standardProtocol, 0, @mappedBy, @now)
            ON CONFLICT (normalised_name, source, device_key) DO UPDATE SET
                standard_protocol = excluded.standard_protocol, mapped_by = excluded.mapped_by, mapped_at = excluded.mapped_at
            """, new { rawName, normalised = ProtocolNameSimilarity.Normalise(rawName), Source = source.ToString(), deviceKey, standardProtocol, mappedBy, now },
            cancellationToken: cancellationToken));
    }

    /// <summary>Counts a sighting of a raw name that mapped to nothing: it enters (or stays in) the review queue.</summary>
    public async Task RecordUnmappedAsync(string rawName, ProtocolNameSource source, string deviceKey, string? modality, DateTimeOffset seen, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO protocol_mappings (raw_name, normalised_name, source, device_key, modality, occurrences, first_seen, last_seen)
            VALUES (@rawName, @normalised, @Source, @deviceKey, @modality, 1, @seen, @seen)
            ON CONFLICT (normalised_name, source, device_key) DO UPDATE SET
                occurrences = protocol_mappings.occurrences + 1,
                modality = COALESCE(protocol_mappings.modality, excluded.modality),
                first_seen = CASE WHEN protocol_mappings.first_seen IS NULL OR excluded.first_seen < protocol_mappings.first_seen THEN excluded.first_seen ELSE protocol_mappings.first_seen END,
                last_seen = CASE WHEN protocol_mappings.last_seen IS NULL OR excluded.last_seen > protocol_mappings.last_seen THEN excluded.last_seen ELSE protocol_mappings.last_seen END
            """, new { rawName, normalised = ProtocolNameSimilarity.Normalise(rawName), Source = source.ToString(), deviceKey, modality, seen },
            cancellationToken: cancellationToken));
    }

    /// <summary>The standard protocols and every mapping that names one.</summary>
    public async Task<ProtocolCatalogue> LoadCatalogueAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var protocols = await connection.QueryAsync<(string Name, string? Modality)>(new CommandDefinition(
            "SELECT name, modality FROM standard_protocols ORDER BY name", cancellationToken: cancellationToken));
        var devices = (await connection.QueryAsync<(string Protocol, string Device)>(new CommandDefinition(
            "SELECT protocol_name, device_key FROM standard_protocol_devices", cancellationToken: cancellationToken))).ToLookup(d => d.Protocol, d => d.Device);
        var mappings = await connection.QueryAsync<(string Raw, string Source, string Device, string Standard)>(new CommandDefinition(
            "SELECT raw_name, source, device_key, standard_protocol FROM protocol_mappings WHERE standard_protocol IS NOT NULL", cancellationToken: cancellationToken));
        return new ProtocolCatalogue(
            protocols.Select(p => new StandardProtocol(p.Name, p.Modality, devices[p.Name].ToHashSet(StringComparer.Ordinal))),
            mappings.Select(m => new ProtocolMapping(m.Raw, Enum.Parse<ProtocolNameSource>(m.Source), m.Device, m.Standard)));
    }

    /// <summary>The review queue: unmapped names with suggestions, most frequent first.</summary>
    public async Task<IReadOnlyList<ProtocolReviewItem>> ReviewQueueAsync(CancellationToken cancellationToken = default)
    {
        var catalogue = await LoadCatalogueAsync(cancellationToken);
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<UnmappedRow>(new CommandDefinition("""
            SELECT raw_name AS RawName, source AS Source, device_key AS DeviceKey, modality AS Modality, first_seen AS FirstSeen, last_seen AS LastSeen, occurrences AS Occurrences
            FROM protocol_mappings WHERE standard_protocol IS NULL
            """, cancellationToken: cancellationToken));
        return ProtocolReviewQueue.Build(catalogue, rows.Select(r => new UnmappedProtocolName(r.RawName, Enum.Parse<ProtocolNameSource>(r.Source), r.DeviceKey, r.Modality,
            r.FirstSeen ?? DateTimeOffset.MinValue, r.LastSeen ?? DateTimeOffset.MinValue, (int)Math.Min(int.MaxValue, r.Occurrences))));
    }

    private sealed class UnmappedRow
    {
        public string RawName { get; init; } = "";
        public string Source { get; init; } = "";
        public string DeviceKey { get; init; } = "";
        public string? Modality { get; init; }
        public DateTimeOffset? FirstSeen { get; init; }
        public DateTimeOffset? LastSeen { get; init; }
        public long Occurrences { get; init; }
    }

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static async Task<List<IDictionary<string, object?>>> RowsAsync(DbConnection connection, string sql, object? parameters, CancellationToken ct) =>
        (await connection.QueryAsync(new CommandDefinition(sql, parameters, cancellationToken: ct)))
            .Select(row => (IDictionary<string, object?>)(IDictionary<string, object>)row).ToList();
}
