using DoseWatch.Core.Domain;
using DoseWatch.Core.Presentation;
using static DoseWatch.Core.Analysis.AnalysisContext;

namespace DoseWatch.Core.Analysis;

/// <summary>
/// Fixed notification values from published guidance (ReferenceValues.cs): the rule's
/// <c>table</c> parameter picks one; its threshold, when set, overrides the table's value. Limits are exceeded when
/// strictly above; the fluoroscopy substantial dose levels are reached at or above (they are follow-up triggers).
/// </summary>
internal static class NotificationValueRules
{
    public static IEnumerable<AlertCandidate> Evaluate(Rule rule, AnalysisContext context) => rule.Parameter(RuleParameters.Table) switch
    {
        RuleParameters.TableAapmCt => AapmCt(rule, context),
        RuleParameters.TableFluoroscopySrdl => FluoroscopySrdl(rule, context),
        RuleParameters.TableMrSar => PerEvent(rule, context, "sar", "W/kg", e => e.SarWPerKg,
            // The RF mode of an Operating Mode Sequence ("RF:IEC_FIRST_LEVEL; GRADIENT:…"), as the SAR table reads it.
            e => MrSarLimits.LimitWPerKg(GuidanceLines.RfMode(e.OperatingMode) ?? e.OperatingMode, e.SarDefinition),
            e => $"IEC 60601-2-33 limit, {DisplayText.MrOperatingMode(e.OperatingMode) ?? "normal mode (assumed)"}, {DisplayText.MrSarDefinition(e.SarDefinition)}"),
        RuleParameters.TableUltrasoundMi => PerEvent(rule, context, DoseQuantity.MechanicalIndex.Name, "1", DoseQuantity.MechanicalIndex.Pick,
            e => UltrasoundOutputGuidance.MechanicalIndexLimit(UltrasoundOutputGuidance.InferApplication(e.Preset)),
            e => $"MI guidance for {UltrasoundOutputGuidance.InferApplication(e.Preset)} application"),
        // The largest of TIS, TIB and TIC: without the gestational age the stricter reading is the safe one.
        RuleParameters.TableUltrasoundTi => PerEvent(rule, context, DoseQuantity.ThermalIndex.Name, "1", DoseQuantity.ThermalIndex.Pick,
            e => UltrasoundOutputGuidance.ThermalIndexLimit(UltrasoundOutputGuidance.InferApplication(e.Preset)),
            e => $"TI guidance for {UltrasoundOutputGuidance.InferApplication(e.Preset)} application"),
        var other => throw new FormatException($"Rule {rule.Id} '{rule.Name}': unknown notification table '{other}'."),
    };

    private static IEnumerable<AlertCandidate> AapmCt(Rule rule, AnalysisContext context) =>
        PerEvent(rule, context, "ctdivol", "mGy", e => e.CtdiVolMGy,
            e => AapmCtNotificationValues.CtdiVolMGy.GetValueOrDefault(Examination(rule, context, e)),
            e => $"AAPM CT notification value, {Examination(rule, context, e)}");

    private static string Examination(Rule rule, AnalysisContext context, IrradiationEvent e) =>
        rule.Parameter(RuleParameters.Examination) ?? AapmCtNotificationValues.InferExamination(e, context.Study.Patient.AgeYears);

    private static IEnumerable<AlertCandidate> PerEvent(Rule rule, AnalysisContext context, string quantity, string unit,
        Func<IrradiationEvent, double?> pick, Func<IrradiationEvent, double?> tableLimit, Func<IrradiationEvent, string> source)
    {
        foreach (var (ev, protocol) in context.Events)
        {
            if (!rule.Scope.MatchesProtocol(protocol.Standard) || pick(ev) is not { } value) continue;
            if ((rule.Threshold ?? tableLimit(ev)) is not { } limit || value <= limit) continue;
            yield return new AlertCandidate(context.Study.StudyInstanceUid, ev.EventUid, rule, quantity, value, limit, unit,
                $"{quantity} {Number(value)} {unit} exceeds the {source(ev)} ({Number(limit)} {unit}).",
                AlertEvidence.Of(protocol, ("reference", source(ev))));
        }
    }

    private static IEnumerable<AlertCandidate> FluoroscopySrdl(Rule rule, AnalysisContext context)
    {
        var quantity = DoseQuantity.Parse(rule.Parameter(RuleParameters.Quantity), DoseQuantity.DoseRp);
        if (!rule.Scope.MatchesProtocol(context.StudyProtocol.Standard) || quantity.StudyValue(context.Input.Events, context.Input.Reported) is not { } value) yield break;
        if ((rule.Threshold ?? SubstantialDoseLevel(quantity)) is not { } level || value < level) yield break;
        yield return new AlertCandidate(context.Study.StudyInstanceUid, null, rule, quantity.Name, value, level, quantity.Unit,
            $"{quantity.Name} {Number(value)} {quantity.Unit} reached the substantial radiation dose level ({Number(level)} {quantity.Unit}): patient follow-up.",
            AlertEvidence.Of(context.StudyProtocol, ("reference", "SIR/NCRP 168 substantial radiation dose level")));
    }

