using DoseWatch.Core.Analysis;
using DoseWatch.Core.Domain;
using static DoseWatch.Core.Tests.Analysis.AnalysisFixtures;

namespace DoseWatch.Core.Tests.Analysis;

/// <summary>"Learn from history" on the protocols page: the reference of one protocol from the studies that are that protocol.</summary>
public sealed class LearnReferenceFacts
{
    // 20 Chest studies, CTDIvol 8, 9, 10, 11, 12 mGy four times each; 5 Head studies at 50 mGy that must not count.
    private static readonly IReadOnlyList<HistoricalStudy> History =
    [
        .. ChestHistory(Enumerable.Range(0, 20).Select(i => 8.0 + i % 5)),
        .. Enumerable.Range(0, 5).Select(i => new HistoricalStudy($"head.{i}", new DateOnly(2025, 12, 2), null, [CtEvent($"head.{i}.1", "Head routine", ctdiVol: 50, kvp: 100)])),
    ];

    [Fact]
    public void The_reference_is_learned_from_the_protocols_own_studies_with_robust_quantiles()
    {
        var reference = AlertEvaluator.LearnReference(ChestCatalogue(), "chest", Scanner.Key, History, minimumStudies: 20)!;
        // Type 7 quantiles of the sorted 8×4, 9×4, 10×4, 11×4, 12×4: h = 19 · 0.025 = 0.475 → 8 + 0.475 · (8 − 8) = 8;
        // h = 19 · 0.975 = 18.525 → 12 + 0.525 · (12 − 12) = 12. DLP = 30 × CTDIvol: 240 and 360. The Head studies (50 mGy, 100 kV) are left out.
        Assert.Equal(("Chest", Scanner.Key, 20, new ValueRange(8, 12), new ValueRange(240, 360)),
            (reference.StandardProtocol, reference.DeviceKey, reference.SampleSize, reference.CtdiVolMGy, reference.DlpTotalMGyCm));
        Assert.Equal([120.0], reference.KvpSet);
        Assert.Equal(new ValueRange(1, 1), reference.EventCount);
        Assert.Null(reference.EditedBy);
    }

    [Fact]
    public void Too_few_studies_or_an_unknown_protocol_learn_nothing()
    {
        Assert.Null(AlertEvaluator.LearnReference(ChestCatalogue(), "Chest", Scanner.Key, History, minimumStudies: 21));
        Assert.Null(AlertEvaluator.LearnReference(ChestCatalogue(), "Pelvis", Scanner.Key, History, minimumStudies: 1));
        Assert.Equal(5, AlertEvaluator.LearnReference(ChestCatalogue(), "Head", Scanner.Key, History, minimumStudies: 5)!.SampleSize);
    }
}
