using DoseWatch.Core.Domain;
using DoseWatch.Core.Extraction;
using DoseWatch.Core.SkinDose;
using DoseWatch.Dicom;
using DoseWatch.Tests;
using Xunit.Abstractions;

namespace DoseWatch.Core.Tests.SkinDose;

/// <summary>
/// DoseWatch's peak skin dose against PySkinDose 25.1.1 run now on the same real RDSR, same phantom (elliptic
/// cylinder 150 cm, semi-axes 20/10 cm, sparse cells) and corrections (table and pad 0.8, 4 cm pad, 3.1 mm Al).
/// Each test writes its agreement line; docs/skin-dose.md carries the table.
/// </summary>
public sealed class SkinDoseAgreementTests(ITestOutputHelper output)
{
    private const double Tolerance = 0.10;

    public static string Resolve(string file) =>
        file.StartsWith("example:", StringComparison.Ordinal) ? PySkinDosePeer.ExampleData(file["example:".Length..]) : SharedSamples.Path_(file);

    private static SkinDoseResult DoseWatch(string path)
    {
        var extracted = DoseExtractor.Extract(DicomReader.ReadFile(path));
        return SkinDoseCalculator.Calculate(extracted.Study!.Device, extracted.Events, SkinDoseSettings.PySkinDoseExample);
    }

    /// <summary>Files on which PySkinDose hits skin: DoseWatch's map must agree within 10%.</summary>
    [SamplesTheory]
    [InlineData("pyskindose/siemens_axiom_artis.dcm")]
    [InlineData("example:siemens_axiom_example_procedure.dcm")]
    [InlineData("example:philips_allura_clarity_u601.dcm")]
    public void Peak_skin_dose_agrees_with_PySkinDose_where_it_hits_skin(string file)
    {
        var path = Resolve(file);
        var peer = PySkinDosePeer.Run(path);
        Assert.True(peer.Error is null, $"PySkinDose failed on {file}: {peer.Error}");
        Assert.True(peer.PeakSkinDoseMGy > 0, $"PySkinDose hit no skin on {file}");

        var ours = DoseWatch(path);

        Assert.Equal(SkinDoseMethod.Map, ours.Method);
        var difference = ours.PeakSkinDoseGy!.Value * 1000 / peer.PeakSkinDoseMGy!.Value - 1;
        var irradiatedCells = ours.Map!.DoseGy.Count(d => d > 0);
        output.WriteLine($"{file}: PySkinDose {peer.PeakSkinDoseMGy:0.0000} mGy ({peer.HitCells} cells), DoseWatch {ours.PeakSkinDoseGy * 1000:0.0000} mGy ({irradiatedCells} cells) at {ours.PeakLocation?.Describe()}: {difference * 100:0.000} %");
        Assert.InRange(difference, -Tolerance, Tolerance);
        // The same skin is irradiated: the beam placement (angles, table, field) is checked cell by cell, not only at the peak.
        Assert.Equal(peer.HitCells, irradiatedCells);
        // The dose at the reference point is the same sum on both sides (the air kerma PySkinDose reports).
        Assert.Equal(peer.ReferencePointKermaMGy!.Value, ours.ReferencePointDoseGy!.Value * 1000, 6);
    }

    /// <summary>
    /// Files on which PySkinDose gives no peak skin dose (it raises, or no beam hits its sparse phantom): DoseWatch must
    /// not show a map it cannot stand behind; it falls back to the dose at the reference point and says why.
    /// </summary>
    [SamplesTheory]
    [InlineData("pyskindose/philips_allura_clarity_u104.dcm")]
    [InlineData("openrem/RF-RDSR-Siemens-Zee.dcm")]
    [InlineData("openrem/RF-RDSR-Siemens-Zee_adjusted.dcm")]
    [InlineData("openrem/RF-RDSR-Canon-Alphenix-rotational.dcm")]
    [InlineData("openrem/RF-RDSR-GE.dcm")]
    [InlineData("openrem/RF-RDSR-GE-OECEliteMiniView.dcm")]
    [InlineData("openrem/RF-RDSR-Philips_Allura.dcm")]
    [InlineData("openrem/RF-No-kVp-and-others.dcm")]
    [InlineData("openrem/Dual-RDSR-RF.dcm")]
    [InlineData("openrem/RF-Pat-Orientation-Modifier-Missing.dcm")]
    [InlineData("openrem/RF-ESR-Siemens-Varic.dcm")]
    public void Without_PySkinDose_skin_hit_DoseWatch_falls_back_to_the_reference_point_with_the_reason(string file)
    {
        var path = Resolve(file);
        var peer = PySkinDosePeer.Run(path);
        var ours = DoseWatch(path);
        output.WriteLine($"{file}: PySkinDose {(peer.Error ?? $"{peer.PeakSkinDoseMGy:0.####} mGy, {peer.HitCells} cells hit")}; DoseWatch: {ours.Method}, {ours.NotComputedReason}");

        Assert.True(peer.Error is not null || peer.PeakSkinDoseMGy == 0, $"PySkinDose now computes {peer.PeakSkinDoseMGy} mGy on {file}: move it to the agreement test");
        Assert.Equal(SkinDoseMethod.ReferencePointDose, ours.Method);
        Assert.Null(ours.Map);
        Assert.Null(ours.PeakSkinDoseGy);
        Assert.False(string.IsNullOrWhiteSpace(ours.NotComputedReason));
        var extracted = DoseExtractor.Extract(DicomReader.ReadFile(path));
        Assert.Equal(extracted.Events.Sum(e => e.DoseRpGy ?? 0), ours.ReferencePointDoseGy ?? 0, 12);
    }
}
