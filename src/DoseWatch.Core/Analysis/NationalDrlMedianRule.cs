using System.Globalization;
using DoseWatch.Core.Domain;
using static DoseWatch.Core.Analysis.AnalysisContext;

namespace DoseWatch.Core.Analysis;

/// <summary>
/// A national DRL judged as ICRP Publication 135 defines it: a benchmark for the median dose of a sample of patients of
/// one examination on one device, not a limit for one patient (routine doses of a department near its DRL would
/// otherwise flag a third of its studies). The sample is the device's latest <see cref="RuleParameters.MedianOfStudies"/>
/// studies (default 20) of the study's DRL category (<see cref="NationalDrlCategory"/>, or the rule's examination row),
/// this study included, in study date and time order; fewer: not judged yet. Each study's value: the examination's DLP
/// (per study), or the mean CTDIvol of its sequences of that category (per sequence). When the sample's median is above
/// the DRL, the candidate's event key is the period <c>drl-median:device:category:yyyy-MM</c> (the study date's calendar
/// month, <see cref="AlertCandidate.IsPeriodKey"/>), which storage keeps once per rule: the month's alert is on the first
/// study analysed with its sample above, also when studies arrive out of order or are analysed at the same time.
/// A single high dose is the robust outlier's and the notification value's to flag.
/// </summary>
internal static class NationalDrlMedianRule
{
    /// <summary>One study's value in one DRL category, placed in time.</summary>
    private sealed record Sampled(DateOnly Date, TimeOnly Time, string StudyInstanceUid, double Value);

    public static IEnumerable<AlertCandidate> Evaluate(Rule rule, AnalysisContext context, DoseQuantity quantity)
    {
        if (context.Study.StudyDate is not { } date) yield break; // no place in the device's sequence or in a month
        var country = rule.Parameter(RuleParameters.Country) ?? "UK";
        if (context.Input.NationalDrls.FirstOrDefault(t => string.Equals(t.Country, country, StringComparison.OrdinalIgnoreCase)) is not { } table) yield break;
        var size = rule.IntParameter(RuleParameters.MedianOfStudies, RuleParameters.DefaultMedianOfStudies);
        var values = Values(rule, context, quantity, context.Study.StudyDescription, context.Input.Events, context.Input.Reported);
        // Only the categories of this study that the table has a level for need a sample; none: the history is not classified.
        var judged = values.Keys.Where(c => Level(table.Find(c), quantity) is not null).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (judged.Count == 0) yield break;
        var current = new Sampled(date, context.Study.StudyTime ?? TimeOnly.MinValue, context.Study.StudyInstanceUid, 0);
        var earlierByCategory = context.History
            .Where(h => h.StudyDate is not null)
            .Select(h => (History: h, Study: new Sampled(h.StudyDate!.Value, h.StudyTime ?? TimeOnly.MinValue, h.StudyInstanceUid, 0)))
            .Where(h => Precedes(h.Study, current))
            .SelectMany(h => HistoryValues(rule, context, quantity, h.History).Where(v => judged.Contains(v.Key))
                .Select(v => (Category: v.Key, Sample: h.Study with { Value = v.Value })))
            .ToLookup(x => x.Category, x => x.Sample, StringComparer.OrdinalIgnoreCase);
        foreach (var (category, value) in values)
        {
            var row = table.Find(category);
            if (Level(row, quantity) is not { } tableLevel) continue;
            var level = rule.Threshold ?? tableLevel;
            var earlier = earlierByCategory[category].OrderBy(s => s.Date).ThenBy(s => s.Time).ThenBy(s => s.StudyInstanceUid, StringComparer.Ordinal).ToList();
            if (earlier.Count + 1 < size) continue;
            var sample = earlier.Skip(earlier.Count + 1 - size).Select(s => s.Value).Append(value).ToList();
            var median = RobustStatistics.Median(sample);
            if (median <= level) continue;
            var month = date.ToString("yyyy-MM", CultureInfo.InvariantCulture);
            var source = $"{table.Country} national DRL {table.Edition}: {row!.Examination}";
            var label = quantity == DoseQuantity.CtdiVol ? "CTDIvol" : "DLP";
            (string, string)[] facts =
            [
                ("drl", source), ("sampleMedian", Number(median)), ("sampleStudies", size.ToString(CultureInfo.InvariantCulture)),
                ("drlCategory", row.Examination), ("month", month), ("thisStudy", Number(value)),
            ];
            yield return new AlertCandidate(context.Study.StudyInstanceUid, $"{AlertCandidate.DrlMedianKeyPrefix}{context.DeviceKey}:{row.Examination}:{month}", rule, quantity.Name,
                median, level, quantity.Unit,
                $"Median {label} {Number(median)} {quantity.Unit} of the last {size} {row.Examination} CT studies on {DeviceName(context.Study.Device)} is above the {source} " +
                $"({Number(level)} {quantity.Unit}): first in {month} at this study ({label} {Number(value)} {quantity.Unit}).",
                AlertEvidence.Of(context.StudyProtocol, facts).WithDistribution(sample.Order().ToList()));
        }
    }

