using System.Globalization;
using Dapper;

namespace DoseWatch.Data.Repositories;

/// <summary>The alert inbox at scale: filtered pages, counts per type under the same filters, and bulk acknowledgement.</summary>
public sealed partial class AlertRepository
{
    /// <summary>
    /// One page of the alerts matching <paramref name="query"/>, newest first, with the total and the page's studies
    /// (date, accession, device) read in one more query by UID rather than a join, so the count and page queries stay on
    /// the alerts indexes.
    /// </summary>
    public async Task<AlertPage> ListAsync(AlertQuery query, CancellationToken cancellationToken = default)
    {
        var (filter, p) = Filter(query, withType: true);
        var page = Math.Max(1, query.Page);
        var size = Math.Clamp(query.PageSize, 1, 500);
        p.Add("limit", size);
        p.Add("offset", (long)(page - 1) * size);
        await using var connection = await connections.OpenAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT COUNT(*) FROM alerts {filter}", p, cancellationToken: cancellationToken));
        var items = (await connection.QueryAsync<AlertRow>(new CommandDefinition(
            $"SELECT {AlertColumns} FROM alerts {filter} ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset", p, cancellationToken: cancellationToken)))
            .Select(a => a.ToAlert()).ToList();
        var studies = await StudiesAsync(connection, items.Select(a => a.StudyInstanceUid), cancellationToken);
        return new AlertPage(items, total, page, size) { Studies = studies };
    }

    /// <summary>Date, accession and device of each of the studies (absent: not stored).</summary>
    public async Task<IReadOnlyDictionary<string, AlertStudy>> StudiesAsync(IEnumerable<string> studyInstanceUids, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await StudiesAsync(connection, studyInstanceUids, cancellationToken);
    }

    private static async Task<Dictionary<string, AlertStudy>> StudiesAsync(System.Data.Common.DbConnection connection, IEnumerable<string> studyInstanceUids,
        CancellationToken cancellationToken)
    {
        var studies = new Dictionary<string, AlertStudy>(StringComparer.Ordinal);
        var uids = studyInstanceUids.Distinct(StringComparer.Ordinal).ToList();
        if (uids.Count > 0)
        {
            var sp = new DynamicParameters();
            var names = uids.Select((uid, i) => { sp.Add(FormattableString.Invariant($"u{i}"), uid); return FormattableString.Invariant($"@u{i}"); });
            var rows = await connection.QueryAsync<StudyRow>(new CommandDefinition($"""
                SELECT study_instance_uid AS StudyInstanceUid, study_date AS StudyDate, accession_number AS AccessionNumber, manufacturer AS Manufacturer,
                    model AS Model, station_name AS StationName, device_key AS DeviceKey,
                    (SELECT n.display_name FROM device_display_names n WHERE n.device_key = studies.device_key) AS DeviceDisplayName
                FROM studies WHERE study_instance_uid IN ({string.Join(", ", names)})
                """, sp, cancellationToken: cancellationToken));
            foreach (var r in rows)
                studies[r.StudyInstanceUid] = new AlertStudy(r.StudyInstanceUid,
                    DateOnly.TryParseExact(r.StudyDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null,
                    string.IsNullOrWhiteSpace(r.AccessionNumber) ? null : r.AccessionNumber, r.Manufacturer, r.Model, r.StationName, r.DeviceKey, r.DeviceDisplayName);
        }
        return studies;
    }

    /// <summary>
    /// How many alerts of each type match <paramref name="query"/> with its type filter left out (the inbox shows the
    /// counts of the other types next to the one chosen). Types without an alert are absent.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, long>> CountByTypeAsync(AlertQuery query, CancellationToken cancellationToken = default)
    {
        var (filter, p) = Filter(query, withType: false);
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<TypeCountRow>(new CommandDefinition(
            $"SELECT type AS Type, COUNT(*) AS Alerts FROM alerts {filter} GROUP BY type", p, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Type, r => r.Alerts, StringComparer.Ordinal);
    }

    /// <summary>
    /// Acknowledges those of <paramref name="ids"/> that are new, in one transaction, each with its "acknowledged"
    /// history row; returns the ids it moved (alerts already acknowledged or resolved, and unknown ids, are left alone).
    /// </summary>
    public async Task<IReadOnlyList<long>> AcknowledgeManyAsync(IReadOnlyCollection<long> ids, string actor, string? comment, CancellationToken cancellationToken = default)
    {
        if (ids.Count == 0) return [];
        var now = _clock.GetUtcNow();
        var moved = new List<long>();
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var chunk in ids.Distinct().Chunk(500))
        {
            var p = new DynamicParameters(new { to = AlertStatuses.Acknowledged, from = AlertStatuses.New, now, comment });
            var names = chunk.Select((id, i) => { p.Add(FormattableString.Invariant($"i{i}"), id); return FormattableString.Invariant($"@i{i}"); });
            // The status condition makes a concurrent single acknowledgement and this one move each alert once.
            moved.AddRange(await connection.QueryAsync<long>(new CommandDefinition($"""
                UPDATE alerts SET status = @to, acknowledged_at = @now, updated_at = @now, comment = COALESCE(@comment, comment)
                WHERE id IN ({string.Join(", ", names)}) AND status = @from
                RETURNING id
                """, p, tx, cancellationToken: cancellationToken)));
        }
        foreach (var id in moved)
            await AddLifecycleAsync(connection, tx, id, now, actor, AlertStatuses.Acknowledged, AlertStatuses.Acknowledged, comment, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return moved.Order().ToList();
    }

    private static (string Where, DynamicParameters Parameters) Filter(AlertQuery query, bool withType)
    {
        var where = new List<string>();
        var p = new DynamicParameters();
        if (query.Status is { } status) { where.Add("status = @status"); p.Add("status", status); }
        if (withType && query.Type is { } type) { where.Add("type = @type"); p.Add("type", type); }
        if (query.From is { } from) { where.Add("created_at >= @from"); p.Add("from", from); }
        if (query.Before is { } before) { where.Add("created_at < @before"); p.Add("before", before); }
        if (query.StudyInstanceUid is { } study) { where.Add("study_instance_uid = @study"); p.Add("study", study); }
        if (query.Assignee is { } assignee) { where.Add("assignee = @assignee"); p.Add("assignee", assignee); }
        if (query.Modality is { } modality) { where.Add("modality = @modality"); p.Add("modality", modality); }
        if (query.DeviceKey is { } device) { where.Add("device_key = @device"); p.Add("device", device); }
        return (where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where), p);
    }

    private sealed class StudyRow
    {
        public string StudyInstanceUid { get; init; } = "";
        public string? StudyDate { get; init; }
        public string? AccessionNumber { get; init; }
        public string? Manufacturer { get; init; }
        public string? Model { get; init; }
        public string? StationName { get; init; }
        public string DeviceKey { get; init; } = "";
        public string? DeviceDisplayName { get; init; }
    }

    private sealed class TypeCountRow
    {
        public string Type { get; init; } = "";
        public long Alerts { get; init; }
    }
}
