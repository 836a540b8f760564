using DoseWatch.Core.Analysis;
using DoseWatch.Core.Domain;
using static DoseWatch.Core.Tests.Analysis.AnalysisFixtures;

namespace DoseWatch.Core.Tests.Analysis;

public sealed class DoseRuleFacts
{
    // 20 earlier Chest studies with CTDIvol 8, 9, 10, 11, 12 mGy four times each (DLP = 30 × CTDIvol).
    private static readonly double[] Ctdis = Enumerable.Range(0, 20).Select(i => 8.0 + i % 5).ToArray();

    private static StudyAnalysisInput Input(params IrradiationEvent[] events) =>
        new(Study("1.2.3"), events, ChestCatalogue()) { DeviceHistory = ChestHistory(Ctdis) };

    private static double LogMad()
    {
        // median of ln 8..ln 12 (four of each) is ln 10; |ln x − ln 10| for 8, 9, 10, 11, 12: ln1.25, ln(10/9), 0, ln1.1,
        // ln1.2, four times each; sorted, the 10th/11th of 20 are both ln(10/9) (0 ×4, ln1.1 ×4, ln(10/9) ×4, ...).
        return Math.Log(10.0 / 9);
    }

    [Fact]
    public void A_ctdivol_far_above_the_protocol_history_is_a_dose_outlier()
    {
        var rule = Rule(RuleType.DoseOutlier, 3.5, null, (RuleParameters.Quantity, "ctdivol"));
        var alerts = AlertEvaluator.Evaluate([rule], Input(CtEvent("high", ctdiVol: 40), CtEvent("normal", ctdiVol: 11)));
        var alert = Assert.Single(alerts);
        Assert.Equal(("high", (double?)40, "mGy"), (alert.EventUid, alert.Value, alert.Unit));
        // score = (ln 40 − ln 10) / (1.4826 · ln(10/9)); the limit for n = 20 is 3.5 + 30/20 = 5, the threshold dose
        // 10 · exp(5 · 1.4826 · ln(10/9)).
        Assert.Equal(Math.Log(4) / (1.4826 * LogMad()), double.Parse(alert.Evidence.Facts["score"], System.Globalization.CultureInfo.InvariantCulture), 4);
        Assert.Equal(10 * Math.Exp(5.0 * 1.4826 * LogMad()), alert.Threshold!.Value, 9);
        Assert.Equal(("standard protocol", "20"), (alert.Evidence.Facts["referenceLearnedFrom"], alert.Evidence.Facts["referenceStudies"]));
        Assert.Contains("standard protocol Chest", alert.Message);
        Assert.Equal(Ctdis.Order(), alert.Evidence.Distribution);
    }

    [Fact]
    public void Per_study_dlp_outliers_and_minimum_sample_size()
    {
        var rule = Rule(RuleType.DoseOutlier, 3.5, null, (RuleParameters.Quantity, "dlp"), (RuleParameters.MinimumSampleSize, "20"));
        // History DLP per study = 30 × CTDIvol: the log-MAD is unchanged by the factor 30; the median is 300.
        var alert = Assert.Single(AlertEvaluator.Evaluate([rule], Input(CtEvent("a", dlp: 700), CtEvent("b", dlp: 500))));
        Assert.Equal(((string?)null, (double?)1200), (alert.EventUid, alert.Value));
        Assert.Equal(300 * Math.Exp(5.0 * 1.4826 * LogMad()), alert.Threshold!.Value, 6);
        var needs21 = rule with { Parameters = new Dictionary<string, string> { [RuleParameters.Quantity] = "dlp", [RuleParameters.MinimumSampleSize] = "21" } };
        Assert.Empty(AlertEvaluator.Evaluate([needs21], Input(CtEvent("a", dlp: 700), CtEvent("b", dlp: 500))));
    }

