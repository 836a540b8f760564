using Dapper;

namespace DoseWatch.Data.Repositories;

public sealed partial class AlertRepository
{
    /// <summary>
    /// The alerts (all statuses, newest first) of each of <paramref name="studyInstanceUids"/>, keyed by study: the browser
    /// marks a row whose study has an open (not resolved) one, the study page lists them all. Uses ux_alerts_identity.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<StoredAlert>>> ForStudiesAsync(IReadOnlyCollection<string> studyInstanceUids,
        CancellationToken cancellationToken = default)
    {
        if (studyInstanceUids.Count == 0) return new Dictionary<string, IReadOnlyList<StoredAlert>>();
        var p = new DynamicParameters();
        var names = studyInstanceUids.Select((uid, i) => { p.Add("u" + i, uid); return "@u" + i; }).ToList();
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<AlertRow>(new CommandDefinition(
            $"SELECT {AlertColumns} FROM alerts WHERE study_instance_uid IN ({string.Join(", ", names)}) ORDER BY created_at DESC, id DESC",
            p, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToAlert()).GroupBy(a => a.StudyInstanceUid, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<StoredAlert>)g.ToList(), StringComparer.Ordinal);
    }
}
