using System.Collections.Concurrent;
using DoseWatch.Core.Analysis;

namespace DoseWatch.Data.Repositories;

/// <summary>
/// A device's history for the analysis (<see cref="ProtocolRepository.DeviceHistoryAsync"/>: its latest studies of a
/// modality with their events), kept in memory between analyses and read from SQL again only where a study is new or
/// has changed (issue #18). Reading the whole history for every study was two thirds of an analysis in a trace of
/// `dosewatch demo evaluate` (500 studies with their events, per RDSR received). Now each analysis reads the latest
/// studies' UIDs and revisions (migration 0043: every save counts a study's revision up), and the events of only the
/// studies whose revision it has not seen: usually the one just received.
/// The list each analysis gets is what <see cref="ProtocolRepository.DeviceHistoryAsync"/> returns at that moment (the
/// facts compare the two). One instance serves every analysis of the process; several nodes each keep their own and see
/// each other's saves through the revisions. Studies that leave a device's latest are dropped, so memory is bounded by
/// devices × history length.
/// </summary>
public sealed class DeviceHistoryCache(ProtocolRepository protocols)
{
    private readonly ConcurrentDictionary<(string DeviceKey, string? Modality), ConcurrentDictionary<string, (long Revision, HistoricalStudy Study)>> _devices = new();
    private long _studiesRead;

    /// <summary>Studies read from SQL with their events so far (what the facts check the cache by).</summary>
    public long StudiesRead => Interlocked.Read(ref _studiesRead);

    /// <summary>The latest <paramref name="maximumStudies"/> studies of the device and modality other than <paramref name="excludedStudy"/>, newest first.</summary>
    public async Task<IReadOnlyList<HistoricalStudy>> DeviceHistoryAsync(string deviceKey, string? modality, string excludedStudy, int maximumStudies,
        CancellationToken cancellationToken = default)
    {
        // One more than asked: the excluded study may be among them (usually it is the newest).
        var latest = await protocols.LatestStudyRevisionsAsync(deviceKey, modality, maximumStudies + 1, cancellationToken);
        var cached = _devices.GetOrAdd((deviceKey, modality), _ => new ConcurrentDictionary<string, (long, HistoricalStudy)>(StringComparer.Ordinal));
        var stale = latest.Where(l => l.StudyInstanceUid != excludedStudy && !(cached.TryGetValue(l.StudyInstanceUid, out var c) && c.Revision == l.Revision))
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
        var keep = latest.Select(l => l.StudyInstanceUid).ToHashSet(StringComparer.Ordinal);
        foreach (var uid in cached.Keys.Where(k => !keep.Contains(k)).ToList()) cached.TryRemove(uid, out _);

        var history = new List<HistoricalStudy>(Math.Min(latest.Count, maximumStudies));
        foreach (var (uid, _) in latest)
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