    [Fact]
    public void Size_adjusted_outliers_use_ssde()
    {
        var rule = Rule(RuleType.DoseOutlier, 3.5, null, (RuleParameters.Quantity, "ssde"));
        var input = new StudyAnalysisInput(Study("1.2.3"), [CtEvent("e", ctdiVol: 40) with { SsdeMGy = 12 }], ChestCatalogue())
        {
            DeviceHistory = ChestHistory(Ctdis, (i, c) => CtEvent($"h{i}", ctdiVol: c) with { SsdeMGy = c }),
        };
        Assert.Empty(AlertEvaluator.Evaluate([rule], input)); // a large CTDIvol for a large patient: SSDE 12 is ordinary
        Assert.Single(AlertEvaluator.Evaluate([rule], input with { Events = [CtEvent("e", ctdiVol: 10) with { SsdeMGy = 60 }] }));
    }

    [Fact]
    public void National_drl_uses_the_named_row_of_the_countrys_table_for_the_devices_median()
    {
        var row = NationalDrlTable.UnitedKingdom2022.Find("Chest (lung cancer)")!;
        // The sample is all 20 earlier studies and this one: CTDIvol 8, 9, 10, 11, 12 (four each) and 11, median 10 (the 11th of 21).
        (string, string)[] all = [(RuleParameters.Source, "national"), (RuleParameters.Examination, row.Examination), (RuleParameters.MedianOfStudies, "21")];
        var rule = Rule(RuleType.DrlExceeded, null, null, [.. all, (RuleParameters.Quantity, "ctdivol")]);
        var alert = Assert.Single(AlertEvaluator.Evaluate([rule], Input(CtEvent("a", ctdiVol: 11, dlp: 330))));
        Assert.Equal(((double?)10, row.CtdiVolMGy), (alert.Value, alert.Threshold));
        var dlp = Rule(RuleType.DrlExceeded, null, null, all); // dlp is the default quantity; 240…360 and 330: median 300
        var study = Assert.Single(AlertEvaluator.Evaluate([dlp], Input(CtEvent("a", ctdiVol: 11, dlp: 330))));
        Assert.Equal((300.0, row.DlpMGyCm), (study.Value!.Value, study.Threshold));
        var edited = new NationalDrlTable("UK", "site", [row with { CtdiVolMGy = 100 }]);
        Assert.Empty(AlertEvaluator.Evaluate([rule], Input(CtEvent("a", ctdiVol: 11)) with { NationalDrls = [edited] }));
    }

    [Fact]
    public void Local_drl_is_the_75th_percentile_of_the_protocols_history()
    {
        var rule = Rule(RuleType.DrlExceeded, null, null, (RuleParameters.Source, "local"), (RuleParameters.Quantity, "ctdivol"));
        // history sorted: 8×4 9×4 10×4 11×4 12×4; type 7, h = 19·0.75 = 14.25: values 14 and 15 (0-based) are 11 and 11 → 11.
        var alert = Assert.Single(AlertEvaluator.Evaluate([rule], Input(CtEvent("over", ctdiVol: 11.5), CtEvent("at", ctdiVol: 11))));
        Assert.Equal(("over", (double?)11), (alert.EventUid, alert.Threshold));
    }

    [Fact]
    public void Aapm_notification_value_by_inferred_or_named_examination()
    {
        var rule = Rule(RuleType.NotificationValue, null, null, (RuleParameters.Table, "aapm-ct"));
        var adultTorso = AapmCtNotificationValues.CtdiVolMGy["Adult torso"];
        var adultHead = AapmCtNotificationValues.CtdiVolMGy["Adult head"];
        var alerts = AlertEvaluator.Evaluate([rule], Input(
            CtEvent("torso", ctdiVol: adultTorso + 1),
            CtEvent("head", ctdiVol: adultTorso + 1, region: Head, phantom: CtdiPhantom.Head16),
            CtEvent("head-over", ctdiVol: adultHead + 1, region: Head, phantom: CtdiPhantom.Head16)));
        Assert.Equal([("torso", adultTorso), ("head-over", adultHead)], alerts.Select(a => (a.EventUid!, a.Threshold!.Value)));
        var child = new StudyAnalysisInput(Study("1.2.4", ageYears: 1), [CtEvent("c", ctdiVol: 51, region: Head, phantom: CtdiPhantom.Head16)], ChestCatalogue());
        Assert.Equal(AapmCtNotificationValues.CtdiVolMGy["Pediatric head < 2 y"], Assert.Single(AlertEvaluator.Evaluate([rule], child)).Threshold);
        var perfusion = rule with { Parameters = new Dictionary<string, string> { [RuleParameters.Table] = "aapm-ct", [RuleParameters.Examination] = "Brain perfusion" } };
        Assert.Empty(AlertEvaluator.Evaluate([perfusion], Input(CtEvent("p", ctdiVol: adultHead + 1))));
    }

