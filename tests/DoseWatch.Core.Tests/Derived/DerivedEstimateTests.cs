using System.Globalization;
using System.Text.RegularExpressions;
using DoseWatch.Core.Derived;
using DoseWatch.Core.Domain;
using DoseWatch.Tests;

namespace DoseWatch.Core.Tests.Derived;

/// <summary>
/// SSDE and effective dose against hand computations from the coefficients as printed in the reference
/// (../shared/reference/dicom-dose-reference.md §8.6 and §8.7), parsed from that file by the test.
/// </summary>
public sealed partial class DerivedEstimateTests
{
    private static string ReferenceText => File.ReadAllText(Path.Combine(SharedSamples.SharedDirectory, "reference", "dicom-dose-reference.md"));

    private static bool ReferenceAvailable => File.Exists(Path.Combine(SharedSamples.SharedDirectory, "reference", "dicom-dose-reference.md"));

    [GeneratedRegex(@"^\| (?<phantom>32|16) cm \(IEC (Body|Head), 11369[01]\) \| (?<a>[0-9.]+) \| (?<b>[0-9.]+) \|", RegexOptions.Multiline)]
    private static partial Regex SsdeRow();

    [GeneratedRegex(@"^\| (?<region>Head|Head & neck|Neck|Chest|Abdomen & pelvis|Trunk)( ⚠)? \| (?<k>[0-9.]+) \| (?<k1>[0-9.]+) \| (?<k5>[0-9.]+) \| (?<k10>[0-9.]+) \| (?<adult>[0-9.]+) \|", RegexOptions.Multiline)]
    private static partial Regex KFactorRow();

    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    [SamplesTheory]
    [InlineData(CtdiPhantom.Body32, "32", 250.0, 12.3)]
    [InlineData(CtdiPhantom.Head16, "16", 160.0, 40.1)]
    [InlineData(CtdiPhantom.Body32, "32", 300.0, 9.0)]
    public void Ssde_from_water_equivalent_diameter_follows_AAPM_220(CtdiPhantom phantom, string phantomCm, double dwMm, double ctdiVol)
    {
        Assert.True(ReferenceAvailable);
        var row = SsdeRow().Matches(ReferenceText).Single(m => m.Groups["phantom"].Value == phantomCm);
        var expected = D(row.Groups["a"].Value) * Math.Exp(-D(row.Groups["b"].Value) * (dwMm / 10)) * ctdiVol;
        var ev = new IrradiationEvent { EventUid = "1", Source = DoseSourceKind.CtRdsr, CtdiVolMGy = ctdiVol, Phantom = phantom, WaterEquivalentDiameterMm = dwMm };
        var estimate = SizeSpecificDoseEstimate.Estimate(ev);
        Assert.NotNull(estimate);
        Assert.Equal(expected, estimate!.Value, 9);
        Assert.Contains("AAPM Report 220", estimate.Method);
    }

    [Fact]
    public void No_ssde_without_a_diameter_phantom_or_inside_the_fitted_range()
    {
        var ev = new IrradiationEvent { EventUid = "1", Source = DoseSourceKind.CtRdsr, CtdiVolMGy = 10, Phantom = CtdiPhantom.Body32 };
        Assert.Null(SizeSpecificDoseEstimate.Estimate(ev));
        Assert.Null(SizeSpecificDoseEstimate.Estimate(ev with { WaterEquivalentDiameterMm = 300, Phantom = null }));
        Assert.Null(SizeSpecificDoseEstimate.Estimate(ev with { WaterEquivalentDiameterMm = 600 }));
        Assert.Null(SizeSpecificDoseEstimate.Estimate(ev with { EffectiveDiameterMm = 50 }));
    }

    [SamplesTheory]
    [InlineData("Chest", "51185008", 40.0, "adult")]
    [InlineData("Head", "69536005", 0.5, "k")]
    [InlineData("Head", "69536005", 3.0, "k1")]
    [InlineData("Trunk", "416775004", 7.0, "k5")]
    [InlineData("Abdomen & pelvis", "12921003", 12.0, "k10")]
    [InlineData("Neck", "45048000", null, "adult")]
    public void Effective_dose_is_k_times_dlp_with_the_age_band_of_the_patient(string region, string sctCode, double? ageYears, string column)
    {
        Assert.True(ReferenceAvailable);
        var row = KFactorRow().Matches(ReferenceText).Single(m => m.Groups["region"].Value == region);
        const double dlp = 512.5;
        var expected = D(row.Groups[column].Value) * dlp;
        var ev = new IrradiationEvent { EventUid = "1", Source = DoseSourceKind.CtRdsr, DlpMGyCm = dlp, TargetRegion = new ConceptCode(sctCode, "SCT") };
        var estimate = EffectiveDoseFromDlp.Estimate(ev, ageYears);
        Assert.NotNull(estimate);
        Assert.Equal(expected, estimate!.Value, 9);
        Assert.Equal("mSv", estimate.Unit);
    }

    [Fact]
    public void Legacy_srt_target_regions_find_their_k_factor_and_unknown_regions_get_none()
    {
        Assert.Equal(KFactorRegion.Chest, EffectiveDoseFromDlp.RegionOf(new ConceptCode("T-D3000", "SRT")));
        Assert.Null(EffectiveDoseFromDlp.RegionOf(new ConceptCode("T-D3000", "99LOCAL")));
        Assert.Null(EffectiveDoseFromDlp.Estimate(new IrradiationEvent { EventUid = "1", Source = DoseSourceKind.CtRdsr, DlpMGyCm = 100 }, 40));
    }
}
