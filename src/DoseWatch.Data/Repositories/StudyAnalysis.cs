using Dapper;
using DoseWatch.Core.Analysis;
using DoseWatch.Core.Domain;

namespace DoseWatch.Data.Repositories;

/// <summary>What one analysis of a study found and stored.</summary>
public sealed record StudyAnalysisOutcome(Study Study, IReadOnlyList<AlertCandidate> Candidates, IReadOnlyList<long> Created);

/// <summary>
/// One study's analysis the product's way, for the Hangfire job and for <c>dosewatch demo evaluate</c> alike: loads the
/// study and its device's history from SQL, records its unmapped names in the review queue, evaluates every rule
/// (<see cref="AlertEvaluator"/>), stores the new alerts (the (study, event, rule) identity makes a rerun add nothing)
/// and stores references learned for standard protocols with enough history.
/// </summary>
public sealed class StudyAnalysis(IDbConnectionFactory connections, RuleRepository rules, ProtocolRepository protocols, AlertRepository alerts, TimeProvider clock)
{
    private readonly SkinDoseRepository skinDoses = new(connections);

    // One per StudyAnalysis, which the app holds as a singleton: device and patient histories stay in memory between analyses.
    private readonly StudyHistoryCache histories = new(protocols);

    private volatile ProtocolCatalogue? _catalogue;

    /// <param name="historyStudies">How many of the device's latest studies of the modality are its history.</param>
    /// <param name="referenceMinimumStudies">Studies of a standard protocol from which its learned reference is stored.</param>
    /// <returns>Null when the study is not in the dose records.</returns>
    public async Task<StudyAnalysisOutcome?> AnalyzeAsync(string studyInstanceUid, int historyStudies, int referenceMinimumStudies,
        Action<Rule, FormatException>? invalidRule = null, CancellationToken cancellationToken = default)
    {
        var record = await new DoseRecordRepository(connections, clock).GetStudyAsync(studyInstanceUid, cancellationToken);
        if (record is null) return null;
        var study = record.Study;
        var catalogue = await protocols.LoadCatalogueAsync(cancellationToken);
        // Loaded for every analysis (an edit applies to the next study), kept while unchanged: what analyses work out per
        // catalogue (resolutions of the device history) then carries over from one study to the next.
        if (_catalogue is { } last && last.HasSameContentAs(catalogue)) catalogue = last;
        else _catalogue = catalogue;
        var events = record.Events.Where(e => e.CountedInTotals).Select(e => e.Event).ToList();
        var unmapped = await RecordUnmappedAsync(study, events, catalogue, cancellationToken);
        // Read for every analysis: an edit in the rules page applies to the next study analysed.
        var ruleSet = await rules.ListAsync(cancellationToken);
        var input = new StudyAnalysisInput(study, events, catalogue)
        {
            Reported = record.Totals.Reported,
            References = await protocols.ListReferencesAsync(cancellationToken),
            DeviceHistory = await histories.DeviceHistoryAsync(study.Device.Key, study.Modality, studyInstanceUid, historyStudies, cancellationToken),
            NationalDrls = await protocols.NationalDrlTablesAsync([NationalDrlTable.UnitedKingdom2022], cancellationToken),
            PatientHistory = await PatientHistoryAsync(study, ruleSet, cancellationToken),
            PeakSkinDoseGy = (await skinDoses.HeadlinesAsync([studyInstanceUid], cancellationToken)).GetValueOrDefault(studyInstanceUid)?.PeakSkinDoseGy,
            PatientPeakSkinDoses = await PatientPeakSkinDosesAsync(study, ruleSet, cancellationToken),
            NewProtocolNames = unmapped ? await DigestDueAsync(ruleSet, study, cancellationToken) : null,
        };
        var candidates = AlertEvaluator.Evaluate(ruleSet, input, invalidRule);
        var created = await alerts.StoreAsync(study, candidates, cancellationToken);
        // Stored for the physicist to review and edit; an edited reference is never replaced (ProtocolRepository). One
        // learned as stored already, or stored edited, is not written again: most studies change no reference, and each
        // write takes the database's write lock (issue #18).
        foreach (var learned in AlertEvaluator.LearnReferences(input, referenceMinimumStudies))
        {
            var stored = input.References.FirstOrDefault(r => r.DeviceKey == learned.DeviceKey && r.StandardProtocol == learned.StandardProtocol);
            if (stored is not null && (stored.EditedBy is not null || stored.IsSameAs(learned))) continue;
            await protocols.SaveReferenceAsync(learned, cancellationToken);
        }
        return new StudyAnalysisOutcome(study, candidates, created);
    }

