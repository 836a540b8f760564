using System.Data.Common;
using Dapper;

namespace DoseWatch.Data.Repositories;

/// <summary>
/// The studies and events per study day, modality, device and hour of migration 0021 (study_activity), kept in the
/// save's transaction so that the Overview's counts and the workload heat map read summary rows instead of counting
/// every study.
/// </summary>
public sealed partial class DoseRecordRepository
{
    private const string SameActivityKey = """
        c.study_date = study_activity.study_date AND c.modality = study_activity.modality
            AND c.device_key = study_activity.device_key AND c.hour = study_activity.hour
        """;

    // After the study's event count is refreshed. The study's previous contribution is taken back before its current
    // one is added: a re-save (more events, a study date or time that arrives with a later object, a device that was
    // unknown) leaves exactly the counts of what is stored now. Increments commute, as in protocol_uses.
    private static readonly string[] RefreshStudyActivitySql =
    [
        $"""
        UPDATE study_activity SET
            studies = studies - 1,
            events = events - (SELECT c.events FROM study_activity_studies c WHERE c.study_instance_uid = @Study AND {SameActivityKey})
        WHERE EXISTS (SELECT 1 FROM study_activity_studies c WHERE c.study_instance_uid = @Study AND {SameActivityKey})
        """,
        $"""
        DELETE FROM study_activity WHERE studies = 0
            AND EXISTS (SELECT 1 FROM study_activity_studies c WHERE c.study_instance_uid = @Study AND {SameActivityKey})
        """,
        "DELETE FROM study_activity_studies WHERE study_instance_uid = @Study",
        // As migration 0021 fills it.
        """
        INSERT INTO study_activity_studies (study_instance_uid, study_date, modality, device_key, hour, events)
        SELECT study_instance_uid, study_date, COALESCE(modality, ''), device_key, COALESCE(SUBSTR(study_time, 1, 2), ''), event_count
        FROM studies WHERE study_instance_uid = @Study AND study_date IS NOT NULL
        """,
        """
        INSERT INTO study_activity (study_date, modality, device_key, hour, studies, events)
        SELECT study_date, modality, device_key, hour, 1, events FROM study_activity_studies WHERE study_instance_uid = @Study
        ON CONFLICT (study_date, modality, device_key, hour) DO UPDATE SET
            studies = study_activity.studies + excluded.studies, events = study_activity.events + excluded.events
        """,
    ];

    private static async Task RefreshStudyActivityAsync(DbConnection connection, DbTransaction tx, string studyUid, CancellationToken ct)
    {
        foreach (var sql in RefreshStudyActivitySql)
            await connection.ExecuteAsync(new CommandDefinition(sql, new { Study = studyUid }, tx, cancellationToken: ct));
    }
}