    /// <summary>
    /// <see cref="Values"/> of a history study. For a rule without a scope or an examination row they depend on the study
    /// and the quantity only, so they are remembered with the study: a device's history is the same objects from one
    /// analysis to the next (the history cache), and classifying all 500 every time was most of this rule's cost (issue #18).
    /// </summary>
    private static Dictionary<string, double> HistoryValues(Rule rule, AnalysisContext context, DoseQuantity quantity, HistoricalStudy study)
    {
        if (rule.Parameter(RuleParameters.Examination) is not null || rule.Scope.StandardProtocol is not null)
            return Values(rule, context, quantity, study.StudyDescription, study.Events, study.Reported);
        return Remembered.GetOrCreateValue(study).GetOrAdd(quantity.Name, _ => Values(rule, context, quantity, study.StudyDescription, study.Events, study.Reported));
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<HistoricalStudy, System.Collections.Concurrent.ConcurrentDictionary<string, Dictionary<string, double>>> Remembered = new();

    /// <summary>
    /// A study's value per DRL category: the examination's total (per-study quantity) in the rule's row or the study's,
    /// or the mean over its diagnostic sequences of each category (per-sequence quantity). Scoped rules count only what
    /// maps to their standard protocol.
    /// </summary>
    private static Dictionary<string, double> Values(Rule rule, AnalysisContext context, DoseQuantity quantity, string? studyDescription,
        IReadOnlyList<IrradiationEvent> events, AccumulatedDose reported)
    {
        var examination = rule.Parameter(RuleParameters.Examination);
        var scoped = rule.Scope.StandardProtocol is not null;
        if (quantity.PerStudy)
        {
            if (scoped && !rule.Scope.MatchesProtocol(context.StudyResolution(studyDescription, events).Standard)) return [];
            var category = examination ?? NationalDrlCategory.OfStudy(studyDescription, events);
            return category is not null && quantity.StudyValue(events, reported) is { } total ? new() { [category] = total } : [];
        }
        return events.Where(DoseEvents.IsDiagnostic)
            .Where(e => !scoped || rule.Scope.MatchesProtocol(context.Resolve(e, studyDescription).Standard))
            .Select(e => (Category: examination ?? NationalDrlCategory.OfEvent(studyDescription, e), Value: quantity.Pick(e)))
            .Where(x => x.Category is not null && x.Value is not null)
            .GroupBy(x => x.Category!, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Average(x => x.Value!.Value), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The table's level of the quantity in a row; null without a row or where the row gives none.</summary>
    private static double? Level(NationalDrl? row, DoseQuantity quantity) =>
        quantity == DoseQuantity.CtdiVol ? row?.CtdiVolMGy : quantity == DoseQuantity.Dlp ? row?.DlpMGyCm : null;

    private static bool Precedes(Sampled a, Sampled b) =>
        (a.Date, a.Time).CompareTo((b.Date, b.Time)) is var order && (order < 0 || (order == 0 && string.CompareOrdinal(a.StudyInstanceUid, b.StudyInstanceUid) < 0));

    private static string DeviceName(DeviceIdentity device)
    {
        var parts = new[] { device.StationName, device.Model, device.Manufacturer }.Where(p => !string.IsNullOrWhiteSpace(p)).ToList();
        return parts.Count == 0 ? "this device" : parts.Count == 1 ? parts[0]! : $"{parts[0]} ({string.Join(", ", parts.Skip(1))})";
    }
}
