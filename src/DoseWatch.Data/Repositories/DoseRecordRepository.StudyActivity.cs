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
    // After the study's event count is refreshed. The study's previous contribution is taken back before its current
    // one is added: a re-save (more events, a study date or time that arrives with a later object, a device that was
    // unknown) leaves exactly the counts of what is stored now. Increments commute, as in protocol_uses.
    private static readonly string[] AddStudyActivitySql =
    [
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

    // Taken back on study_activity's primary key (none for a new study): as in RefreshProtocolUsesAsync, a statement
    // joining the two tables walked all of study_activity for every save.
    private static Task RefreshStudyActivityAsync(DbConnection connection, DbTransaction tx, string studyUid, CancellationToken ct) =>
        RefreshCountsAsync<StudyActivityRow>(connection, tx, new { Study = studyUid },
            """
            SELECT study_date AS StudyDate, modality AS Modality, device_key AS DeviceKey, hour AS Hour, events AS Events
            FROM study_activity_studies WHERE study_instance_uid = @Study
            """,
            """
            UPDATE study_activity SET studies = studies - 1, events = events - @Events
            WHERE study_date = @StudyDate AND modality = @Modality AND device_key = @DeviceKey AND hour = @Hour
            """,
            """
            DELETE FROM study_activity
            WHERE study_date = @StudyDate AND modality = @Modality AND device_key = @DeviceKey AND hour = @Hour AND studies = 0
            """,
            AddStudyActivitySql, ct);

    private sealed class StudyActivityRow
    {
        public string StudyDate { get; init; } = "";
        public string Modality { get; init; } = "";
        public string DeviceKey { get; init; } = "";
        public string Hour { get; init; } = "";
        public long Events { get; init; }
    }
}
