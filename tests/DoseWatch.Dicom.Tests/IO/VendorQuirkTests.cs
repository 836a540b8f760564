using System.Buffers.Binary;

namespace DoseWatch.Dicom.Tests.IO;

/// <summary>Odd things real writers do, each read the way the standard or DCMTK/pydicom (checked here) read them.</summary>
public class VendorQuirkTests
{
    private const string PydicomTestFiles = "/usr/lib/python3/dist-packages/pydicom/data/test_files";

    [Fact]
    public void Implicit_VR_data_set_labelled_explicit_is_read_as_implicit_like_pydicom_and_dcmtk_assume_implicit()
    {
        var source = DicomReader.ReadFile(Path.Combine(PydicomTestFiles, "rtplan.dcm")); // Implicit VR LE
        Assert.Equal(DicomTransferSyntax.ImplicitVRLittleEndian, source.TransferSyntax);
        using var tmp = new TempDirectory();
        var path = tmp.File("mislabelled.dcm");
        using (var f = File.Create(path))
        {
            var meta = new DicomDataSet(source.Meta).SetString(DicomTag.TransferSyntaxUid, DicomVR.UI, DicomTransferSyntax.ExplicitVRLittleEndian.Uid);
            DicomWriter.WriteFileMetaInformation(f, meta);
            DicomWriter.WriteDataSet(f, source.DataSet, DicomTransferSyntax.ImplicitVRLittleEndian);
        }

        var read = DicomReader.ReadFile(path);

        Assert.Equal(DicomTransferSyntax.ImplicitVRLittleEndian, read.TransferSyntax);
        Assert.Equal(DicomWriter.Encode(source.DataSet, DicomTransferSyntax.ExplicitVRLittleEndian),
            DicomWriter.Encode(read.DataSet, DicomTransferSyntax.ExplicitVRLittleEndian));
        // The independent readers agree: DCMTK when told to fall back (-vr, --assume-implicit; it refuses by default),
        // pydicom by default, with the same element count.
        var dcmdump = ExternalTool.Run("dcmdump", ["-q", "-vr", path]);
        Assert.True(dcmdump.ExitCode == 0, dcmdump.StdErr);
        var pydicom = ExternalTool.Run(ExternalTool.DebianPython, ["-c", "import pydicom,sys; print(len(pydicom.dcmread(sys.argv[1])))", path]);
        Assert.Equal(read.DataSet.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), pydicom.StdOut.Trim());
    }

    [Fact]
    public void Unknown_VR_uses_the_reserved_bytes_and_32_bit_length_and_is_kept_as_UN()
    {
        // PS3.5 §6.2: VRs added in future use the 2-byte reserved + 4-byte length form, so a reader can skip them.
        var b = new byte[12 + 4 + 10];
        BinaryPrimitives.WriteUInt16LittleEndian(b, 0x0009);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(2), 0x1001);
        b[4] = (byte)'Q'; b[5] = (byte)'Q';
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(8), 4);
        b.AsSpan(12, 4).Fill(0xAB);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(16), 0x0010);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(18), 0x0020);
        b[20] = (byte)'L'; b[21] = (byte)'O';
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(22), 2);
        b[24] = (byte)'4'; b[25] = (byte)'2';

        var ds = DicomReader.ReadDataSet(new MemoryStream(b), DicomTransferSyntax.ExplicitVRLittleEndian);

        Assert.Equal(DicomVR.UN, ds.Get(new DicomTag(0x0009, 0x1001))!.VR);
        Assert.Equal(new byte[] { 0xAB, 0xAB, 0xAB, 0xAB }, ds.Get(new DicomTag(0x0009, 0x1001))!.Value.ToArray());
        Assert.Equal("42", ds.GetString(DicomTag.PatientId));
    }

    [Fact]
    public void A_command_set_round_trips_in_Implicit_VR_little_endian()
    {
        var command = new DicomDataSet()
            .SetString(new DicomTag(0x0000, 0x0002), DicomVR.UI, "1.2.840.10008.1.1")
            .SetUInt16(new DicomTag(0x0000, 0x0100), 0x0030)
            .SetUInt16(new DicomTag(0x0000, 0x0110), 7)
            .SetUInt16(new DicomTag(0x0000, 0x0800), 0x0101);
        var bytes = DicomWriter.Encode(command, DicomTransferSyntax.ImplicitVRLittleEndian);

        var read = DicomReader.ReadDataSet(new MemoryStream(bytes), DicomTransferSyntax.ImplicitVRLittleEndian);

        Assert.Equal((ushort)0x0030, read.GetUInt16(new DicomTag(0x0000, 0x0100)));
        Assert.Equal((ushort)7, read.GetUInt16(new DicomTag(0x0000, 0x0110)));
        Assert.Equal(DicomVR.US, read.Get(new DicomTag(0x0000, 0x0800))!.VR); // VR from the dictionary's group 0000
        Assert.Equal("1.2.840.10008.1.1", read.GetString(new DicomTag(0x0000, 0x0002)));
    }

    [Fact]
    public void A_truncated_file_reports_where_and_keeps_what_came_before()
    {
        var ex = Assert.Throws<DicomFormatException>(() => DicomReader.ReadFile(Path.Combine(PydicomTestFiles, "MR_truncated.dcm")));
        Assert.Equal(DicomTag.PixelData, ex.Tag);
        Assert.NotNull(ex.PartialDataSet);
        Assert.Equal("MR", ex.PartialDataSet!.GetString(DicomTag.Modality));
        Assert.False(ex.PartialDataSet.Contains(DicomTag.PixelData));
    }
}