    private static IrradiationEvent Fluoro(string uid, double doseRp, double dap, double seconds) => new()
    {
        EventUid = uid, Source = DoseSourceKind.ProjectionRdsr, AcquisitionType = DoseEvents.Fluoroscopy,
        DoseRpGy = doseRp, DapGyCm2 = dap, IrradiationDurationS = seconds,
    };

    [Fact]
    public void Fluoroscopy_substantial_dose_levels_per_study()
    {
        var events = new[] { Fluoro("f1", 3, 200, 1800), Fluoro("f2", 2, 150, 1800) }; // 5 Gy, 350 Gy·cm², 3600 s
        var input = new StudyAnalysisInput(Study("1.2.5", "XA"), events, ProtocolCatalogue.Empty);
        IReadOnlyList<AlertCandidate> For(string quantity) =>
            AlertEvaluator.Evaluate([Rule(RuleType.NotificationValue, null, null, (RuleParameters.Table, "fluoro-srdl"), (RuleParameters.Quantity, quantity))], input);
        Assert.Equal((3.0 + 2, FluoroscopySubstantialDoseLevels.DoseRpGy), (Assert.Single(For("doserp")).Value!.Value, Assert.Single(For("doserp")).Threshold!.Value));
        Assert.Empty(For("dap")); // 350 < 500
        Assert.Equal(1800.0 + 1800, Assert.Single(For("fluorotime")).Value);
    }

    [Fact]
    public void Cumulative_dose_over_the_window_counts_earlier_studies_of_the_patient()
    {
        var rule = Rule(RuleType.CumulativeDose, null, null, (RuleParameters.Quantity, "doserp"));
        var study = Study("now", "XA", date: new DateOnly(2026, 3, 1));
        HistoricalStudy Earlier(string uid, DateOnly date, double gy) => new(uid, date, null, [Fluoro(uid + ".1", gy, 10, 60)]);
        var input = new StudyAnalysisInput(study, [Fluoro("e", 2, 10, 60)], ProtocolCatalogue.Empty)
        {
            // 84 days before 2026-03-01 is 2025-12-07: the window is (2025-12-07, 2026-03-01].
            PatientHistory = [Earlier("a", new DateOnly(2026, 2, 1), 2), Earlier("b", new DateOnly(2025, 12, 8), 1.5), Earlier("old", new DateOnly(2025, 12, 7), 4)],
        };
        var alert = Assert.Single(AlertEvaluator.Evaluate([rule], input));
        Assert.Equal((2 + 2 + 1.5, FluoroscopySubstantialDoseLevels.DoseRpGy, "Gy"), (alert.Value!.Value, alert.Threshold!.Value, alert.Unit));
        var shortWindow = Rule(RuleType.CumulativeDose, null, null, (RuleParameters.WindowDays, "30"));
        Assert.Empty(AlertEvaluator.Evaluate([shortWindow], input)); // 2 + 2 = 4 < 5
    }

