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
    // One statement per step; the study's previous contribution is taken back before its current one is added, so a
    // re-save (more events, a late study date, another device) leaves exactly the counts of what is stored now.
    private static readonly string[] RefreshProtocolUsesSql =
    [
        """
        UPDATE protocol_uses SET
            events = events - (SELECT c.events FROM protocol_use_studies c WHERE c.study_instance_uid = @Study AND c.protocol = protocol_uses.protocol
                AND c.study_date = protocol_uses.study_date AND c.modality = protocol_uses.modality AND c.device_key = protocol_uses.device_key),
            studies = studies - 1
        WHERE EXISTS (SELECT 1 FROM protocol_use_studies c WHERE c.study_instance_uid = @Study AND c.protocol = protocol_uses.protocol
            AND c.study_date = protocol_uses.study_date AND c.modality = protocol_uses.modality AND c.device_key = protocol_uses.device_key)
        """,
        """
        DELETE FROM protocol_uses WHERE studies = 0 AND EXISTS (SELECT 1 FROM protocol_use_studies c WHERE c.study_instance_uid = @Study
            AND c.protocol = protocol_uses.protocol AND c.study_date = protocol_uses.study_date AND c.modality = protocol_uses.modality
            AND c.device_key = protocol_uses.device_key)
        """,
        "DELETE FROM protocol_use_studies WHERE study_instance_uid = @Study",
        CountStudiesSql("s.study_instance_uid = @Study AND"),
        """
        INSERT INTO protocol_uses (study_date, modality, protocol, device_key, events, studies)
        SELECT study_date, modality, protocol, device_key, events, 1 FROM protocol_use_studies WHERE study_instance_uid = @Study
        ON CONFLICT (study_date, modality, protocol, device_key) DO UPDATE SET
            events = protocol_uses.events + excluded.events, studies = protocol_uses.studies + excluded.studies
        """,
    ];

    private static async Task RefreshProtocolUsesAsync(DbConnection connection, DbTransaction tx, string studyUid, CancellationToken ct)
    {
        var key = new { Study = studyUid, DashboardRepository.NoProtocol };
        foreach (var sql in RefreshProtocolUsesSql)
            await connection.ExecuteAsync(new CommandDefinition(sql, key, tx, cancellationToken: ct));
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
