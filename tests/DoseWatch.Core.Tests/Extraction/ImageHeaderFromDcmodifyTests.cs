using DoseWatch.Core.Domain;
using DoseWatch.Core.Extraction;
using DoseWatch.Dicom;
using DoseWatch.Tests;

namespace DoseWatch.Core.Tests.Extraction;

/// <summary>
/// MR, US and CT image-header extraction on real images (pydicom's MR_small/CT_small, a DX sample turned into a US image)
/// given safety and dose attributes with DCMTK dcmodify; expectations are read back from the same files with dcmdump.
/// </summary>
public sealed class ImageHeaderFromDcmodifyTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("dosewatch-dcmodify-");

    public void Dispose() => _directory.Delete(recursive: true);

    private static string PydicomTestFile(string name)
    {
        var path = Path.Combine("/usr/lib/python3/dist-packages/pydicom/data/test_files", name);
        Assert.True(File.Exists(path), $"{path} missing: install python3-pydicom (scripts/install-test-deps.sh)");
        return path;
    }

    private static IrradiationEvent SingleEvent(string path)
    {
        var result = DoseExtractor.Extract(DicomReader.ReadFile(path));
        Assert.Equal(ExtractionKind.DoseObject, result.Kind);
        return Assert.Single(result.Events);
    }

    [Fact]
    public void Mr_safety_values_are_read_per_series()
    {
        var mr = Dcmtk.Modified(PydicomTestFile("MR_small.dcm"), _directory.FullName, "mr1.dcm",
            "-i", "(0018,1316)=1.37", "-i", "(0018,1318)=42.5", "-i", "(0018,1320)=2.85", "-i", "(0018,9179)=IEC_WHOLE_BODY",
            "-i", "(0018,9176)[0].(0018,9177)=RF", "-i", "(0018,9176)[0].(0018,9178)=IEC_FIRST_LEVEL");
        var sameSeries = Dcmtk.Modified(mr, _directory.FullName, "mr2.dcm", "-m", "(0008,0018)=1.2.826.0.1.3680043.8.498.424242", "-m", "(0018,1316)=0.9");

        var ev = SingleEvent(mr);
        var other = SingleEvent(sameSeries);

        Assert.Equal(DoseSourceKind.MrImageHeader, ev.Source);
        Assert.Equal(Dcmtk.Value(mr, "0020,000e"), ev.EventUid);
        Assert.Equal(ev.EventUid, other.EventUid); // one record per series, not per image
        Assert.Equal(Dcmtk.Number(mr, "0018,1316"), ev.SarWPerKg);
        Assert.Equal(Dcmtk.Number(mr, "0018,1318"), ev.DbdtTPerS);
        Assert.Equal(Dcmtk.Number(mr, "0018,1320")!.Value, ev.B1rmsUT!.Value, 6); // FL: dcmdump prints 8 significant digits
        Assert.Equal(Dcmtk.Value(mr, "0018,9179"), ev.SarDefinition);
        Assert.Equal($"{Dcmtk.Value(mr, "0018,9177")}:{Dcmtk.Value(mr, "0018,9178")}", ev.OperatingMode);
        Assert.Equal(Dcmtk.Number(mr, "0018,0087"), ev.FieldStrengthT);
        Assert.Equal(Dcmtk.Number(sameSeries, "0018,1316"), other.SarWPerKg);
    }

    [SamplesFact]
    public void Ultrasound_output_indices_are_read_per_image()
    {
        var us = Dcmtk.Modified(SharedSamples.Path_("openrem/DX-Im-GE_XR220-1.dcm"), _directory.FullName, "us.dcm",
            "-m", "(0008,0016)=1.2.840.10008.5.1.4.1.1.6.1", "-m", "(0008,0060)=US",
            "-i", "(0018,5022)=0.8", "-i", "(0018,5027)=0.4", "-i", "(0018,5024)=0.6", "-i", "(0018,5026)=0.3", "-i", "(0018,5010)=C5-1");

        var ev = SingleEvent(us);

        Assert.Equal(DoseSourceKind.UsImageHeader, ev.Source);
        Assert.Equal(Dcmtk.Value(us, "0008,0018"), ev.EventUid);
        Assert.Equal(Dcmtk.Number(us, "0018,5022"), ev.MechanicalIndex);
        Assert.Equal(Dcmtk.Number(us, "0018,5027"), ev.ThermalIndexSoftTissue);
        Assert.Equal(Dcmtk.Number(us, "0018,5024"), ev.ThermalIndexBone);
        Assert.Equal(Dcmtk.Number(us, "0018,5026"), ev.ThermalIndexCranialBone);
        Assert.Equal(Dcmtk.Value(us, "0018,5010"), ev.Transducer);
        Assert.Null(ev.DapGyCm2); // an ultrasound record carries no X-ray dose
    }

    [Fact]
    public void Ct_image_headers_give_one_event_per_acquisition_in_canonical_units()
    {
        var ct = Dcmtk.Modified(PydicomTestFile("CT_small.dcm"), _directory.FullName, "ct1.dcm",
            "-i", "(0018,9345)=12.5", "-i", "(0018,9346)[0].(0008,0100)=113691", "-i", "(0018,9346)[0].(0008,0102)=DCM", "-i", "(0018,1271)=280");
        var nextImage = Dcmtk.Modified(ct, _directory.FullName, "ct2.dcm", "-m", "(0008,0018)=1.2.826.0.1.3680043.8.498.434343");

        var ev = SingleEvent(ct);
        var other = SingleEvent(nextImage);

        Assert.Equal(DoseSourceKind.CtImageHeader, ev.Source);
        Assert.Equal($"{Dcmtk.Value(ct, "0020,000e")}/{Dcmtk.Value(ct, "0020,0012")}", ev.EventUid);
        Assert.Equal(ev.EventUid, other.EventUid); // never one event per image
        Assert.Equal(Dcmtk.Number(ct, "0018,9345"), ev.CtdiVolMGy);
        Assert.Equal(CtdiPhantom.Body32, ev.Phantom);
        Assert.Equal(Dcmtk.Number(ct, "0018,0060"), ev.Kvp);
        Assert.Equal(Dcmtk.Number(ct, "0018,1151"), ev.TubeCurrentMA);
        Assert.Equal(Dcmtk.Number(ct, "0018,1150")! / 1000, ev.ExposureTimeS); // (0018,1150) is in ms
        Assert.Equal(Dcmtk.Number(ct, "0018,1271"), ev.WaterEquivalentDiameterMm);
        Assert.Contains(ev.Estimates, e => e.Quantity == "SSDE" && e.Method.Contains("AAPM Report 220"));
        Assert.Null(ev.DlpMGyCm); // not in CT image headers: null, not 0
    }

    [Fact]
    public void Enhanced_mr_and_ct_values_are_found_in_their_functional_groups()
    {
        var mr = Dcmtk.Modified(PydicomTestFile("MR_small.dcm"), _directory.FullName, "emr.dcm",
            "-m", "(0008,0016)=1.2.840.10008.5.1.4.1.1.4.1",
            "-i", "(5200,9229)[0].(0018,9112)[0].(0018,9239)[0].(0018,9179)=IEC_HEAD",
            "-i", "(5200,9229)[0].(0018,9112)[0].(0018,9239)[0].(0018,9181)=2.4",
            "-i", "(5200,9229)[0].(0018,9112)[0].(0018,9180)=DB_DT",
            "-i", "(5200,9229)[0].(0018,9112)[0].(0018,9182)=55.5");
        var ct = Dcmtk.Modified(PydicomTestFile("CT_small.dcm"), _directory.FullName, "ect.dcm",
            "-m", "(0008,0016)=1.2.840.10008.5.1.4.1.1.2.1",
            "-i", "(5200,9229)[0].(0018,9321)[0].(0018,9345)=7.5",
            "-i", "(5200,9229)[0].(0018,9321)[0].(0018,9346)[0].(0008,0100)=113690",
            "-i", "(5200,9229)[0].(0018,9321)[0].(0018,9346)[0].(0008,0102)=DCM",
            "-i", "(5200,9229)[0].(0018,9308)[0].(0018,9311)=0.984");

        var mrEvent = SingleEvent(mr);
        var ctEvent = SingleEvent(ct);

        Assert.Equal(Dcmtk.Number(mr, "0018,9181"), mrEvent.SarWPerKg);
        Assert.Equal(Dcmtk.Value(mr, "0018,9179"), mrEvent.SarDefinition);
        Assert.Equal(Dcmtk.Number(mr, "0018,9182"), mrEvent.DbdtTPerS);
        Assert.Equal(Dcmtk.Number(ct, "0018,9345"), ctEvent.CtdiVolMGy);
        Assert.Equal(CtdiPhantom.Head16, ctEvent.Phantom);
        Assert.Equal(Dcmtk.Number(ct, "0018,9311"), ctEvent.PitchFactor);
    }
}