    [Fact]
    public void Mr_sar_above_the_limit_of_the_operating_mode()
    {
        IrradiationEvent Mr(string uid, double sar, string? mode, string? definition = null) =>
            new() { EventUid = uid, Source = DoseSourceKind.MrImageHeader, SarWPerKg = sar, OperatingMode = mode, SarDefinition = definition };
        var input = new StudyAnalysisInput(Study("1.2.6", "MR"),
            [Mr("normal-over", 2.5, "IEC_NORMAL"), Mr("first-ok", 3.5, "IEC_FIRST_LEVEL"), Mr("first-over", 4.5, "IEC_FIRST_LEVEL"),
             Mr("head-over", 3.3, "IEC_FIRST_LEVEL", "IEC_HEAD"), Mr("second", 9, "IEC_SECOND_LEVEL"), Mr("unknown-mode", 2.1, null),
             // As the extractor writes an Operating Mode Sequence: the RF mode is the one SAR is limited by.
             Mr("sequence-normal-over", 2.5, "STATIC FIELD:IEC_NORMAL; RF:IEC_NORMAL; GRADIENT:IEC_FIRST_LEVEL"),
             Mr("sequence-first-ok", 3.5, "STATIC FIELD:IEC_NORMAL; RF:IEC_FIRST_LEVEL; GRADIENT:IEC_NORMAL")], ProtocolCatalogue.Empty);
        var alerts = AlertEvaluator.Evaluate([Rule(RuleType.NotificationValue, null, null, (RuleParameters.Table, "mr-sar"))], input);
        Assert.Equal([("normal-over", MrSarLimits.NormalWholeBody), ("first-over", MrSarLimits.FirstLevelWholeBody), ("head-over", MrSarLimits.FirstLevelHead),
                ("unknown-mode", MrSarLimits.NormalWholeBody), ("sequence-normal-over", MrSarLimits.NormalWholeBody)],
            alerts.Select(a => (a.EventUid!, a.Threshold!.Value)));
    }

    [Fact]
    public void Ultrasound_mi_and_ti_above_the_guidance_for_the_application()
    {
        IrradiationEvent Us(string uid, double mi, double tis, double tib, string preset) => new()
        { EventUid = uid, Source = DoseSourceKind.UsImageHeader, MechanicalIndex = mi, ThermalIndexSoftTissue = tis, ThermalIndexBone = tib, Preset = preset };
        var input = new StudyAnalysisInput(Study("1.2.7", "US"),
            [Us("ob", 1.0, 0.5, 0.8, "OB 2/3"), Us("abdomen", 2.0, 0.9, 0.2, "Abdomen"), Us("eye", 0.3, 0.1, 0.1, "Ophthalmic")], ProtocolCatalogue.Empty);
        var mi = AlertEvaluator.Evaluate([Rule(RuleType.NotificationValue, null, null, (RuleParameters.Table, "us-mi"))], input);
        Assert.Equal([("abdomen", UltrasoundOutputGuidance.GeneralMechanicalIndex), ("eye", UltrasoundOutputGuidance.OphthalmicMechanicalIndex)], mi.Select(a => (a.EventUid!, a.Threshold!.Value)));
        var ti = AlertEvaluator.Evaluate([Rule(RuleType.NotificationValue, null, null, (RuleParameters.Table, "us-ti"))], input);
        // "ob": max(TIS 0.5, TIB 0.8) = 0.8 > 0.7; "abdomen": 0.9 ≤ 1.0.
        Assert.Equal([("ob", 0.8, UltrasoundOutputGuidance.ObstetricThermalIndex)], ti.Select(a => (a.EventUid!, a.Value!.Value, a.Threshold!.Value)));
    }

    [Fact]
    public void Ct_dose_check_notification_exceeded_with_the_reason_for_proceeding()
    {
        var notified = CtEvent("n", ctdiVol: 60) with
        {
            DoseCheck = new CtDoseCheck(null, new CtDoseCheckNotification(false, true, null, 50, null, 60, "Obese patient", "Dr Who")),
        };
        var quiet = CtEvent("q") with { DoseCheck = new CtDoseCheck(null, new CtDoseCheckNotification(false, true, null, 50, null, 20, null, null)) };
        var alert = Assert.Single(AlertEvaluator.Evaluate([Rule(RuleType.DoseCheck)], Input(notified, quiet)));
        Assert.Equal(("n", (double?)60, (double?)50, "mGy", "Obese patient", "notification"),
            (alert.EventUid, alert.Value, alert.Threshold, alert.Unit, alert.Evidence.Facts["reasonForProceeding"], alert.Evidence.Facts["part"]));
        Assert.Empty(AlertEvaluator.Evaluate([Rule(RuleType.DoseCheck, null, null, (RuleParameters.Part, "alert"))], Input(notified)));
    }
}
