using System.Collections.Concurrent;
using DoseWatch.Core.Analysis;

namespace DoseWatch.Data.Repositories;

/// <summary>
/// The histories an analysis reads, kept in memory between analyses and read from SQL again only where a study is new or
/// has changed (issue #18): a device's latest studies of a modality (<see cref="ProtocolRepository.DeviceHistoryAsync"/>)
/// and a patient's studies in the cumulative-dose window (<see cref="ProtocolRepository.PatientHistoryAsync"/>). Reading
/// a whole history for every study was two thirds of an analysis in a trace of `dosewatch demo evaluate` (500 studies
/// with their events, per RDSR received); a QA phantom sent daily under one patient ID made every analysis read that
/// "patient's" thousands of studies. Now each analysis reads the history's UIDs and revisions (migration 0043: every
/// save counts a study's revision up), and the events of only the studies whose revision it has not seen: usually the
/// one just received.
/// Each list is what the repository's own query returns at that moment (the facts compare the two). One instance serves
/// every analysis of the process; several nodes each keep their own and see each other's saves through the revisions.
/// Studies that leave a history are dropped. Memory is bounded by devices × history length, and by the patients with at
/// least <see cref="PatientCachedFrom"/> studies in their window × that window: a smaller patient history (nearly
/// every patient's) is read whole each time, as cheaply as its UIDs, and not kept.
/// </summary>
public sealed class StudyHistoryCache(ProtocolRepository protocols)
{
    /// <summary>A patient history of this many studies or more is kept in memory.</summary>
    public const int PatientCachedFrom = 32;

    private readonly record struct HistoryKey(bool Patient, string Key, string? Modality);

    private readonly ConcurrentDictionary<HistoryKey, ConcurrentDictionary<string, (long Revision, HistoricalStudy Study)>> _histories = new();
    private long _studiesRead;

    /// <summary>Studies read from SQL with their events so far (what the facts check the cache by).</summary>
    public long StudiesRead => Interlocked.Read(ref _studiesRead);

    /// <summary>The latest <paramref name="maximumStudies"/> studies of the device and modality other than <paramref name="excludedStudy"/>, newest first.</summary>
    public async Task<IReadOnlyList<HistoricalStudy>> DeviceHistoryAsync(string deviceKey, string? modality, string excludedStudy, int maximumStudies,
        CancellationToken cancellationToken = default)
    {
        // One more than asked: the excluded study may be among them (usually it is the newest).
        var latest = await protocols.LatestStudyRevisionsAsync(deviceKey, modality, maximumStudies + 1, cancellationToken);
        return await ResolveAsync(new HistoryKey(false, deviceKey, modality), latest, excludedStudy, maximumStudies, cancellationToken);
    }

    /// <summary>The patient's other studies dated <paramref name="from"/> to <paramref name="to"/>, newest first (none without a pseudonym).</summary>
    public async Task<IReadOnlyList<HistoricalStudy>> PatientHistoryAsync(string studyInstanceUid, DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        var (pseudonym, studies) = await protocols.PatientStudyRevisionsAsync(studyInstanceUid, from, to, cancellationToken);
        if (pseudonym is null) return [];
        var key = new HistoryKey(true, pseudonym, null);
        if (studies.Count >= PatientCachedFrom) return await ResolveAsync(key, studies, studyInstanceUid, int.MaxValue, cancellationToken);
        _histories.TryRemove(key, out _);
        var uids = studies.Select(s => s.StudyInstanceUid).Where(u => u != studyInstanceUid).ToList();
        if (uids.Count == 0) return [];
        var read = (await protocols.HistoricalStudiesAsync(uids, cancellationToken)).ToDictionary(r => r.Study.StudyInstanceUid, r => r.Study, StringComparer.Ordinal);
        Interlocked.Add(ref _studiesRead, uids.Count);
        return uids.Where(read.ContainsKey).Select(u => read[u]).ToList();
    }

    /// <summary>The history whose UIDs and revisions are <paramref name="current"/> (in its order), from memory where the revision is the one kept.</summary>
    private async Task<IReadOnlyList<HistoricalStudy>> ResolveAsync(HistoryKey key, IReadOnlyList<(string StudyInstanceUid, long Revision)> current,
        string excludedStudy, int maximumStudies, CancellationToken cancellationToken)
    {
        var cached = _histories.GetOrAdd(key, _ => new ConcurrentDictionary<string, (long, HistoricalStudy)>(StringComparer.Ordinal));
        var stale = current.Where(l => l.StudyInstanceUid != excludedStudy && !(cached.TryGetValue(l.StudyInstanceUid, out var c) && c.Revision == l.Revision))
            .Select(l => l.StudyInstanceUid).ToList();
        var read = new Dictionary<string, (long Revision, HistoricalStudy Study)>(StringComparer.Ordinal);
        foreach (var chunk in stale.Chunk(500))
        {
            foreach (var (study, revision) in await protocols.HistoricalStudiesAsync(chunk, cancellationToken))
            {
                read[study.StudyInstanceUid] = (revision, study);
                cached[study.StudyInstanceUid] = (revision, study);
            }
            Interlocked.Add(ref _studiesRead, chunk.Length);
        }
        var keep = current.Select(l => l.StudyInstanceUid).ToHashSet(StringComparer.Ordinal);
        foreach (var uid in cached.Keys.Where(k => !keep.Contains(k)).ToList()) cached.TryRemove(uid, out _);

        var history = new List<HistoricalStudy>(Math.Min(current.Count, maximumStudies));
        foreach (var (uid, _) in current)
        {
            if (history.Count == maximumStudies) break;
            if (uid == excludedStudy) continue;
            // What this call read, else the cached copy (another analysis may have evicted it meanwhile: then it is read).
            if (read.TryGetValue(uid, out var fresh) || cached.TryGetValue(uid, out fresh)) history.Add(fresh.Study);
            else if ((await protocols.HistoricalStudiesAsync([uid], cancellationToken)).FirstOrDefault() is { Study: { } one } again)
            {
                cached[uid] = (again.Revision, one);
                history.Add(one);
            }
        }
        return history;
    }
}
