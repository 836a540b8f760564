using System.Data.Common;
using Dapper;

namespace DoseWatch.Data.Repositories;

/// <summary>
/// The per-protocol counts of migration 0014 (protocol_uses, protocol_use_studies) and the study's device on its events,
/// kept in the save's transaction so that the Protocols page and the modality pages' protocol ranking read a few
/// thousand summary rows instead of grouping a year of events.
/// </summary>
public sealed partial class DoseRecordRepository
{
    /// <summary>
    /// Each study's events per protocol, modality and device, for the studies <paramref name="filter"/> (SQL ending in
    /// AND, or empty) selects. The events' own modality and device (their dose object's, issue #16 item 8; copied by
    /// RefreshStudySummaryAsync): a PET/CT's CT protocols count on the CT page, its administrations on the NM/PET page.
    /// </summary>
    private static string CountStudiesSql(string filter) => $"""
        INSERT INTO protocol_use_studies (study_instance_uid, protocol, study_date, modality, device_key, events)
        SELECT s.study_instance_uid, COALESCE(e.protocol, @NoProtocol), s.study_date, COALESCE(e.modality, ''), COALESCE(e.device_key, ''), COUNT(*)
        FROM studies s JOIN irradiation_events e ON e.study_instance_uid = s.study_instance_uid
        WHERE {filter} s.study_date IS NOT NULL
        GROUP BY s.study_instance_uid, COALESCE(e.protocol, @NoProtocol), s.study_date, COALESCE(e.modality, ''), COALESCE(e.device_key, '')
        """;

    // The events' device_key is copied with their day and modality by RefreshStudySummaryAsync, which runs first.
    // The study's previous contribution is taken back before its current one is added, so a re-save (more events, a late
    // study date, another device) leaves exactly the counts of what is stored now.
    private static readonly string[] AddProtocolUsesSql =
    [
        "DELETE FROM protocol_use_studies WHERE study_instance_uid = @Study",
        CountStudiesSql("s.study_instance_uid = @Study AND"),
        """
        INSERT INTO protocol_uses (study_date, modality, protocol, device_key, events, studies)
        SELECT study_date, modality, protocol, device_key, events, 1 FROM protocol_use_studies WHERE study_instance_uid = @Study
        ON CONFLICT (study_date, modality, protocol, device_key) DO UPDATE SET
            events = protocol_uses.events + excluded.events, studies = protocol_uses.studies + excluded.studies
        """,
    ];

    // Taken back row by row on protocol_uses' primary key, in key order as PostgreSQL's row locks want (none for a new
    // study). One UPDATE … WHERE EXISTS over the two tables walked the whole of protocol_uses for every save, in the write
    // lock (issue #18: ~1 ms a save, growing with the table).
    private static Task RefreshProtocolUsesAsync(DbConnection connection, DbTransaction tx, string studyUid, CancellationToken ct) =>
        RefreshCountsAsync<ProtocolUseRow>(connection, tx, new { Study = studyUid, DashboardRepository.NoProtocol },
            """
            SELECT study_date AS StudyDate, modality AS Modality, protocol AS Protocol, device_key AS DeviceKey, events AS Events
            FROM protocol_use_studies WHERE study_instance_uid = @Study ORDER BY study_date, modality, protocol, device_key
            """,
            """
            UPDATE protocol_uses SET events = events - @Events, studies = studies - 1
            WHERE study_date = @StudyDate AND modality = @Modality AND protocol = @Protocol AND device_key = @DeviceKey
            """,
            """
            DELETE FROM protocol_uses
            WHERE study_date = @StudyDate AND modality = @Modality AND protocol = @Protocol AND device_key = @DeviceKey AND studies = 0
            """,
            AddProtocolUsesSql, ct);

    /// <summary>
    /// Takes a study's previous contribution out of a count table (each row <paramref name="previousSql"/> reads is
    /// taken back and its count row dropped if it is now empty, both on the table's key) and adds its current one.
    /// </summary>
    private static async Task RefreshCountsAsync<TRow>(DbConnection connection, DbTransaction tx, object study, string previousSql,
        string takeBackSql, string dropEmptySql, IEnumerable<string> addSql, CancellationToken ct)
    {
        foreach (var row in await connection.QueryAsync<TRow>(new CommandDefinition(previousSql, study, tx, cancellationToken: ct)))
        {
            await connection.ExecuteAsync(new CommandDefinition(takeBackSql, row, tx, cancellationToken: ct));
            await connection.ExecuteAsync(new CommandDefinition(dropEmptySql, row, tx, cancellationToken: ct));
        }
        foreach (var sql in addSql)
            await connection.ExecuteAsync(new CommandDefinition(sql, study, tx, cancellationToken: ct));
    }

    private sealed class ProtocolUseRow
    {
        public string StudyDate { get; init; } = "";
        public string Modality { get; init; } = "";
        public string Protocol { get; init; } = "";
        public string DeviceKey { get; init; } = "";
        public long Events { get; init; }
    }

    /// <summary>
    /// Recomputes protocol_uses, protocol_use_studies and the events' device from the stored studies and events: for
    /// rows written around <see cref="SaveAsync(DoseWatch.Core.Extraction.ExtractionResult, long?, CancellationToken)"/>,
    /// such as the bulk demo's INSERT … SELECT doubling. Same statements as migration 0014's fill.
    /// </summary>
    public async Task RebuildProtocolUsesAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _open(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        var p = new { DashboardRepository.NoProtocol };
        foreach (var sql in new[]
                 {
                     $"UPDATE irradiation_events SET modality = {EventModalitySql}, device_key = {EventDeviceKeySql}",
                     "DELETE FROM protocol_uses",
                     "DELETE FROM protocol_use_studies",
                     CountStudiesSql(""),
                     """
                     INSERT INTO protocol_uses (study_date, modality, protocol, device_key, events, studies)
                     SELECT study_date, modality, protocol, device_key, SUM(events), COUNT(*) FROM protocol_use_studies
                     GROUP BY study_date, modality, protocol, device_key
                     """,
                 })
            await connection.ExecuteAsync(new CommandDefinition(sql, p, tx, commandTimeout: 0, cancellationToken: cancellationToken));
        await tx.CommitAsync(cancellationToken);
    }
}
