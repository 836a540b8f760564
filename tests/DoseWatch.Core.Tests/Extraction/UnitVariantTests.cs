using DoseWatch.Core.Domain;
using DoseWatch.Core.Extraction;
using DoseWatch.Dicom;
using DoseWatch.Tests;

namespace DoseWatch.Core.Tests.Extraction;

/// <summary>
/// The same dose in another unit gives the same canonical value; an unknown unit gives no value and a warning.
/// Variants of real samples are written by pydicom (independent/rescale_units.py) or DCMTK dcmodify, never by DoseWatch.
/// </summary>
public sealed class UnitVariantTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("dosewatch-units-");

    public void Dispose() => _directory.Delete(recursive: true);

    private string Rescaled(string sample, string code, string unit, double factor)
    {
        var target = Path.Combine(_directory.FullName, $"{code}-{unit.Replace('/', '_')}.dcm");
        var changed = ExternalTool.Python("rescale_units.py", SharedSamples.Path_(sample), target, code, unit, factor.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(int.Parse(changed.Trim(), System.Globalization.CultureInfo.InvariantCulture) > 0, $"no {code} item rewritten");
        return target;
    }

    private static void Close(double? expected, double? actual, string what)
    {
        Assert.True(expected is not null && actual is not null, $"{what}: expected {expected}, DoseWatch has {actual}");
        Assert.True(Math.Abs(expected!.Value - actual!.Value) <= 1e-9 * Math.Max(1e-12, Math.Abs(expected.Value)), $"{what}: expected {expected}, DoseWatch has {actual}");
    }

    [SamplesTheory]
    [InlineData("openrem/RF-RDSR-Siemens-Zee.dcm", "113738", "mGy", 1000.0)]      // dose at the reference point in mGy instead of Gy
    [InlineData("openrem/RF-RDSR-Philips_Allura.dcm", "122130", "dGy.cm2", 1e5)]  // DAP in dGy·cm² instead of Gy·m²
    [InlineData("openrem/RF-RDSR-Philips_Allura.dcm", "122130", "cGy.cm2", 1e6)]  // ... or cGy·cm²
    public void A_projection_dose_in_another_unit_gives_the_same_canonical_value(string sample, string code, string unit, double factor)
    {
        var original = DoseExtractor.Extract(DicomReader.ReadFile(SharedSamples.Path_(sample)));
        var variant = Rescaled(sample, code, unit, factor);
        var result = DoseExtractor.Extract(DicomReader.ReadFile(variant));
        var reading = IndependentReading.Of(variant);

        Assert.Equal(original.Events.Count, result.Events.Count);
        for (var i = 0; i < result.Events.Count; i++)
        {
            var item = reading.Events[i].First(code);
            if (item?.Num() is not { Values: [var v, ..] } num) continue;
            Assert.Equal(unit, num.Unit);
            var (expected, actual, before) = code == "113738"
                ? (TestUnits.ToCanonical(v, num.Unit, "Gy"), result.Events[i].DoseRpGy, original.Events[i].DoseRpGy)
                : (TestUnits.ToCanonical(v, num.Unit, "Gy.cm2"), result.Events[i].DapGyCm2, original.Events[i].DapGyCm2);
            Close(expected, actual, $"event {i + 1} against pydicom");
            Close(before, actual, $"event {i + 1} against the original unit");
        }
    }

    [SamplesFact]
    public void An_unknown_unit_leaves_the_value_null_with_a_warning()
    {
        var path = Path.Combine(_directory.FullName, "furlong.dcm");
        File.Copy(SharedSamples.Path_("openrem/CT-RDSR-Siemens-Multi-1.dcm"), path);
        // Every NUM three levels down (CT Acquisition › CT Acquisition Parameters / CT Dose › NUM) gets an unknown unit.
        Dcmtk.Run("dcmodify", "-nb", "-imt", "-m", "(0040,a730)[*].(0040,a730)[*].(0040,a730)[*].(0040,a300)[0].(0040,08ea)[0].(0008,0100)=furlong", path);
        var reading = IndependentReading.Of(path);
        var result = DoseExtractor.Extract(DicomReader.ReadFile(path));

        var items = reading.Events[0];
        foreach (var (code, value) in new (string, double?)[] { ("113830", result.Events[0].CtdiVolMGy), ("113838", result.Events[0].DlpMGyCm), ("113824", result.Events[0].ExposureTimeS), ("113825", result.Events[0].ScanLengthMm) })
        {
            if (items.First(code)?.Num() is not { Values.Count: > 0, Unit: "furlong" }) continue;
            Assert.Null(value);
            Assert.Contains(result.Warnings, w => w.Message.Contains("'furlong'") && w.Where.Contains(items.First(code)!.Value.GetProperty("concept").GetProperty("meaning").GetString()!, StringComparison.OrdinalIgnoreCase));
        }
        Assert.Contains(result.Warnings, w => w.Message.Contains("'furlong'"));
        Assert.Equal(ExtractionKind.DoseObject, result.Kind);
    }
}
