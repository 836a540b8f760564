using System.Buffers.Binary;

namespace DoseWatch.Dicom;

/// <summary>Encodes elements in one of the native encodings (PS3.5 §7.1) into a buffered stream.</summary>
internal sealed class DicomElementWriter
{
    private readonly Stream _stream;
    private readonly DicomEncoding _enc;
    private readonly byte[] _header = new byte[12];
    private readonly BufferedStream _out;

    public DicomElementWriter(Stream stream, DicomEncoding enc)
    {
        _stream = stream;
        _out = new BufferedStream(stream, 64 * 1024);
        _enc = enc;
    }

    public void Flush() => _out.Flush();

    public void WriteElements(DicomDataSet dataSet)
    {
        foreach (var e in dataSet)
        {
            if (e.Tag.IsGroupLength && e.Tag.Group is not (0x0000 or 0x0002)) continue;
            Write(e);
        }
    }

    public void Write(DicomElement e)
    {
        switch (e)
        {
            case DicomSequence sq:
                WriteSequence(sq);
                return;
            case DicomFragments fragments:
                WriteFragments(fragments);
                return;
        }
        if (e.IsValueSkipped)
            throw new InvalidOperationException($"{e.Tag} was skipped when read (value not in memory) and cannot be written");
        var value = e.Value.Span;
        var padded = value.Length % 2 == 1;
        var length = value.Length + (padded ? 1 : 0);
        var vr = e.VR;
        // An unknown VR, or a value too long for a 16-bit explicit length (possible when it came from Implicit VR),
        // can only be written losslessly as UN (PS3.5 §6.2.2): its bytes are kept, and UN is never byte-swapped.
        if (_enc.ExplicitVR && (!vr.IsKnown || (!vr.HasLongExplicitLength && length > 0xFFFF))) vr = DicomVR.UN;
        WriteHeader(e.Tag, vr, (uint)length);
        if (_enc.BigEndian && vr.UnitSize > 1)
        {
            var swapped = value.ToArray();
            DicomParser.SwapToLittleEndian(swapped, vr.UnitSize); // the swap is its own inverse
            _out.Write(swapped);
        }
        else
        {
            _out.Write(value);
        }
        if (padded) _out.WriteByte(vr.PaddingByte);
    }

    private void WriteSequence(DicomSequence sq)
    {
        // Always SQ, even for a sequence that was read from a UN element (PS3.5 §6.2.2): its items are then encoded
        // in this writer's syntax, as DCMTK and pydicom also re-encode them. Keeping UN would force Implicit VR LE
        // content into an Explicit or Big Endian file, which some readers get wrong.
        WriteHeader(sq.Tag, DicomVR.SQ, DicomElementHeader.UndefinedLength);
        foreach (var item in sq.Items)
        {
            WriteHeader(DicomTag.Item, default, DicomElementHeader.UndefinedLength);
            WriteElements(item);
            WriteHeader(DicomTag.ItemDelimitationItem, default, 0);
        }
        WriteHeader(DicomTag.SequenceDelimitationItem, default, 0);
    }

    private void WriteFragments(DicomFragments f)
    {
        WriteHeader(f.Tag, f.VR, DicomElementHeader.UndefinedLength);
        WriteItem(f.OffsetTable.Span);
        foreach (var fragment in f.Fragments) WriteItem(fragment.Span);
        WriteHeader(DicomTag.SequenceDelimitationItem, default, 0);
    }

    private void WriteItem(ReadOnlySpan<byte> value)
    {
        WriteHeader(DicomTag.Item, default, (uint)value.Length);
        _out.Write(value);
    }

    private void WriteHeader(DicomTag tag, DicomVR vr, uint length)
    {
        var h = _header.AsSpan();
        var be = _enc.BigEndian;
        WriteUInt16(h, tag.Group, be);
        WriteUInt16(h[2..], tag.Element, be);
        if (tag.Group == 0xFFFE || !_enc.ExplicitVR)
        {
            WriteUInt32(h[4..], length, be);
            _out.Write(h[..8]);
            return;
        }
        h[4] = vr.First;
        h[5] = vr.Second;
        if (vr.HasLongExplicitLength)
        {
            h[6] = h[7] = 0;
            WriteUInt32(h[8..], length, be);
            _out.Write(h[..12]);
        }
        else
        {
            WriteUInt16(h[6..], (ushort)length, be);
            _out.Write(h[..8]);
        }
    }

    private static void WriteUInt16(Span<byte> s, ushort v, bool be)
    {
        if (be) BinaryPrimitives.WriteUInt16BigEndian(s, v); else BinaryPrimitives.WriteUInt16LittleEndian(s, v);
    }

    private static void WriteUInt32(Span<byte> s, uint v, bool be)
    {
        if (be) BinaryPrimitives.WriteUInt32BigEndian(s, v); else BinaryPrimitives.WriteUInt32LittleEndian(s, v);
    }
}
