namespace DoseWatch.Core.Analysis;

/// <summary>
/// The rules a new installation starts with (stored as data on first start, then edited in the UI). Thresholds are
/// null where the reference table applies. National DRLs are on: each CT study or sequence is compared with the table row
/// it maps to (<see cref="NationalDrlCategory"/>), and one that maps to none is not judged. Local DRLs flag a quarter of
/// studies by construction, so they are off. Outlier and deviation rules apply to every reference group: a standard
/// protocol, or a raw protocol name nobody has mapped yet (issue #15).
/// </summary>
public static class DefaultRules
{
    private static Rule Make(string name, RuleType type, double? threshold, string? unit, string? modality, params (string Key, string Value)[] parameters) =>
        new(0, name, type, new RuleScope(modality), threshold, unit, parameters.ToDictionary(p => p.Key, p => p.Value));

    public const string NewProtocolNamesDigest = "New protocol names (weekly digest)";

    public static IReadOnlyList<Rule> All { get; } =
    [
        // Renamed from "Unknown protocol name" (one alert per study) by migration 0025: now a weekly digest.
        Make(NewProtocolNamesDigest, RuleType.ProtocolDeviation, null, null, null, (RuleParameters.Check, RuleParameters.CheckUnknownProtocol)),
        Make("Protocol not approved for the device", RuleType.ProtocolDeviation, null, null, null, (RuleParameters.Check, RuleParameters.CheckUnapprovedProtocol)),
        Make("Target region differs from the protocol", RuleType.ProtocolDeviation, null, null, null, (RuleParameters.Check, RuleParameters.CheckTargetRegion)),
        Make("kVp outside the protocol's set", RuleType.ProtocolDeviation, null, "kV", null, (RuleParameters.Check, RuleParameters.CheckKvp)),
        Make("Pitch outside the protocol's range", RuleType.ProtocolDeviation, null, "1", "CT", (RuleParameters.Check, RuleParameters.CheckPitch)),
        Make("Collimation outside the protocol's range", RuleType.ProtocolDeviation, null, "mm", "CT", (RuleParameters.Check, RuleParameters.CheckCollimation)),
        Make("Unusual number of events", RuleType.ProtocolDeviation, null, "{events}", null, (RuleParameters.Check, RuleParameters.CheckEventCount)),
        Make("MR operating mode differs from the usual", RuleType.ProtocolDeviation, null, null, "MR", (RuleParameters.Check, RuleParameters.CheckOperatingMode)),
        Make("Ultrasound thermal index type differs from the usual", RuleType.ProtocolDeviation, null, null, "US", (RuleParameters.Check, RuleParameters.CheckThermalIndexType)),
        Make("CTDIvol outlier", RuleType.DoseOutlier, 3.5, "1", "CT", (RuleParameters.Quantity, DoseQuantity.CtdiVol.Name)),
        // Projection X-ray (fluoroscopy, radiography) per study; a study that reports no DAP or Ka,r is not judged.
        Make("DAP outlier", RuleType.DoseOutlier, 3.5, "1", null, (RuleParameters.Quantity, DoseQuantity.Dap.Name)),
        Make("Ka,r outlier", RuleType.DoseOutlier, 3.5, "1", null, (RuleParameters.Quantity, DoseQuantity.DoseRp.Name)),
        Make("AGD outlier", RuleType.DoseOutlier, 3.5, "1", null, (RuleParameters.Quantity, DoseQuantity.Agd.Name)),
        Make("Administered activity outlier", RuleType.DoseOutlier, 3.5, "1", null, (RuleParameters.Quantity, DoseQuantity.Activity.Name)),
        Make("MR SAR outlier", RuleType.DoseOutlier, 3.5, "1", "MR", (RuleParameters.Quantity, DoseQuantity.Sar.Name)),
        Make("Ultrasound MI outlier", RuleType.DoseOutlier, 3.5, "1", "US", (RuleParameters.Quantity, DoseQuantity.MechanicalIndex.Name)),
        Make("Ultrasound TI outlier", RuleType.DoseOutlier, 3.5, "1", "US", (RuleParameters.Quantity, DoseQuantity.ThermalIndex.Name)),
        // Off by default: for one-scan studies it repeats the CTDIvol outlier; extra scans are the event-count check.
        Make("DLP outlier", RuleType.DoseOutlier, 3.5, "1", "CT", (RuleParameters.Quantity, DoseQuantity.Dlp.Name)) with { Enabled = false },
        Make("AAPM CT notification value", RuleType.NotificationValue, null, "mGy", "CT", (RuleParameters.Table, RuleParameters.TableAapmCt)),
        Make("Fluoroscopy substantial dose: Ka,r", RuleType.NotificationValue, null, "Gy", null, (RuleParameters.Table, RuleParameters.TableFluoroscopySrdl), (RuleParameters.Quantity, DoseQuantity.DoseRp.Name)),
        Make("Fluoroscopy substantial dose: DAP", RuleType.NotificationValue, null, "Gy.cm2", null, (RuleParameters.Table, RuleParameters.TableFluoroscopySrdl), (RuleParameters.Quantity, DoseQuantity.Dap.Name)),
        Make("Fluoroscopy substantial dose: time", RuleType.NotificationValue, null, "s", null, (RuleParameters.Table, RuleParameters.TableFluoroscopySrdl), (RuleParameters.Quantity, DoseQuantity.FluoroTime.Name)),
        Make("Cumulative Ka,r over 12 weeks", RuleType.CumulativeDose, null, "Gy", null, (RuleParameters.Quantity, DoseQuantity.DoseRp.Name), (RuleParameters.WindowDays, "84")),
        Make("Cumulative DAP over 12 weeks", RuleType.CumulativeDose, null, "Gy.cm2", null, (RuleParameters.Quantity, DoseQuantity.Dap.Name), (RuleParameters.WindowDays, "84")),
        Make("Cumulative fluoroscopy time over 12 weeks", RuleType.CumulativeDose, null, "s", null, (RuleParameters.Quantity, DoseQuantity.FluoroTime.Name), (RuleParameters.WindowDays, "84")),
        // Peak skin dose of the skin dose map (fluoroscopy with the geometry a map needs; docs/skin-dose.md). 3 Gy is the
        // SIR / NCRP Report 168 substantial radiation dose level for peak skin dose (patient follow-up); 2 Gy is about
        // where transient erythema starts, and 5 Gy a level with lasting skin reactions: the (#20) levels around it.
        Make("Peak skin dose 2 Gy", RuleType.PeakSkinDose, PeakSkinDoseLevels.FirstGy, "Gy", null),
        Make("Peak skin dose 3 Gy (substantial radiation dose level)", RuleType.PeakSkinDose, PeakSkinDoseLevels.SubstantialGy, "Gy", null),
        Make("Peak skin dose 5 Gy", RuleType.PeakSkinDose, PeakSkinDoseLevels.HighGy, "Gy", null),
        // Peaks of different procedures may lie on different skin: their sum over-states the dose to any one site.
        Make("Cumulative peak skin dose over 12 weeks", RuleType.PeakSkinDose, 5, "Gy", null, (RuleParameters.WindowDays, "84")),
        Make("MR SAR above the IEC limit", RuleType.NotificationValue, null, "W/kg", "MR", (RuleParameters.Table, RuleParameters.TableMrSar)),
        Make("Ultrasound MI above guidance", RuleType.NotificationValue, null, "1", "US", (RuleParameters.Table, RuleParameters.TableUltrasoundMi)),
        Make("Ultrasound TI above guidance", RuleType.NotificationValue, null, "1", "US", (RuleParameters.Table, RuleParameters.TableUltrasoundTi)),
        Make("CT Dose Check exceeded", RuleType.DoseCheck, null, null, "CT", (RuleParameters.Part, RuleParameters.PartAny)),
        Make("National DRL: CTDIvol per sequence", RuleType.DrlExceeded, null, "mGy", "CT", (RuleParameters.Source, RuleParameters.SourceNational), (RuleParameters.Quantity, DoseQuantity.CtdiVol.Name)),
        Make("National DRL: DLP per examination", RuleType.DrlExceeded, null, "mGy.cm", "CT", (RuleParameters.Source, RuleParameters.SourceNational), (RuleParameters.Quantity, DoseQuantity.Dlp.Name)),
        Make("Local DRL (75th percentile) DLP", RuleType.DrlExceeded, null, "mGy.cm", "CT", (RuleParameters.Source, RuleParameters.SourceLocal), (RuleParameters.Quantity, DoseQuantity.Dlp.Name)) with { Enabled = false },
    ];
}
