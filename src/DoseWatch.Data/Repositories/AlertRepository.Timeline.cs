using Dapper;

namespace DoseWatch.Data.Repositories;

/// <summary>Whose alerts a timeline shows: one standard protocol (all devices) or one device (all protocols).</summary>
public sealed record AlertScope(string? StandardProtocol = null, string? DeviceKey = null);

/// <summary>How many alerts of one type were raised in the week starting on <see cref="Monday"/> (UTC).</summary>
public sealed record AlertWeekCount(DateOnly Monday, string Type, int Count);

/// <summary>A protocol's or device's alerts over time: the newest <see cref="Recent"/> and every alert counted per week and type.</summary>
public sealed record AlertTimeline(IReadOnlyList<StoredAlert> Recent, long Total, IReadOnlyList<AlertWeekCount> Weeks);

public sealed partial class AlertRepository
{
    /// <summary>
    /// The alerts of a protocol or device, newest first (at most <paramref name="limit"/>), with weekly counts over all of
    /// them. Weeks are grouped here rather than in SQL because SQLite and PostgreSQL have no common week function.
    /// </summary>
    public async Task<AlertTimeline> TimelineAsync(AlertScope scope, int limit = 100, CancellationToken cancellationToken = default)
    {
        var where = new List<string>();
        var p = new DynamicParameters();
        if (scope.StandardProtocol is { } protocol) { where.Add("standard_protocol = @protocol"); p.Add("protocol", protocol); }
        if (scope.DeviceKey is { } device) { where.Add("device_key = @device"); p.Add("device", device); }
        if (where.Count == 0) throw new ArgumentException("A timeline needs a protocol or a device.", nameof(scope));
        var filter = "WHERE " + string.Join(" AND ", where);
        p.Add("limit", Math.Clamp(limit, 1, 500));
        await using var connection = await connections.OpenAsync(cancellationToken);
        var recent = await connection.QueryAsync<AlertRow>(new CommandDefinition(
            $"SELECT {AlertColumns} FROM alerts {filter} ORDER BY created_at DESC, id DESC LIMIT @limit", p, cancellationToken: cancellationToken));
        var stamps = (await connection.QueryAsync<StampRow>(new CommandDefinition(
            $"SELECT type AS Type, created_at AS CreatedAt FROM alerts {filter}", p, cancellationToken: cancellationToken))).ToList();
        var weeks = stamps
            .GroupBy(s => (Monday: MondayOf(s.CreatedAt), s.Type))
            .Select(g => new AlertWeekCount(g.Key.Monday, g.Key.Type, g.Count()))
            .OrderBy(w => w.Monday).ThenBy(w => w.Type, StringComparer.Ordinal).ToList();
        return new AlertTimeline(recent.Select(r => r.ToAlert()).ToList(), stamps.Count, weeks);
    }

    private sealed class StampRow
    {
        public string Type { get; init; } = "";
        public DateTimeOffset CreatedAt { get; init; }
    }

    private static DateOnly MondayOf(DateTimeOffset at)
    {
        var day = DateOnly.FromDateTime(at.UtcDateTime);
        return day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
    }
}
