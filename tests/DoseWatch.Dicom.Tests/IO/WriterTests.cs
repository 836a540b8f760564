using System.Text.Json;

namespace DoseWatch.Dicom.Tests.IO;

public class WriterTests
{
    /// <summary>pydicom parses the meta group of our file; its stream position after the group gives the true byte
    /// count, which must equal the (0002,0000) we wrote.</summary>
    private const string MetaProbe = """
        import json, sys
        from pydicom.filereader import _read_file_meta_info, read_preamble
        with open(sys.argv[1], "rb") as fp:
            read_preamble(fp, False)
            start = fp.tell()
            meta = _read_file_meta_info(fp)
            print(json.dumps({"declared": meta.FileMetaInformationGroupLength, "actual": fp.tell() - start - 12,
                              "ts": meta.TransferSyntaxUID, "impl": meta.ImplementationClassUID,
                              "version": meta.ImplementationVersionName, "sop": meta.MediaStorageSOPInstanceUID}))
        """;

    [Fact]
    public void File_meta_has_the_right_group_length_and_DoseWatch_identity()
    {
        var dataSet = new DicomDataSet()
            .SetString(DicomTag.SopClassUid, DicomVR.UI, "1.2.840.10008.5.1.4.1.1.88.67")
            .SetString(DicomTag.SopInstanceUid, DicomVR.UI, "2.25.42")
            .SetString(DicomTag.Modality, DicomVR.CS, "SR");
        using var tmp = new TempDirectory();
        var path = tmp.File("meta.dcm");
        var meta = DicomFileMeta.Create("1.2.840.10008.5.1.4.1.1.88.67", "2.25.42", DicomTransferSyntax.ExplicitVRLittleEndian, "DOSEWATCH");
        DicomWriter.WriteFile(path, new DicomFile(meta, dataSet, DicomTransferSyntax.ImplicitVRLittleEndian));

        var run = ExternalTool.Run(ExternalTool.DebianPython, ["-c", MetaProbe, path]);
        Assert.True(run.ExitCode == 0, run.StdErr);
        var probe = JsonDocument.Parse(run.StdOut).RootElement;
        Assert.Equal(probe.GetProperty("actual").GetInt32(), probe.GetProperty("declared").GetInt32());
        Assert.Equal(DicomTransferSyntax.ImplicitVRLittleEndian.Uid, probe.GetProperty("ts").GetString()); // set to what was written
        Assert.Equal(DicomFileMeta.ImplementationClassUid, probe.GetProperty("impl").GetString());
        Assert.Equal(DicomFileMeta.ImplementationVersionName, probe.GetProperty("version").GetString());
        Assert.Equal("2.25.42", probe.GetProperty("sop").GetString());
        Assert.True(DicomFileMeta.ImplementationClassUid.Length <= 64); // UI maximum length (PS3.5 Table 6.2-1)

        var dcmdump = ExternalTool.Run("dcmdump", ["-q", path]);
        Assert.True(dcmdump.ExitCode == 0 && dcmdump.StdErr.Length == 0, dcmdump.StdErr);
    }

    [Fact]
    public void A_value_too_long_for_a_16_bit_length_is_written_as_UN_in_explicit_VR()
    {
        // Possible after reading Implicit VR, where every length is 32-bit: a 70,000-byte "LO" cannot be explicit LO.
        var big = new byte[70_000];
        Array.Fill(big, (byte)'A');
        var dataSet = new DicomDataSet().Set(new DicomElement(new DicomTag(0x0009, 0x1001), DicomVR.LO, big));

        var bytes = DicomWriter.Encode(dataSet, DicomTransferSyntax.ExplicitVRLittleEndian);
        var read = DicomReader.ReadDataSet(new MemoryStream(bytes), DicomTransferSyntax.ExplicitVRLittleEndian);

        var e = read.Get(new DicomTag(0x0009, 0x1001))!;
        Assert.Equal(DicomVR.UN, e.VR);
        Assert.Equal(big, e.Value.ToArray());
    }

    [Fact]
    public void A_skipped_value_cannot_be_written_silently()
    {
        var dataSet = new DicomDataSet().Set(DicomElement.Skipped(DicomTag.PixelData, DicomVR.OW, 1000, 500));
        Assert.Throws<InvalidOperationException>(() => DicomWriter.Encode(dataSet, DicomTransferSyntax.ExplicitVRLittleEndian));
    }
}
