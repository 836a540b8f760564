using DoseWatch.Cli.Demo;

namespace DoseWatch.Cli.Tests.Demo;

/// <summary>
/// Where <c>dosewatch demo evaluate</c> plants its anomalies: every planned kind once, each after its group's warm-up, and
/// the cumulative case adding up past the substantial dose level while each of its studies stays ordinary.
/// </summary>
public sealed class EvaluationPlantingFacts
{
    private const int WarmUp = 20;
    private static readonly IReadOnlyList<DemoStudy> Studies = new DemoHistory(3, new DateTime(2026, 11, 1)).GenerateForEvaluation(3000, WarmUp);

    [Fact]
    public void Every_planned_anomaly_is_planted_once_after_its_device_has_seen_the_protocol_enough()
    {
        var planted = Studies.Where(s => s.Anomaly is not (DemoAnomaly.None or DemoAnomaly.CumulativeFluoroscopy or DemoAnomaly.DrlExceedance)).ToList();
        Assert.Equal(DemoHistory.EvaluationPlan.Select(p => (p.Anomaly, p.Protocol)).Order(), planted.Select(s => (s.Anomaly, s.Protocol.Name)).Order());
        foreach (var study in planted)
        {
            var earlier = Studies.Count(s => s.Device == study.Device && s.Protocol == study.Protocol && s.PerformedAt < study.PerformedAt);
            Assert.True(earlier > WarmUp, $"{study.Anomaly} on {study.Protocol.Name} has {earlier} earlier studies on {study.Device.StationName}");
        }
    }

    [Fact]
    public void Each_anomaly_changes_what_its_check_looks_at()
    {
        DemoStudy Of(DemoAnomaly anomaly, string protocol) => Studies.Single(s => s.Anomaly == anomaly && s.Protocol.Name == protocol);
        IEnumerable<DemoEvent> Routine(string protocol) => Studies.Where(s => s.Anomaly == DemoAnomaly.None && s.Protocol.Name == protocol).SelectMany(s => s.Events);
        Assert.Equal(19.2, Of(DemoAnomaly.ChangedCollimation, "CT ABDOMEN PELVIS").Events[^1].TotalCollimationMm);
        Assert.All(Routine("CT ABDOMEN PELVIS"), e => Assert.Null(e.TotalCollimationMm));
        Assert.Equal(1.5, Of(DemoAnomaly.ChangedPitch, "CT CHEST ROUTINE").Events[^1].PitchFactor);
        Assert.Equal(140, Of(DemoAnomaly.ChangedKvp, "CHEST PA").Events[^1].Kvp);
        Assert.All(Routine("CHEST PA"), e => Assert.Equal(125, e.Kvp));
        Assert.Equal(3, Of(DemoAnomaly.RepeatedAcquisition, "CT ABDOMEN PELVIS").Events.Count); // localizer and the scan twice
        Assert.Equal(8, Of(DemoAnomaly.RepeatedAcquisition, "SCREENING MAMMOGRAPHY").Events.Count);
        Assert.InRange(Of(DemoAnomaly.RepeatedAcquisition, "CHEST PA").Events.Count, 3, 6);
        Assert.True(Of(DemoAnomaly.SarExcursion, "MR KNEE").Events[^1] is { SarWPerKg: > 2, OperatingMode: "IEC_NORMAL" });
        Assert.True(Of(DemoAnomaly.ThermalIndexExcursion, "OB 2nd trimester").Events[^1].ThermalIndexBone > 0.7);
    }

    [Fact]
    public void The_DRL_case_is_one_devices_chest_protocol_whose_median_drifts_above_the_UK_DRL_while_each_study_stays_ordinary()
    {
        var drifted = Studies.Where(s => s.Anomaly == DemoAnomaly.DrlExceedance).OrderBy(s => s.PerformedAt).ToList();
        Assert.True(drifted.Count >= 20, $"{drifted.Count} drifted studies: too few for a median of 20");
        var device = Assert.Single(drifted.Select(s => s.Device).Distinct());
        Assert.All(drifted, s => Assert.Equal(DemoHistory.DrlDriftProtocol, s.Protocol.Name));
        // Every study of the protocol on that device from the drift on is drifted, save those carrying another anomaly.
        var from = drifted[0].PerformedAt;
        Assert.Equal(drifted, Studies.Where(s => s.Device == device && s.Protocol.Name == DemoHistory.DrlDriftProtocol && s.PerformedAt >= from
            && s.Anomaly is DemoAnomaly.None or DemoAnomaly.DrlExceedance).OrderBy(s => s.PerformedAt));
        static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        }
        double ScanCtdiVol(DemoStudy s) => s.Events.Single(e => !e.IsLocalizer).CtdiVolMGy!.Value;
        // UK 2022 national DRL for the routine chest CT (../shared/reference/dicom-dose-reference.md §8.2): CTDIvol 8.5 mGy.
        var routine = Studies.Where(s => s.Protocol.Name == DemoHistory.DrlDriftProtocol && s.Anomaly == DemoAnomaly.None).Select(ScanCtdiVol).ToList();
        Assert.True(Median(routine) < 8.5, $"routine median {Median(routine)}");
        Assert.True(Median(drifted.Select(ScanCtdiVol)) > 8.5, $"drifted median {Median(drifted.Select(ScanCtdiVol))}");
        // A moderate drift (a changed default technique), not a few studies at several times the dose.
        Assert.InRange(Median(drifted.Select(ScanCtdiVol)) / Median(routine), 1.4, 2.0);
    }

    [Fact]
    public void The_cumulative_case_crosses_500_gy_cm2_in_four_ordinary_studies_within_twelve_weeks()
    {
        var cases = Studies.Where(s => s.Anomaly == DemoAnomaly.CumulativeFluoroscopy).OrderBy(s => s.PerformedAt).ToList();
        Assert.Equal(4, cases.Count);
        Assert.Single(cases.Select(s => s.Patient.Id).Distinct());
        Assert.True((cases[^1].PerformedAt - cases[0].PerformedAt).TotalDays < 84);
        var dapGyCm2 = cases.Select(s => s.Events.Sum(e => e.DapGyM2!.Value) * 1e4).ToList();
        Assert.All(dapGyCm2, d => Assert.Equal(150, d, 6));
        Assert.True(dapGyCm2.Take(3).Sum() < 500 && dapGyCm2.Sum() >= 500);
    }
}
