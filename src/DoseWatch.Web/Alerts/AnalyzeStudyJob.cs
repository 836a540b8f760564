using DoseWatch.Core.Analysis;
using DoseWatch.Data;
using DoseWatch.Data.Repositories;
using Hangfire;
using Microsoft.Extensions.Options;

namespace DoseWatch.Web.Alerts;

/// <summary>
/// Evaluates every rule on one study: loads its events and its device's history from SQL, evaluates, stores the new
/// alerts (the (study, event, rule) identity makes a rerun add nothing), records unmapped protocol names for the review
/// queue, stores references learned for protocols with enough history, and starts the deliveries.
/// </summary>
public sealed class AnalyzeStudyJob(
    IDbConnectionFactory connections,
    RuleRepository rules,
    ProtocolRepository protocols,
    AlertRepository alerts,
    AlertFeed feed,
    IBackgroundJobClient jobs,
    IOptions<AlertsOptions> options,
    TimeProvider clock,
    ILogger<AnalyzeStudyJob> logger)
{
    [AutomaticRetry(Attempts = 3)]
    [JobDisplayName("Analyse study {0}")]
    public async Task Run(string studyInstanceUid, CancellationToken cancellationToken)
    {
        var analysed = await AnalyzeAsync(studyInstanceUid, cancellationToken);
        if (analysed.Count > 0) jobs.Enqueue<DeliverAlertsJob>(job => job.Run(CancellationToken.None));
    }

    /// <summary>The job's work without the delivery hand-off; returns the ids of alerts raised now.</summary>
    public async Task<IReadOnlyList<long>> AnalyzeAsync(string studyInstanceUid, CancellationToken cancellationToken)
    {
        var record = await new DoseRecordRepository(connections, clock).GetStudyAsync(studyInstanceUid, cancellationToken);
        if (record is null)
        {
            logger.LogWarning("Study {StudyInstanceUid} is not in the dose records: nothing to analyse", studyInstanceUid);
            return [];
        }
        var study = record.Study;
        var settings = options.Value;
        var catalogue = await protocols.LoadCatalogueAsync(cancellationToken);
        var history = await protocols.DeviceHistoryAsync(study.Device.Key, study.Modality, studyInstanceUid, settings.HistoryStudies, cancellationToken);
        // Read for every analysis: an edit in the rules page applies to the next study analysed.
        var ruleSet = await rules.ListAsync(cancellationToken);
        var input = new StudyAnalysisInput(study, record.Events.Where(e => e.CountedInTotals).Select(e => e.Event).ToList(), catalogue)
        {
            Reported = record.Totals.Reported,
            References = await protocols.ListReferencesAsync(cancellationToken),
            DeviceHistory = history,
            NationalDrls = await protocols.NationalDrlTablesAsync([NationalDrlTable.UnitedKingdom2022], cancellationToken),
            PatientHistory = await PatientHistoryAsync(study, ruleSet, cancellationToken),
        };
        var candidates = AlertEvaluator.Evaluate(ruleSet, input,
            (rule, e) => logger.LogError("Rule {RuleId} '{RuleName}' was skipped: {Problem}", rule.Id, rule.Name, e.Message));
        var created = await alerts.StoreAsync(study, candidates, cancellationToken);
        await RecordProtocolsAsync(input, settings, cancellationToken);
        logger.LogInformation("Study {StudyInstanceUid}: {Candidates} findings, {Created} new alerts", studyInstanceUid, candidates.Count, created.Count);
        feed.Publish(created);
        return created;
    }

    /// <summary>The patient's other studies within the longest window of the enabled cumulative-dose rules (none without a study date).</summary>
    private async Task<IReadOnlyList<HistoricalStudy>> PatientHistoryAsync(Core.Domain.Study study, IReadOnlyList<Rule> ruleSet, CancellationToken ct)
    {
        var windows = ruleSet.Where(r => r.Enabled && r.Type == RuleType.CumulativeDose && r.Scope.Matches(study))
            .Select(r => r.IntParameter(RuleParameters.WindowDays, RuleParameters.DefaultWindowDays)).ToList();
        if (study.StudyDate is not { } date || windows.Count == 0) return [];
        return await protocols.PatientHistoryAsync(study.StudyInstanceUid, date.AddDays(1 - windows.Max()), date, ct);
    }

    private async Task RecordProtocolsAsync(StudyAnalysisInput input, AlertsOptions settings, CancellationToken ct)
    {
        var deviceKey = input.Study.Device.Key;
        var resolutions = input.Events.Where(DoseEvents.IsDiagnostic).Select(e => input.Catalogue.Resolve(input.Study, e)).ToList();
        foreach (var unmapped in resolutions.Where(r => !r.IsMapped && r.RawName is not null).DistinctBy(r => ProtocolNameSimilarity.Normalise(r.RawName)))
            await protocols.RecordUnmappedAsync(unmapped.RawName!, unmapped.Source!.Value, deviceKey, input.Study.Modality, clock.GetUtcNow(), ct);
        // Stored for the physicist to review and edit; an edited reference is never replaced (ProtocolRepository).
        foreach (var learned in AlertEvaluator.LearnReferences(input, settings.ReferenceMinimumStudies))
            await protocols.SaveReferenceAsync(learned, ct);
    }
}

/// <summary>
/// What the extraction step calls once a study's dose records are saved: queues <see cref="AnalyzeStudyJob"/> for it.
/// </summary>
public sealed class StudyAnalysisQueue(IBackgroundJobClient jobs)
{
    /// <returns>The Hangfire job id.</returns>
    public string Enqueue(string studyInstanceUid) =>
        jobs.Enqueue<AnalyzeStudyJob>(job => job.Run(studyInstanceUid, CancellationToken.None));
}
