using Dapper;
using DoseWatch.Data.Repositories;
using DoseWatch.Tests;

namespace DoseWatch.Data.Tests.Repositories;

/// <summary>
/// The newest studies of a modality (the CT page's table) now pick the studies before summing their events; the rows
/// must be those of the former query, which summed every study and then kept the newest: it is the oracle here, on
/// undated studies, studies after the window, ties on day and time, studies without events and another modality.
/// </summary>
public abstract class RecentStudyRepositoryFacts(ITestDatabases databases) : MigratedDatabaseFacts(databases)
{
    private const string FormerSql = """
        SELECT s.study_instance_uid AS StudyInstanceUid, s.study_date AS StudyDate, s.study_description AS StudyDescription,
            MIN(e.protocol) AS FirstProtocol, MAX(e.protocol) AS LastProtocol, COUNT(e.event_uid) AS Events,
            MAX(e.ctdivol_mgy) AS MaximumCtdiVolMGy, SUM(e.dlp_mgy_cm) AS TotalDlpMGyCm, SUM(e.dap_gy_cm2) AS TotalDapGyCm2, SUM(e.dose_rp_gy) AS TotalDoseRpGy
        FROM studies s LEFT JOIN irradiation_events e ON e.study_instance_uid = s.study_instance_uid
        WHERE s.modality = @modality AND (s.study_date IS NULL OR s.study_date <= @to)
        GROUP BY s.study_instance_uid, s.study_date, s.study_time, s.study_description
        ORDER BY s.study_date DESC, s.study_time DESC, s.study_instance_uid LIMIT @maximum
        """;

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(50)]
    public async Task Newest_studies_are_those_of_the_former_query(int maximum)
    {
        (string Uid, string? Date, string? Time, string Modality, int Events)[] studies =
        [
            ("2.25.1", null, null, "CT", 2), ("2.25.2", "2026-11-01", "10:00:00", "CT", 1), ("2.25.3", "2026-11-01", "10:00:00", "CT", 3),
            ("2.25.4", "2026-11-01", "09:00:00", "CT", 0), ("2.25.5", "2026-11-05", null, "CT", 2), ("2.25.6", "2026-12-10", "08:00:00", "CT", 1),
            ("2.25.7", "2026-11-06", "08:00:00", "MR", 1), ("2.25.8", "2026-11-04", "23:59:59", "CT", 2),
        ];
        await using (var connection = await Factory.OpenAsync())
        {
            foreach (var (uid, date, time, modality, events) in studies)
            {
                await connection.ExecuteAsync("""
                    INSERT INTO studies (study_instance_uid, study_date, study_time, modality, study_description, updated_at)
                    VALUES (@uid, @date, @time, @modality, @description, @now)
                    """, new { uid, date, time, modality, description = "Study " + uid, now = DateTimeOffset.UtcNow });
                for (var i = 0; i < events; i++)
                    await connection.ExecuteAsync("""
                        INSERT INTO irradiation_events (study_instance_uid, event_uid, event_key_kind, source_kind, source_rank, sop_instance_uid, updated_at,
                            protocol, ctdivol_mgy, dlp_mgy_cm, dap_gy_cm2, dose_rp_gy)
                        VALUES (@uid, @ev, 'uid', 'CtRdsr', 2, @uid, @now, @protocol, @ctdi, @dlp, @dap, NULL)
                        """, new
                        {
                            uid, ev = $"{uid}.{i}", now = DateTimeOffset.UtcNow, protocol = i % 2 == 0 ? "HEAD" : "CHEST",
                            ctdi = i == 1 ? (double?)null : 10.5 + i, dlp = 300.25 * (i + 1), dap = i == 2 ? 1.5 : (double?)null,
                        });
            }
        }
        var to = new DateOnly(2026, 12, 4);
        var stored = await new RecentStudyRepository(Factory).RecentAsync("CT", to, maximum);

        await using var oracle = await Factory.OpenAsync();
        var former = (await oracle.QueryAsync<RecentStudyRepository.Row>(FormerSql, new { modality = "CT", to = "2026-12-04", maximum })).ToList();
        Assert.Equal(Math.Min(maximum, 6), former.Count);
        Assert.Equal(former.Select(r => r.StudyInstanceUid), stored.Select(r => r.StudyInstanceUid));
        Assert.Equal(former.Select(r => (r.StudyDate, r.StudyDescription, r.Events, r.MaximumCtdiVolMGy, r.TotalDlpMGyCm, r.TotalDapGyCm2, r.TotalDoseRpGy,
                r.FirstProtocol == r.LastProtocol ? r.FirstProtocol : $"{r.FirstProtocol} … {r.LastProtocol}")),
            stored.Select(r => (r.StudyDate, r.StudyDescription, r.Events, r.MaximumCtdiVolMGy, r.TotalDlpMGyCm, r.TotalDapGyCm2, r.TotalDoseRpGy, r.Protocols)));
    }
}

public sealed class SqliteRecentStudyRepositoryFacts() : RecentStudyRepositoryFacts(new SqliteTestDatabases());

public sealed class PostgreSqlRecentStudyRepositoryFacts(PostgresServerFixture postgres)
    : RecentStudyRepositoryFacts(new PostgreSqlTestDatabases(postgres.Server)), IClassFixture<PostgresServerFixture>;
