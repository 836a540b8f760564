using System.Buffers.Binary;

namespace DoseWatch.Dicom.Tests.IO;

/// <summary>Bad input ends in one DicomFormatException naming offset and tag, without allocating what a length field claims.</summary>
public class HostileInputTests
{
    /// <summary>A bare Explicit VR LE data set: (0008,0060) CS "CT", then (0009,1010) OB with the given length and a few bytes.</summary>
    private static byte[] WithHugeLength(uint length)
    {
        var b = new byte[8 + 2 + 12 + 16];
        BinaryPrimitives.WriteUInt16LittleEndian(b, 0x0008);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(2), 0x0060);
        b[4] = (byte)'C'; b[5] = (byte)'S';
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(6), 2);
        b[8] = (byte)'C'; b[9] = (byte)'T';
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(10), 0x0009);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(12), 0x1010);
        b[14] = (byte)'O'; b[15] = (byte)'B';
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(18), length);
        return b;
    }

    [Theory]
    [InlineData(0xFFFFFFF0u, true)]
    [InlineData(0xFFFFFFF0u, false)]
    [InlineData(0x7FFFFFFFu, false)]
    [InlineData(0x20000000u, false)] // 512 MiB: under the 1 GiB cap, so only growth-with-arrival protects a network stream
    public void A_huge_length_is_a_format_error_without_a_huge_allocation(uint length, bool seekable)
    {
        var bytes = WithHugeLength(length);
        Stream source = seekable ? new MemoryStream(bytes) : new TrickleStream(new MemoryStream(bytes), 4096);
        DicomDictionary.Lookup(DicomTag.PatientName);
        var before = GC.GetAllocatedBytesForCurrentThread();

        var ex = Assert.Throws<DicomFormatException>(() => DicomReader.Read(source));

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 4 * 1024 * 1024);
        Assert.Equal(new DicomTag(0x0009, 0x1010), ex.Tag);
        Assert.True(ex.Offset is 10 or 22 or 38, $"offset {ex.Offset}");
        Assert.Contains("(0009,1010)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Max_value_length_is_enforced_before_reading()
    {
        var bytes = WithHugeLength(1000);
        Array.Resize(ref bytes, bytes.Length + 1000);
        var ex = Assert.Throws<DicomFormatException>(() => DicomReader.Read(new MemoryStream(bytes), new DicomReadOptions { MaxValueLength = 999 }));
        Assert.Equal(new DicomTag(0x0009, 0x1010), ex.Tag);
        Assert.Equal(10, ex.Offset);
    }

    [Fact]
    public void Deep_nesting_is_bounded()
    {
        // 200 nested undefined-length sequences, each in an undefined-length item (Implicit VR LE, bare data set).
        using var m = new MemoryStream();
        Span<byte> h = stackalloc byte[8];
        for (var i = 0; i < 200; i++)
        {
            Write(m, h, 0x0040, 0xA730, 0xFFFFFFFF); // Content Sequence
            Write(m, h, 0xFFFE, 0xE000, 0xFFFFFFFF); // Item
        }
        m.Position = 0;
        var ex = Assert.Throws<DicomFormatException>(() => DicomReader.Read(m));
        Assert.Contains("nested deeper than 64", ex.Message, StringComparison.Ordinal);
        Assert.Equal(new DicomTag(0x0040, 0xA730), ex.Tag);
    }

    [Fact]
    public void Truncation_inside_a_sequence_names_the_element_and_where_it_starts()
    {
        using var m = new MemoryStream();
        Span<byte> h = stackalloc byte[8];
        Write(m, h, 0x0040, 0xA730, 0xFFFFFFFF);
        Write(m, h, 0xFFFE, 0xE000, 0xFFFFFFFF);
        Write(m, h, 0x0040, 0xA040, 4); // Value Type, but its value never comes
        m.Position = 0;
        var ex = Assert.Throws<DicomFormatException>(() => DicomReader.Read(m));
        Assert.Equal(new DicomTag(0x0040, 0xA040), ex.Tag);
        Assert.Equal(16, ex.Offset); // sequence header 8 + item header 8
    }

    [Fact]
    public void An_empty_stream_is_an_error_not_an_empty_object()
    {
        var ex = Assert.Throws<DicomFormatException>(() => DicomReader.Read(new MemoryStream()));
        Assert.Equal(0, ex.Offset);
        // A data set read without a file wrapper may legitimately be empty (e.g. a command with no fields yet).
        Assert.Equal(0, DicomReader.ReadDataSet(new MemoryStream(), DicomTransferSyntax.ImplicitVRLittleEndian).Count);
    }

    private static void Write(Stream s, Span<byte> h, ushort group, ushort element, uint length)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(h, group);
        BinaryPrimitives.WriteUInt16LittleEndian(h[2..], element);
        BinaryPrimitives.WriteUInt32LittleEndian(h[4..], length);
        s.Write(h);
    }
}
