using Dapper;
using DoseWatch.Data.Repositories;

namespace DoseWatch.Data.Tests.DoseRecords;

/// <summary>
/// Each study's headline dose as the study page computes it when read (its events and dose objects through Core's
/// StudyTotalsRule, HeadlineDose.Of its modality), the oracle of what the save path stored in studies.headline_dose
/// for the browser's dose filter and sort and the daily medians (issue #16).
/// </summary>
internal static class StudyHeadlines
{
    public static async Task<Dictionary<string, double?>> ReadAsync(IDbConnectionFactory factory)
    {
        var repository = new DoseRecordRepository(factory);
        await using var connection = await factory.OpenAsync();
        var uids = (await connection.QueryAsync<string>("SELECT study_instance_uid FROM studies")).ToList();
        var result = new Dictionary<string, double?>(StringComparer.Ordinal);
        foreach (var uid in uids)
        {
            var study = (await repository.GetStudyAsync(uid))!;
            result[uid] = HeadlineDose.Of(study.Study.Modality, study.Totals);
        }
        return result;
    }
}
