using DoseWatch.Core.Extraction;
using DoseWatch.Core.Extraction.VendorFixes;
using DoseWatch.Dicom;
using DoseWatch.Tests;

namespace DoseWatch.Core.Tests.Extraction.Quirks;

/// <summary>
/// Vendor quirk (issue #16 item 4): GE's fluoroscopy RDSR, openrem/RF-RDSR-GE.dcm, sends the Device Observer UID
/// (121012) as TEXT instead of UIDREF. Read from the text with a warning, as pydicom and OpenREM read it.
/// </summary>
public sealed class GeDeviceObserverUidAsTextTests
{
    private const string Sample = "openrem/RF-RDSR-GE.dcm";

    // pydicom's reading of the 121012 item below the root: its value type and its text (or UID).
    private const string ReadObserverUid = """
        import json, sys, pydicom
        ds = pydicom.dcmread(json.load(sys.stdin)["file"])
        item = next(i for i in ds.ContentSequence if i.ConceptNameCodeSequence[0].CodeValue == "121012")
        print(json.dumps({"valueType": item.ValueType, "value": str(item.get("TextValue") or item.get("UID"))}))
        """;

    [SamplesFact]
    public void The_device_observer_uid_sent_as_text_is_read_with_a_warning()
    {
        var pydicom = IndependentPython.Run(new { file = SharedSamples.Path_(Sample) }, "-c", ReadObserverUid);
        Assert.Equal("TEXT", pydicom["valueType"]!.GetValue<string>()); // the quirk is really in the file

        var result = DoseExtractor.Extract(DicomReader.ReadFile(SharedSamples.Path_(Sample)));

        Assert.Equal(pydicom["value"]!.GetValue<string>(), result.Study!.Device.DeviceObserverUid);
        Assert.Equal("uid:" + pydicom["value"]!.GetValue<string>(), result.Study.Device.Key);
        Assert.Contains(DeviceObserverUidAsText.Name, result.AppliedFixes);
        Assert.Contains(result.Warnings, w => w.Where.Contains("121012", StringComparison.Ordinal) && w.Message.Contains("TEXT instead of UIDREF", StringComparison.Ordinal));
    }

    [SamplesFact]
    public void A_device_observer_uid_sent_as_uidref_needs_no_fix()
    {
        var result = DoseExtractor.Extract(DicomReader.ReadFile(SharedSamples.Path_("openrem/RF-RDSR-Siemens-Zee.dcm")));
        Assert.NotNull(result.Study!.Device.DeviceObserverUid);
        Assert.DoesNotContain(DeviceObserverUidAsText.Name, result.AppliedFixes);
    }
}
