using System.Data.Common;
using System.Globalization;
using Dapper;
using DoseWatch.Core.Presentation;

namespace DoseWatch.Data.Repositories;

/// <summary>
/// What a device is called on every page (issue #21): the display name an administrator gave it (migration 0039),
/// else station · model · manufacturer of its latest study that sent them (<see cref="DisplayText.DeviceName"/>).
/// </summary>
public sealed class DeviceNameRepository(IDbConnectionFactory connections)
{
    /// <summary>Longer names would not fit a chart legend or a table cell.</summary>
    public const int MaximumLength = 80;

    /// <summary>Every display name by device key: a handful of rows, read whole by pages that label many studies.</summary>
    public async Task<IReadOnlyDictionary<string, string>> DisplayNamesAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Key, string Name)>(new CommandDefinition(
            "SELECT device_key, display_name FROM device_display_names", cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Key, r => r.Name, StringComparer.Ordinal);
    }

    /// <summary>True when a study names this device key (a name for a key nothing uses would be a typo).</summary>
    public async Task<bool> IsKnownAsync(string deviceKey, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT 1 FROM studies WHERE device_key = @deviceKey LIMIT 1", new { deviceKey }, cancellationToken: cancellationToken)) is not null;
    }

    /// <summary>Sets the display name, or with a blank name removes it (the device is named from its studies again).
    /// Returns the name before, null when it had none.</summary>
    public async Task<string?> SetAsync(string deviceKey, string? displayName, string actor, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var name = displayName?.Trim() ?? "";
        if (name.Length > MaximumLength) throw new ArgumentException($"A device name has at most {MaximumLength} characters.", nameof(displayName));
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var before = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT display_name FROM device_display_names WHERE device_key = @deviceKey", new { deviceKey }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(name.Length == 0
            ? "DELETE FROM device_display_names WHERE device_key = @deviceKey"
            : """
              INSERT INTO device_display_names (device_key, display_name, updated_by, updated_at) VALUES (@deviceKey, @name, @actor, @now)
              ON CONFLICT (device_key) DO UPDATE SET display_name = excluded.display_name, updated_by = excluded.updated_by, updated_at = excluded.updated_at
              """, new { deviceKey, name, actor, now }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return before;
    }

    /// <summary>Each device key as people know the device (the one labelling query of the dashboards).</summary>
    public Task<Dictionary<string, string>> LabelsAsync(IReadOnlyList<string> deviceKeys, CancellationToken cancellationToken = default) =>
        LabelsAsync(connections, deviceKeys, cancellationToken);

    public static async Task<Dictionary<string, string>> LabelsAsync(IDbConnectionFactory connections, IReadOnlyList<string> deviceKeys, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await LabelsAsync(connection, deviceKeys, cancellationToken);
    }

    /// <summary>
    /// Each device key as people know the device: its display name, else each of station, model and manufacturer as the
    /// device's latest study that has one sent it (a few steps back along ix_studies_device_date per device, where grouping
    /// all of a device's studies read hundreds of thousands of rows at 1M events). A key without studies or name reads "Unknown device".
    /// </summary>
    public static async Task<Dictionary<string, string>> LabelsAsync(DbConnection connection, IReadOnlyList<string> deviceKeys, CancellationToken cancellationToken)
    {
        var keys = deviceKeys.Distinct(StringComparer.Ordinal).ToList();
        if (keys.Count == 0) return new Dictionary<string, string>(StringComparer.Ordinal);
        var p = new DynamicParameters();
        string Latest(string column, string d) =>
            $"(SELECT {column} FROM studies WHERE device_key = @{d} AND {column} IS NOT NULL ORDER BY study_date DESC LIMIT 1)";
        var perDevice = keys.Select((key, i) =>
        {
            var d = "d" + i.ToString(CultureInfo.InvariantCulture);
            p.Add(d, key);
            return $"""
                SELECT @{d} AS DeviceKey, {Latest("station_name", d)} AS StationName, {Latest("manufacturer", d)} AS Manufacturer, {Latest("model", d)} AS Model,
                    (SELECT display_name FROM device_display_names WHERE device_key = @{d}) AS DisplayName
                """;
        });
        var rows = await connection.QueryAsync<LabelRow>(new CommandDefinition(string.Join(" UNION ALL ", perDevice), p, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.DeviceKey, r => DisplayText.DeviceName(r.StationName, r.Model, r.Manufacturer, r.DisplayName), StringComparer.Ordinal);
    }

    private sealed class LabelRow
    {
        public string DeviceKey { get; init; } = "";
        public string? StationName { get; init; }
        public string? Manufacturer { get; init; }
        public string? Model { get; init; }
        public string? DisplayName { get; init; }
    }
}
