using DoseWatch.Core.Domain;

namespace DoseWatch.Core.Derived;

/// <summary>Body regions with DLP-to-effective-dose coefficients (reference §8.7).</summary>
public enum KFactorRegion
{
    Head,
    HeadAndNeck,
    Neck,
    Chest,
    AbdomenAndPelvis,
    Trunk,
}

/// <summary>
/// E = k × DLP (mSv per mGy·cm), ICRP 60-based coefficients of Shrimpton et al. as reproduced in AAPM Report 96
/// (reference §8.7), by region and age band (0, 1, 5, 10 years, adult). The age band is the nearest one not above the
/// patient's age; an unknown age uses the adult column and says so.
/// </summary>
public static class EffectiveDoseFromDlp
{
    private static readonly double[] AgeBandsYears = [0, 1, 5, 10, 18];

    private static readonly Dictionary<KFactorRegion, double[]> KFactors = new()
    {
        [KFactorRegion.Head] = [0.011, 0.0067, 0.0040, 0.0032, 0.0021],
        [KFactorRegion.HeadAndNeck] = [0.013, 0.0085, 0.0057, 0.0042, 0.0031],
        [KFactorRegion.Neck] = [0.017, 0.012, 0.011, 0.0079, 0.0059],
        [KFactorRegion.Chest] = [0.039, 0.026, 0.018, 0.013, 0.014],
        [KFactorRegion.AbdomenAndPelvis] = [0.049, 0.030, 0.020, 0.015, 0.015],
        [KFactorRegion.Trunk] = [0.044, 0.028, 0.019, 0.014, 0.015],
    };

    public static double KFactor(KFactorRegion region, double? ageYears) => KFactors[region][AgeBandIndex(ageYears)];

    public static int AgeBandIndex(double? ageYears)
    {
        if (ageYears is not { } age) return AgeBandsYears.Length - 1;
        var index = 0;
        for (var i = 0; i < AgeBandsYears.Length; i++)
            if (age >= AgeBandsYears[i]) index = i;
        return index;
    }

    /// <summary>Region of a CT target region code (SCT or legacy SRT), or null when no k-factor applies.</summary>
    public static KFactorRegion? RegionOf(ConceptCode? targetRegion) => targetRegion is null ? null : Normalise(targetRegion).Value switch
    {
        "69536005" => KFactorRegion.Head,
        "774007" => KFactorRegion.HeadAndNeck,
        "45048000" => KFactorRegion.Neck,
        "51185008" => KFactorRegion.Chest,
        // Abdomen alone and pelvis alone use the abdomen-and-pelvis row; chest-abdomen-pelvis and entire body the trunk row.
        "113345001" or "12921003" => KFactorRegion.AbdomenAndPelvis,
        "416775004" or "38266002" => KFactorRegion.Trunk,
        _ => null,
    };

    private static ConceptCode Normalise(ConceptCode code) => Extraction.Sr.DoseCodes.Normalise(code);

    public static DerivedEstimate? Estimate(IrradiationEvent ct, double? patientAgeYears)
    {
        if (ct.DlpMGyCm is not { } dlp || RegionOf(ct.TargetRegion) is not { } region) return null;
        var k = KFactor(region, patientAgeYears);
        var band = AgeBandIndex(patientAgeYears) switch { 0 => "0 y", 1 => "1 y", 2 => "5 y", 3 => "10 y", _ => "adult" };
        var ageNote = patientAgeYears is null ? " (age unknown: adult coefficients)" : "";
        return new DerivedEstimate("EffectiveDose", k * dlp, "mSv",
            $"E = k × DLP, ICRP 60 k-factors (Shrimpton et al., AAPM Report 96), region {region}, age band {band}{ageNote}, k = {k} mSv/(mGy·cm)");
    }
}