    internal static double? SubstantialDoseLevel(DoseQuantity quantity) =>
        quantity == DoseQuantity.DoseRp ? FluoroscopySubstantialDoseLevels.DoseRpGy
        : quantity == DoseQuantity.Dap ? FluoroscopySubstantialDoseLevels.DapGyCm2
        : quantity == DoseQuantity.FluoroTime ? FluoroscopySubstantialDoseLevels.FluoroTimeS
        : null;
}

/// <summary>
/// Cumulative dose per patient: the study's value plus the patient's earlier studies dated within the window before
/// it (default 84 days = 12 weeks). Raised on the study that makes the sum cross the threshold (default: the
/// substantial dose level of the quantity): the earlier studies alone stay below it, with this one the sum reaches it.
/// A patient already above the level is not alerted again by every further study of the window (the crossing alert is
/// the follow-up trigger), and a single study at the level with no earlier study is the notification-value rule's.
/// History is judged by study date: a study that arrives after a later-dated one is counted for studies analysed
/// after it, not retroactively.
/// </summary>
internal static class CumulativeDoseRule
{
    public static IEnumerable<AlertCandidate> Evaluate(Rule rule, AnalysisContext context)
    {
        var quantity = DoseQuantity.Parse(rule.Parameter(RuleParameters.Quantity), DoseQuantity.DoseRp);
        var window = rule.IntParameter(RuleParameters.WindowDays, RuleParameters.DefaultWindowDays);
        if (context.Study.StudyDate is not { } date || quantity.StudyValue(context.Input.Events, context.Input.Reported) is not { } value) yield break;
        if ((rule.Threshold ?? NotificationValueRules.SubstantialDoseLevel(quantity)) is not { } level) yield break;
        var earlier = CumulativeDose.EarlierInWindow(context.Input.PatientHistory, context.Study.StudyInstanceUid, date, window)
            .Select(h => (h.StudyInstanceUid, Value: quantity.StudyValue(h.Events, h.Reported)))
            .Where(h => h.Value is not null).ToList();
        if (earlier.Count == 0) yield break;
        var before = earlier.Sum(h => h.Value!.Value);
        var total = value + before;
        if (total < level || before >= level) yield break;
        yield return new AlertCandidate(context.Study.StudyInstanceUid, null, rule, quantity.Name, total, level, quantity.Unit,
            $"Cumulative {quantity.Name} {Number(total)} {quantity.Unit} over {window} days ({earlier.Count + 1} studies of this patient) reached the level {Number(level)} {quantity.Unit}: patient follow-up.",
            AlertEvidence.Of(context.StudyProtocol, ("windowDays", window.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("thisStudy", Number(value)), ("earlierTotal", Number(before)),
                ("earlierStudies", string.Join("; ", earlier.Select(e => $"{e.StudyInstanceUid}={Number(e.Value!.Value)}"))))
                .WithDistribution([.. earlier.Select(e => e.Value!.Value), value]));
    }
}

/// <summary>Which of a patient's studies count towards a cumulative dose.</summary>
public static class CumulativeDose
{
    /// <summary>
    /// Studies other than <paramref name="studyInstanceUid"/> dated in (date − window days, date]: 84 days before
    /// 2026-03-01 is 2025-12-07, which is outside; 2025-12-08 and the same day are inside.
    /// </summary>
    public static IEnumerable<HistoricalStudy> EarlierInWindow(IEnumerable<HistoricalStudy> patientHistory, string studyInstanceUid, DateOnly date, int windowDays) =>
        // Oldest first, so the evidence reads as the patient's history did; the history's own order is the database's.
        patientHistory.Where(h => Counts(h.StudyInstanceUid, h.StudyDate, studyInstanceUid, date, windowDays))
            .OrderBy(h => h.StudyDate).ThenBy(h => h.StudyInstanceUid, StringComparer.Ordinal);

