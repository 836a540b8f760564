using DoseWatch.Core.Analysis;
using DoseWatch.Core.Domain;
using static DoseWatch.Core.Tests.Analysis.AnalysisFixtures;

namespace DoseWatch.Core.Tests.Analysis;

public sealed class ProtocolReferenceFacts
{
    [Fact]
    public void A_reference_is_learned_from_history_with_quantiles_and_the_common_kvps()
    {
        double[] pitches = [1.2, 0.8, 1.0, 1.5, 1.0];
        var localizer = CtEvent("scout", kvp: 80, pitch: null) with { AcquisitionType = DoseEvents.ConstantAngleAcquisition };
        var history = pitches.Select((p, i) => new HistoricalStudy($"s{i}", null, null,
            [localizer, CtEvent($"e{i}", pitch: p, kvp: i == 0 ? 140 : 120, ctdiVol: 10 + i, dlp: 100 * (i + 1), region: i == 4 ? Head : Chest)])).ToList();

        var reference = ProtocolReferenceLearner.Learn("Chest", Scanner.Key, history);

        // kVp: 120 in 4 of 5 dose events, 140 in 1 of 5 (20 % ≥ 5 %): both kept; the localizer's 80 kV is not a dose event.
        Assert.Equal(new HashSet<double> { 120, 140 }, reference.KvpSet);
        // Pitch sorted 0.8 1.0 1.0 1.2 1.5; type 7: h = 4·0.025 = 0.1 → 0.8 + 0.1·0.2 = 0.82; h = 4·0.975 = 3.9 → 1.2 + 0.9·0.3 = 1.47.
        Assert.Equal(0.8 + 0.1 * 0.2, reference.PitchFactor!.Minimum, 12);
        Assert.Equal(1.2 + 0.9 * 0.3, reference.PitchFactor.Maximum, 12);
        // DLP per study 100..500 plus the localizer (300, its dose was delivered): totals 400..800.
        // h = 0.1 → 400 + 0.1·100 = 410; h = 3.9 → 700 + 0.9·100 = 790.
        Assert.Equal(400 + 0.1 * 100, reference.DlpTotalMGyCm!.Minimum, 9);
        Assert.Equal(700 + 0.9 * 100, reference.DlpTotalMGyCm.Maximum, 9);
        Assert.Equal(new ValueRange(1, 1), reference.EventCount); // one dose event per study; the localizer is not counted
        Assert.Equal(Chest, reference.TargetRegion); // 4 of 5
        Assert.Equal(5, reference.SampleSize);
    }
}
