using DoseWatch.Data.Repositories;
using Hangfire;
using Microsoft.Extensions.Options;

namespace DoseWatch.Web.Alerts;

/// <summary>
/// Evaluates every rule on one study (<see cref="StudyAnalysis"/>: history from SQL, unmapped names to the review queue,
/// new alerts stored, learned references saved), tells the live inbox and starts the deliveries (<see cref="AlertDeliveryTrigger"/>).
/// </summary>
public sealed class AnalyzeStudyJob(
    StudyAnalysis analysis,
    AlertFeed feed,
    AlertDeliveryTrigger deliveries,
    IOptions<AlertsOptions> options,
    ILogger<AnalyzeStudyJob> logger)
{
    [AutomaticRetry(Attempts = 3)]
    [JobDisplayName("Analyse study {0}")]
    public async Task Run(string studyInstanceUid, CancellationToken cancellationToken)
    {
        var analysed = await AnalyzeAsync(studyInstanceUid, cancellationToken);
        if (analysed.Count > 0) deliveries.AlertsRaised();
    }

    /// <summary>The job's work without the delivery hand-off; returns the ids of alerts raised now.</summary>
    public async Task<IReadOnlyList<long>> AnalyzeAsync(string studyInstanceUid, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var outcome = await analysis.AnalyzeAsync(studyInstanceUid, settings.HistoryStudies, settings.ReferenceMinimumStudies,
            (rule, e) => logger.LogError("Rule {RuleId} '{RuleName}' was skipped: {Problem}", rule.Id, rule.Name, e.Message), cancellationToken);
        if (outcome is null)
        {
            logger.LogWarning("Study {StudyInstanceUid} is not in the dose records: nothing to analyse", studyInstanceUid);
            return [];
        }
        logger.LogInformation("Study {StudyInstanceUid}: {Candidates} findings, {Created} new alerts", studyInstanceUid, outcome.Candidates.Count, outcome.Created.Count);
        feed.Publish(outcome.Created);
        return outcome.Created;
    }
}

/// <summary>
/// What the extraction step calls once a study's dose records are saved: queues <see cref="AnalyzeStudyJob"/> for it, or,
/// inside an extraction worker's batch (<see cref="Collect"/>), notes the study for the worker, which analyses each study
/// of its batch once, in process, before it records the batch's outcomes (issue #18: no Hangfire job per instance).
/// </summary>
public sealed class StudyAnalysisQueue(IBackgroundJobClient jobs)
{
    // The batch of the extraction worker this call runs under (flows down its awaits, never up).
    private static readonly AsyncLocal<HashSet<string>?> Collecting = new();

    public void Enqueue(string studyInstanceUid)
    {
        if (Collecting.Value is { } studies)
        {
            lock (studies) studies.Add(studyInstanceUid);
            return;
        }
        EnqueueJob(studyInstanceUid);
    }

    /// <summary>The analysis as a Hangfire job (with its retries), whatever the caller's batch.</summary>
    public void EnqueueJob(string studyInstanceUid) =>
        jobs.Enqueue<AnalyzeStudyJob>(job => job.Run(studyInstanceUid, CancellationToken.None));

    /// <summary>
    /// From here on in the calling flow, studies are collected into the returned set instead of queued. Call it in the
    /// method whose awaits run the extractions (an AsyncLocal set there flows into them), and end with <see cref="StopCollecting"/>.
    /// </summary>
    public static HashSet<string> Collect() => Collecting.Value = new HashSet<string>(StringComparer.Ordinal);

    public static void StopCollecting() => Collecting.Value = null;
}
