using DoseWatch.Core.Domain;
using DoseWatch.Core.Extraction;
using DoseWatch.Dicom;
using DoseWatch.Tests;

namespace DoseWatch.Core.Tests.Extraction.Quirks;

/// <summary>
/// Vendor quirk (issue #16 item 4): a mammography image with an element of VR UN and undefined length whose items
/// are encoded in Explicit VR (PS3.5 §6.2.2 requires Implicit VR). pydicom reads such a file; DoseWatch refused it and
/// the image went to quarantine. No sample has the fault, so independent/un_explicit_items.py makes one at test time
/// from a real GE mammography image (raw bytes spliced before the pixel data) and reports pydicom's reading of it.
/// </summary>
public sealed class UnSequenceWithExplicitVrItemsTests : IDisposable
{
    private const string Source = "openrem/MG-Im-GE_Seno_1_ForPresentation.dcm";
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("dosewatch-un-explicit-");

    public void Dispose() => _folder.Delete(recursive: true);

    private (string Path, System.Text.Json.Nodes.JsonNode Pydicom) Make()
    {
        var target = Path.Combine(_folder.FullName, "mg-un-explicit.dcm");
        var reading = IndependentPython.Run(new { source = SharedSamples.Path_(Source), target },
            Path.Combine(IndependentReading.ScriptDirectory, "un_explicit_items.py"));
        return (target, reading);
    }

    [SamplesFact]
    public void The_element_is_read_as_pydicom_reads_it_and_the_reading_is_noted()
    {
        var (path, pydicom) = Make();

        var file = DicomReader.ReadFile(path);

        var sequence = Assert.IsType<DicomSequence>(file.DataSet.Get(new DicomTag(0x7FD1, 0x1001)));
        Assert.Equal(pydicom["items"]!.GetValue<int>(), sequence.Items.Count);
        var item = sequence.Items[0];
        Assert.Equal(pydicom["codeValue"]!.GetValue<string>(), item.GetString(new DicomTag(0x0008, 0x0100))?.Trim());
        Assert.Equal(pydicom["scheme"]!.GetValue<string>(), item.GetString(new DicomTag(0x0008, 0x0102))?.Trim());
        Assert.Equal(pydicom["meaning"]!.GetValue<string>(), item.GetString(new DicomTag(0x0008, 0x0104))?.Trim());
        Assert.Contains(file.LenientReadings, r => r.Contains("(7FD1,1001)", StringComparison.OrdinalIgnoreCase) && r.Contains("Explicit VR", StringComparison.Ordinal));
    }

    [SamplesFact]
    public void The_image_is_extracted_as_the_unmodified_one_with_a_warning()
    {
        var (path, _) = Make();

        var result = DoseExtractor.Extract(DicomReader.ReadFile(path));
        var original = DoseExtractor.Extract(DicomReader.ReadFile(SharedSamples.Path_(Source)));

        Assert.Equal(ExtractionKind.DoseObject, result.Kind);
        Assert.Equal(original.Events, result.Events, (a, b) => a with { Estimates = [], XRaySources = [] } == b with { Estimates = [], XRaySources = [] });
        Assert.NotNull(Assert.Single(result.Events).AgdMGy);
        Assert.Contains(DoseExtractor.LenientDicomEncoding, result.AppliedFixes);
        Assert.Contains(result.Warnings, w => w.Where == "DICOM encoding" && w.Message.Contains("UN of undefined length", StringComparison.Ordinal));
        Assert.DoesNotContain(DoseExtractor.LenientDicomEncoding, original.AppliedFixes);
    }
}
