using System.Globalization;
using Dapper;

namespace DoseWatch.Data.Repositories;

/// <summary>One study of a modality's list: its date, description, the protocols of its events and its dose totals.</summary>
public sealed record RecentStudy(string StudyInstanceUid, string? StudyDate, string? StudyDescription, string? Protocols, long Events,
    double? MaximumCtdiVolMGy, double? TotalDlpMGyCm, double? TotalDapGyCm2, double? TotalDoseRpGy);

/// <summary>The newest studies of a modality, for the tables that the dashboards mark with open alerts.</summary>
public sealed class RecentStudyRepository(IDbConnectionFactory connections)
{
    /// <summary>
    /// Up to <paramref name="maximum"/> studies of <paramref name="modality"/> dated on or before <paramref name="to"/>,
    /// newest first. Totals are plain sums over the stored events (NULL when no event reports the quantity). The newest
    /// studies are chosen first (an index range) and only their events summed: summing every study of the modality and
    /// then keeping 50 took 4 s at a million events and held back the CT page.
    /// </summary>
    public async Task<IReadOnlyList<RecentStudy>> RecentAsync(string modality, DateOnly to, int maximum = 50, CancellationToken cancellationToken = default) =>
        await RecentAsync(modality, to, null, maximum, cancellationToken);

    /// <summary>As above, of one device only when <paramref name="deviceKey"/> is given (the dashboards' device filter).</summary>
    public async Task<IReadOnlyList<RecentStudy>> RecentAsync(string modality, DateOnly to, string? deviceKey, int maximum = 50, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition($"""
            WITH newest AS (
                SELECT study_instance_uid, study_date, study_time, study_description FROM studies
                -- The CASE keeps undated studies (as "IS NULL OR <=" would) without making the planner merge two index
                -- ranges and sort every study of the modality: it walks (modality, study_date, …) backwards and stops.
                WHERE modality = @modality AND CASE WHEN study_date > @to THEN 0 ELSE 1 END = 1{(deviceKey is null ? "" : " AND device_key = @device")}
                ORDER BY study_date DESC, study_time DESC, study_instance_uid LIMIT @maximum
            )
            SELECT s.study_instance_uid AS StudyInstanceUid, s.study_date AS StudyDate, s.study_description AS StudyDescription,
                MIN(e.protocol) AS FirstProtocol, MAX(e.protocol) AS LastProtocol, COUNT(e.event_uid) AS Events,
                MAX(e.ctdivol_mgy) AS MaximumCtdiVolMGy, SUM(e.dlp_mgy_cm) AS TotalDlpMGyCm, SUM(e.dap_gy_cm2) AS TotalDapGyCm2, SUM(e.dose_rp_gy) AS TotalDoseRpGy
            FROM newest s LEFT JOIN irradiation_events e ON e.study_instance_uid = s.study_instance_uid
            GROUP BY s.study_instance_uid, s.study_date, s.study_time, s.study_description
            ORDER BY s.study_date DESC, s.study_time DESC, s.study_instance_uid
            """, new { modality, to = to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), device = deviceKey, maximum = Math.Clamp(maximum, 1, 1000) },
            cancellationToken: cancellationToken));
        return rows.Select(r => new RecentStudy(r.StudyInstanceUid, r.StudyDate, r.StudyDescription,
            r.FirstProtocol == r.LastProtocol ? r.FirstProtocol : $"{r.FirstProtocol} … {r.LastProtocol}", r.Events,
            r.MaximumCtdiVolMGy, r.TotalDlpMGyCm, r.TotalDapGyCm2, r.TotalDoseRpGy)).ToList();
    }

    // Internal: the tests read the former query's rows into it, to compare like with like.
    internal sealed class Row
    {
        public string StudyInstanceUid { get; init; } = "";
        public string? StudyDate { get; init; }
        public string? StudyDescription { get; init; }
        public string? FirstProtocol { get; init; }
        public string? LastProtocol { get; init; }
        public long Events { get; init; }
        public double? MaximumCtdiVolMGy { get; init; }
        public double? TotalDlpMGyCm { get; init; }
        public double? TotalDapGyCm2 { get; init; }
        public double? TotalDoseRpGy { get; init; }
    }
}
