using System.Collections.Concurrent;
using DoseWatch.Core.Analysis;

namespace DoseWatch.Data.Repositories;

/// <summary>
/// The device histories of a batch of study analyses, each (device, modality) read from SQL once. An extraction worker
/// analyses the studies of its batch after all of them are saved, and most of a batch comes from one device: reading that
/// device's latest studies with their events once instead of once per study was most of the analysis's cost (issue #18:
/// the history query was two thirds of an analysis in a trace of `dosewatch demo evaluate`).
/// Each study still gets exactly what <see cref="ProtocolRepository.DeviceHistoryAsync"/> would give it at the moment of
/// the snapshot: the latest <c>maximumStudies + 1</c> studies are read, and a study's history is that list without the
/// study itself, cut to <c>maximumStudies</c> (the list is newest first, in the query's own order).
/// </summary>
public sealed class DeviceHistorySnapshot(ProtocolRepository protocols)
{
    private readonly ConcurrentDictionary<(string DeviceKey, string? Modality, int MaximumStudies), Lazy<Task<IReadOnlyList<HistoricalStudy>>>> _read = new();
    private int _reads;

    /// <summary>How many times the snapshot went to SQL (for tests and the worker's debug log).</summary>
    public int Reads => Volatile.Read(ref _reads);

    /// <summary>The latest <paramref name="maximumStudies"/> studies of the device and modality other than <paramref name="excludedStudy"/>, newest first.</summary>
    public async Task<IReadOnlyList<HistoricalStudy>> DeviceHistoryAsync(string deviceKey, string? modality, string excludedStudy, int maximumStudies,
        CancellationToken cancellationToken = default)
    {
        var latest = await _read.GetOrAdd((deviceKey, modality, maximumStudies), key => new Lazy<Task<IReadOnlyList<HistoricalStudy>>>(() =>
        {
            Interlocked.Increment(ref _reads);
            // Not the caller's token: the read is shared by the batch's later studies, which must not inherit a cancellation.
            return protocols.DeviceHistoryAsync(key.DeviceKey, key.Modality, excludedStudy: "", key.MaximumStudies + 1, CancellationToken.None);
        })).Value.WaitAsync(cancellationToken);
        var others = latest.Where(s => s.StudyInstanceUid != excludedStudy).ToList();
        return others.Count > maximumStudies ? others[..maximumStudies] : others;
    }
}
