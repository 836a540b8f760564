using System.Collections.Concurrent;
using DoseWatch.Core.Abstractions;

namespace DoseWatch.Web.Tests.Jobs;

/// <summary>
/// A stand-in for the dose extractor (built on another branch and tested against real files there): each SOP Instance
/// UID gets a script of outcomes or exceptions, one per call; calls are counted and the files checked at call time.
/// Unscripted instances are extracted.
/// </summary>
public sealed class ScriptedDoseExtraction : IDoseExtraction
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Func<ExtractionOutcome>>> _scripts = new();
    private readonly ConcurrentDictionary<string, List<InstanceToExtract>> _calls = new();

    public void Script(string sopInstanceUid, params Func<ExtractionOutcome>[] steps) =>
        _scripts[sopInstanceUid] = new ConcurrentQueue<Func<ExtractionOutcome>>(steps);

    public IReadOnlyList<InstanceToExtract> Calls(string sopInstanceUid) =>
        _calls.TryGetValue(sopInstanceUid, out var calls) ? calls.ToList() : [];

    public Task<ExtractionOutcome> ExtractAsync(InstanceToExtract instance, CancellationToken cancellationToken)
    {
        if (!File.Exists(instance.Path)) throw new InvalidOperationException($"The job handed over a missing file: {instance.Path}");
        _calls.AddOrUpdate(instance.SopInstanceUid, _ => [instance], (_, list) => { lock (list) list.Add(instance); return list; });
        var step = _scripts.TryGetValue(instance.SopInstanceUid, out var queue) && queue.TryDequeue(out var next)
            ? next
            : () => ExtractionOutcome.Extracted("scripted");
        return Task.FromResult(step());
    }
}
