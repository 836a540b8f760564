using System.Buffers.Binary;
using DoseWatch.Tests;

namespace DoseWatch.Dicom.Tests.IO;

/// <summary>Reading from network-like streams: segmenting does not change the result, and a huge pixel value is
/// streamed or skipped in memory proportional to the header.</summary>
public class StreamingTests
{
    private const string PydicomTestFiles = "/usr/lib/python3/dist-packages/pydicom/data/test_files";

    public static TheoryData<string> SegmentCases()
    {
        var data = new TheoryData<string>();
        foreach (var s in SharedSamples.All()) data.Add(SharedSamples.Path_(s));
        // Every encoding path: deflate, big endian, implicit, no meta header, encapsulated, UN sequences.
        foreach (var f in new[] { "image_dfl.dcm", "ExplVR_BigEnd.dcm", "ExplVR_BigEndNoMeta.dcm", "ExplVR_LitEndNoMeta.dcm",
                     "MR_small_implicit.dcm", "no_meta_group_length.dcm", "JPEG2000.dcm", "UN_sequence.dcm", "nested_priv_SQ.dcm" })
            data.Add(Path.Combine(PydicomTestFiles, f));
        return data;
    }

    [SamplesTheory]
    [MemberData(nameof(SegmentCases))]
    public void One_byte_per_read_gives_the_same_data_set(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var whole = DicomReader.Read(new MemoryStream(bytes));
        var trickled = DicomReader.Read(new TrickleStream(new MemoryStream(bytes), maxChunk: 1));

        Assert.Equal(whole.TransferSyntax, trickled.TransferSyntax);
        Assert.Equal(Encode(whole.Meta), Encode(trickled.Meta));
        Assert.Equal(Encode(whole.DataSet), Encode(trickled.DataSet));
        Assert.True(whole.DataSet.Count > 0);
    }

    private static byte[] Encode(DicomDataSet ds) => DicomWriter.Encode(ds, DicomTransferSyntax.ExplicitVRLittleEndian);

    /// <summary>Part 10 header of a multi-frame image whose Pixel Data element (OW, <paramref name="pixelBytes"/>) follows.</summary>
    private static byte[] LargeImageHeader(long pixelBytes)
    {
        var ds = new DicomDataSet()
            .SetString(DicomTag.SopClassUid, DicomVR.UI, "1.2.840.10008.5.1.4.1.1.2.1")
            .SetString(DicomTag.SopInstanceUid, DicomVR.UI, "2.25.1234")
            .SetString(DicomTag.Modality, DicomVR.CS, "CT");
        using var m = new MemoryStream();
        DicomWriter.WriteFileMetaInformation(m, DicomFileMeta.Create("1.2.840.10008.5.1.4.1.1.2.1", "2.25.1234", DicomTransferSyntax.ExplicitVRLittleEndian));
        DicomWriter.WriteDataSet(m, ds, DicomTransferSyntax.ExplicitVRLittleEndian);
        Span<byte> h = stackalloc byte[12];
        BinaryPrimitives.WriteUInt16LittleEndian(h, 0x7FE0);
        BinaryPrimitives.WriteUInt16LittleEndian(h[2..], 0x0010);
        h[4] = (byte)'O';
        h[5] = (byte)'W';
        BinaryPrimitives.WriteUInt32LittleEndian(h[8..], checked((uint)pixelBytes));
        m.Write(h);
        return m.ToArray();
    }

    private const long PixelBytes = 200L * 1024 * 1024;

    [Fact]
    public void A_200_MB_pixel_value_streams_to_a_sink_in_small_memory()
    {
        DicomDictionary.Lookup(DicomTag.PatientName); // load the dictionary before measuring
        var header = LargeImageHeader(PixelBytes);
        var sink = new PatternCheckingSink();
        var before = GC.GetAllocatedBytesForCurrentThread();

        var file = DicomReader.Read(new GeneratedStream(header, PixelBytes), new DicomReadOptions { PixelDataSink = sink });

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(PixelBytes, sink.Received);
        Assert.Equal(0, sink.Mismatches);
        var pixel = file.DataSet.Get(DicomTag.PixelData)!;
        Assert.True(pixel.IsValueSkipped);
        Assert.Equal(PixelBytes, pixel.Length);
        Assert.Equal(header.Length, pixel.SourceOffset);
        Assert.Equal("CT", file.DataSet.GetString(DicomTag.Modality));
        Assert.True(allocated < 2 * 1024 * 1024, $"allocated {allocated:N0} bytes to stream {PixelBytes:N0}");
    }

    [Fact]
    public void A_200_MB_pixel_value_is_skipped_above_the_threshold_in_small_memory()
    {
        DicomDictionary.Lookup(DicomTag.PatientName);
        var header = LargeImageHeader(PixelBytes);
        var before = GC.GetAllocatedBytesForCurrentThread();

        var file = DicomReader.Read(new GeneratedStream(header, PixelBytes), new DicomReadOptions { LargeValueThreshold = 64 * 1024 });

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(file.DataSet.Get(DicomTag.PixelData)!.IsValueSkipped);
        Assert.Equal(PixelBytes, file.DataSet.Get(DicomTag.PixelData)!.Length);
        Assert.True(allocated < 2 * 1024 * 1024, $"allocated {allocated:N0} bytes to skip {PixelBytes:N0}");
    }

    [Fact]
    public void Stop_before_pixel_data_reads_only_the_header()
    {
        var header = LargeImageHeader(PixelBytes);
        var source = new GeneratedStream(header, PixelBytes);
        var file = DicomReader.Read(new TrickleStream(source, 4096), new DicomReadOptions { StopBeforePixelData = true });
        Assert.False(file.DataSet.Contains(DicomTag.PixelData));
        Assert.Equal("CT", file.DataSet.GetString(DicomTag.Modality));
    }

    [Fact]
    public void Encapsulated_pixel_data_streams_its_fragments_to_the_sink_or_is_skipped()
    {
        var path = Path.Combine(PydicomTestFiles, "JPEG2000.dcm");
        var full = DicomReader.ReadFile(path);
        var fragments = Assert.IsType<DicomFragments>(full.DataSet.Get(DicomTag.PixelData));
        var expected = fragments.Fragments.SelectMany(f => f.ToArray()).ToArray();

        var sink = new MemoryStream();
        var streamed = DicomReader.Read(new TrickleStream(File.OpenRead(path), 100), new DicomReadOptions { PixelDataSink = sink });
        Assert.Equal(expected, sink.ToArray());
        Assert.True(streamed.DataSet.Get(DicomTag.PixelData)!.IsValueSkipped);

        var skipped = DicomReader.ReadFile(path, new DicomReadOptions { LargeValueThreshold = 16 });
        var pixel = skipped.DataSet.Get(DicomTag.PixelData)!;
        Assert.True(pixel.IsValueSkipped);
        // Length of the whole encapsulated value: every item header (8 bytes) and value, delimiter excluded.
        Assert.Equal(8 + fragments.OffsetTable.Length + fragments.Fragments.Sum(f => 8 + f.Length), pixel.Length);
    }
}
