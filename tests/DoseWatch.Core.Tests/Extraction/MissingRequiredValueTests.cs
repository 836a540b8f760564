using System.Text.Json;
using DoseWatch.Core.Extraction;
using DoseWatch.Dicom;
using DoseWatch.Tests;

namespace DoseWatch.Core.Tests.Extraction;

/// <summary>
/// Issue #16 item 5: a CT RDSR whose acquisition lacks Mean CTDIvol (mandatory in TID 10014) is extracted with a warning
/// that names the acquisition and the value, not silently. The variant is written by pydicom from a real sample at test
/// time (independent/drop_item.py), which also says which acquisition lost the value.
/// </summary>
public sealed class MissingRequiredValueTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("dosewatch-missing-");

    public void Dispose() => _directory.Delete(recursive: true);

    [SamplesFact]
    public void A_ct_acquisition_without_mean_ctdivol_is_extracted_with_a_warning_naming_it()
    {
        var source = SharedSamples.Path_("openrem/CT-RDSR-Siemens_Flash-TAP-SS.dcm");
        var original = DoseExtractor.Extract(DicomReader.ReadFile(source));
        Assert.DoesNotContain(original.Warnings, w => w.Message.Contains("required value missing", StringComparison.Ordinal));

        var variant = Path.Combine(_directory.FullName, "no-ctdivol.dcm");
        using var dropped = JsonDocument.Parse(ExternalTool.Python("drop_item.py", source, variant, "113830"));
        var position = dropped.RootElement.GetProperty("position").GetInt32();
        Assert.Equal("113819", dropped.RootElement.GetProperty("container").GetString());

        var result = DoseExtractor.Extract(DicomReader.ReadFile(variant));

        Assert.Equal(Domain.ExtractionKind.DoseObject, result.Kind);
        Assert.Null(result.Events[position - 1].CtdiVolMGy);
        var warning = Assert.Single(result.Warnings, w => w.Message.Contains("Mean CTDIvol", StringComparison.Ordinal));
        Assert.Contains($"#{position}", warning.Where, StringComparison.Ordinal);
        Assert.Contains("required value missing", warning.Message, StringComparison.Ordinal);
        Assert.Equal(dropped.RootElement.GetProperty("left").GetInt32(), result.Events.Count(e => e.CtdiVolMGy is not null));
    }
}