    /// <summary>Whether another study (<paramref name="uid"/>, dated <paramref name="day"/>) counts towards the study <paramref name="studyInstanceUid"/> of <paramref name="date"/>.</summary>
    public static bool Counts(string uid, DateOnly? day, string studyInstanceUid, DateOnly date, int windowDays) =>
        uid != studyInstanceUid && day is { } d && d <= date && d > date.AddDays(-windowDays);
}

/// <summary>
/// The scanner's own CT Dose Check (TID 10015) was exceeded: a notification (113908) or alert (113900) whose forward
/// estimate is above its configured value, or for which the operator recorded a reason for proceeding.
/// </summary>
internal static class DoseCheckRule
{
    public static IEnumerable<AlertCandidate> Evaluate(Rule rule, AnalysisContext context)
    {
        var part = rule.Parameter(RuleParameters.Part) ?? RuleParameters.PartAny;
        foreach (var (ev, protocol) in context.Events)
        {
            if (ev.DoseCheck is not { } check || !rule.Scope.MatchesProtocol(protocol.Standard)) continue;
            var found = new List<(string Part, string Quantity, double? Value, double? Threshold, string Unit, string? Reason, string? By)>();
            if (part is RuleParameters.PartAny or RuleParameters.PartAlert && check.Alert is { } a)
            {
                found.Add(("alert", "ctdivol", a.AccumulatedCtdiVolForwardEstimateMGy, a.CtdiVolAlertValueMGy, "mGy", a.ReasonForProceeding, a.AuthorizedBy));
                found.Add(("alert", "dlp", a.AccumulatedDlpForwardEstimateMGyCm, a.DlpAlertValueMGyCm, "mGy.cm", a.ReasonForProceeding, a.AuthorizedBy));
            }
            if (part is RuleParameters.PartAny or RuleParameters.PartNotification && check.Notification is { } n)
            {
                found.Add(("notification", "ctdivol", n.CtdiVolForwardEstimateMGy, n.CtdiVolNotificationValueMGy, "mGy", n.ReasonForProceeding, n.AuthorizedBy));
                found.Add(("notification", "dlp", n.DlpForwardEstimateMGyCm, n.DlpNotificationValueMGyCm, "mGy.cm", n.ReasonForProceeding, n.AuthorizedBy));
            }
            var exceeded = found.FirstOrDefault(f => f.Value is { } v && f.Threshold is { } t && v > t);
            if (exceeded.Part is null) exceeded = found.FirstOrDefault(f => !string.IsNullOrWhiteSpace(f.Reason));
            if (exceeded.Part is null) continue;
            yield return new AlertCandidate(context.Study.StudyInstanceUid, ev.EventUid, rule, exceeded.Quantity, exceeded.Value, exceeded.Threshold, exceeded.Unit,
                $"CT Dose Check {exceeded.Part} exceeded ({exceeded.Quantity} forward estimate {Show(exceeded.Value)} vs {Show(exceeded.Threshold)} {exceeded.Unit}); reason for proceeding: {exceeded.Reason ?? "not recorded"}.",
                AlertEvidence.Of(protocol, ("part", exceeded.Part), ("reasonForProceeding", exceeded.Reason ?? ""), ("authorizedBy", exceeded.By ?? "")));
        }
    }

    private static string Show(double? v) => v is { } x ? Number(x) : "?";
}

/// <summary>
/// Peak skin dose of the study's skin dose map (docs/skin-dose.md) at or above the rule's threshold (Gy; without one,
/// the SIR/NCRP 168 substantial radiation dose level of 3 Gy). With a window (windowDays), the patient's peak skin doses
/// are added over the window as <see cref="CumulativeDoseRule"/> adds doses: raised once, by the study that takes the sum
/// of the patient's earlier studies to the threshold; a single study at the level is the per-study rule's. Studies
/// without a map (the dose at the reference point only) are not judged by it: that is the Ka,r rules' quantity.
/// </summary>
internal static class PeakSkinDoseRule
{
    public static IEnumerable<AlertCandidate> Evaluate(Rule rule, AnalysisContext context)
    {
        if (context.Input.PeakSkinDoseGy is not { } peak) yield break;
        var level = rule.Threshold ?? FluoroscopySubstantialDoseLevels.PeakSkinDoseGy;
        if (rule.Parameter(RuleParameters.WindowDays) is null)
        {
            if (peak < level) yield break;
            yield return new AlertCandidate(context.Study.StudyInstanceUid, null, rule, PeakSkinDoseQuantity, peak, level, "Gy",
                $"Peak skin dose {Number(peak)} Gy reached {Number(level)} Gy: skin follow-up of the patient (estimate from the skin dose map).",
                AlertEvidence.Of(context.StudyProtocol, ("peakSkinDoseGy", Number(peak))));
            yield break;
        }
        var window = rule.IntParameter(RuleParameters.WindowDays, RuleParameters.DefaultWindowDays);
        if (context.Study.StudyDate is not { } date) yield break;
        var earlier = context.Input.PatientPeakSkinDoses
            .Where(h => CumulativeDose.Counts(h.StudyInstanceUid, h.StudyDate, context.Study.StudyInstanceUid, date, window))
            .OrderBy(h => h.StudyDate).ThenBy(h => h.StudyInstanceUid, StringComparer.Ordinal).ToList();
        if (earlier.Count == 0) yield break;
        var before = earlier.Sum(h => h.PeakSkinDoseGy);
        var total = before + peak;
        if (total < level || before >= level) yield break;
        yield return new AlertCandidate(context.Study.StudyInstanceUid, null, rule, PeakSkinDoseQuantity, total, level, "Gy",
            $"Cumulative peak skin dose {Number(total)} Gy over {window} days ({earlier.Count + 1} studies of this patient) reached {Number(level)} Gy: skin follow-up (peaks of different procedures may lie on different skin).",
            AlertEvidence.Of(context.StudyProtocol, ("windowDays", window.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("thisStudy", Number(peak)), ("earlierTotal", Number(before)),
                ("earlierStudies", string.Join("; ", earlier.Select(e => $"{e.StudyInstanceUid}={Number(e.PeakSkinDoseGy)}"))))
                .WithDistribution([.. earlier.Select(e => e.PeakSkinDoseGy), peak]));
    }

    /// <summary>The alert's quantity key (alerts.quantity).</summary>
    public const string PeakSkinDoseQuantity = "peakSkinDose";
}
