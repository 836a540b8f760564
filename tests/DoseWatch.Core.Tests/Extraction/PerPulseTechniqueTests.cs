using System.Globalization;
using System.Text.Json;
using DoseWatch.Core.Extraction;
using DoseWatch.Core.Extraction.ProjectionRdsr;
using DoseWatch.Dicom;
using DoseWatch.Tests;

namespace DoseWatch.Core.Tests.Extraction;

/// <summary>
/// Issue #16 item 3: an event's per-pulse kVp and tube current are averaged over the pulses that exposed; exact-zero
/// pulses are left out. No sample lists per-pulse values, so pydicom writes a variant of a real fluoroscopy RDSR at test
/// time (independent/pulse_variant.py) and numpy gives the expected means, read back from the written file.
/// </summary>
public sealed class PerPulseTechniqueTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("dosewatch-pulses-");

    public void Dispose() => _directory.Delete(recursive: true);

    [SamplesFact]
    public void Per_pulse_kvp_and_tube_current_are_averaged_over_the_exposing_pulses()
    {
        var variant = Path.Combine(_directory.FullName, "pulses.dcm");
        using var expected = JsonDocument.Parse(ExternalTool.Python("pulse_variant.py", SharedSamples.Path_("openrem/RF-RDSR-Siemens-Zee.dcm"), variant));
        var root = expected.RootElement;
        Assert.Contains(0.0, root.GetProperty("kvp").EnumerateArray().Select(v => v.GetDouble())); // the variant has zero pulses to leave out

        var result = DoseExtractor.Extract(DicomReader.ReadFile(variant));

        var first = result.Events[0];
        Assert.Equal(root.GetProperty("kvpMean").GetDouble(), first.Kvp!.Value, 9);
        Assert.Equal(root.GetProperty("maMean").GetDouble(), first.TubeCurrentMA!.Value, 9);
        var allPulses = root.GetProperty("kvp").EnumerateArray().Average(v => v.GetDouble());
        Assert.NotEqual(allPulses, first.Kvp.Value, 3); // the old mean over every entry would have been this
    }

    [Theory]
    [InlineData(new double[] { 0, 85, 85, 68 }, 238.0 / 3)]
    [InlineData(new double[] { 0, 0 }, 0.0)]
    [InlineData(new double[] { 70 }, 70.0)]
    public void Exact_zero_pulses_are_no_exposure(double[] perPulse, double mean) =>
        Assert.Equal(mean, ProjectionRadiationDoseExtractor.ExposingPulseMean(perPulse)!.Value, 12);

    [Fact]
    public void No_values_is_not_reported() =>
        Assert.Null(ProjectionRadiationDoseExtractor.ExposingPulseMean([]));
}