    /// <summary>The patient's other studies within the longest window of the enabled cumulative-dose rules (none without a study date).</summary>
    private async Task<IReadOnlyList<HistoricalStudy>> PatientHistoryAsync(Study study, IReadOnlyList<Rule> ruleSet, CancellationToken ct)
    {
        var windows = ruleSet.Where(r => r.Enabled && r.Type == RuleType.CumulativeDose && r.Scope.Matches(study))
            .Select(r => r.IntParameter(RuleParameters.WindowDays, RuleParameters.DefaultWindowDays)).ToList();
        if (study.StudyDate is not { } date || windows.Count == 0) return [];
        return await histories.PatientHistoryAsync(study.StudyInstanceUid, date.AddDays(1 - windows.Max()), date, ct);
    }

    /// <summary>The patient's peak skin doses within the longest window of the enabled cumulative peak skin dose rules.</summary>
    private async Task<IReadOnlyList<PatientPeakSkinDose>> PatientPeakSkinDosesAsync(Study study, IReadOnlyList<Rule> ruleSet, CancellationToken ct)
    {
        var windows = ruleSet.Where(r => r.Enabled && r.Type == RuleType.PeakSkinDose && r.Parameter(RuleParameters.WindowDays) is not null && r.Scope.Matches(study))
            .Select(r => r.IntParameter(RuleParameters.WindowDays, RuleParameters.DefaultWindowDays)).ToList();
        if (study.StudyDate is not { } date || windows.Count == 0) return [];
        return await skinDoses.PatientHistoryAsync(study.StudyInstanceUid, date.AddDays(1 - windows.Max()), date, ct);
    }

    /// <summary>Counts each unmapped name of the study once in the review queue; true when the study has one.</summary>
    private async Task<bool> RecordUnmappedAsync(Study study, IReadOnlyList<IrradiationEvent> events, ProtocolCatalogue catalogue, CancellationToken ct)
    {
        var unmapped = events.Where(DoseEvents.IsDiagnostic).Select(e => catalogue.Resolve(study, e))
            .Where(r => !r.IsMapped && r.RawName is not null).DistinctBy(r => ProtocolNameSimilarity.Normalise(r.RawName)).ToList();
        foreach (var name in unmapped)
            await protocols.RecordUnmappedAsync(name.RawName!, name.Source!.Value, study.Device.Key, study.Modality, clock.GetUtcNow(), ct);
        return unmapped.Count > 0;
    }

    /// <summary>
    /// The names for a digest when one is due: an enabled unknown-protocol rule applies, names entered the review queue
    /// since the last digest (ever, before the first), and this analysis is the first to claim the current ISO week
    /// (table protocol_name_digests, migration 0025: of analyses running at the same moment only one wins the insert).
    /// </summary>
    private async Task<ProtocolNameDigest?> DigestDueAsync(IReadOnlyList<Rule> ruleSet, Study study, CancellationToken ct)
    {
        if (!ruleSet.Any(r => r.Enabled && r.Type == RuleType.ProtocolDeviation && r.Scope.Matches(study)
            && r.Parameter(RuleParameters.Check) == RuleParameters.CheckUnknownProtocol)) return null;
        var now = clock.GetUtcNow();
        var week = ProtocolNameDigest.Week(now);
        await using var connection = await connections.OpenAsync(ct);
        if (await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM protocol_name_digests WHERE week = @week", new { week }, cancellationToken: ct)) > 0)
            return null;
        var last = await connection.QueryFirstOrDefaultAsync<DateTimeOffset?>(new CommandDefinition(
            "SELECT claimed_at FROM protocol_name_digests ORDER BY claimed_at DESC LIMIT 1", cancellationToken: ct));
        var names = (await connection.QueryAsync<(string RawName, DateTimeOffset FirstSeen)>(new CommandDefinition(
            "SELECT raw_name, first_seen FROM protocol_mappings WHERE standard_protocol IS NULL AND first_seen IS NOT NULL AND first_seen > @since",
            new { since = last ?? DateTimeOffset.UnixEpoch }, cancellationToken: ct))).ToList();
        if (names.Count == 0) return null;
        var claimed = await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO protocol_name_digests (week, claimed_at) VALUES (@week, @now) ON CONFLICT (week) DO NOTHING", new { week, now }, cancellationToken: ct));
        return claimed == 0 ? null : new ProtocolNameDigest(last ?? names.Min(n => n.FirstSeen),
            names.Select(n => n.RawName).Distinct(StringComparer.OrdinalIgnoreCase).ToList());
    }
}
