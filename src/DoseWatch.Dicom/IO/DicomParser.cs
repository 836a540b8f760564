using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;

namespace DoseWatch.Dicom;

/// <summary>
/// Parses data sets element by element from a <see cref="DicomStreamReader"/> (PS3.5 §7). Every length is checked
/// against the bytes known to remain and <see cref="DicomReadOptions.MaxValueLength"/> before anything is
/// allocated, and nesting is bounded, so hostile input ends in one <see cref="DicomFormatException"/>.
/// </summary>
internal sealed class DicomParser
{
    private DicomStreamReader _r; // swapped for an inflating reader while a Deflated data set is read
    private readonly DicomReadOptions _options;
    private int _depth;
    private bool _offsetsAreInSource = true;

    public DicomParser(DicomStreamReader reader, DicomReadOptions options)
    {
        _r = reader;
        _options = options;
    }

    /// <summary>Set when <see cref="DicomReadOptions.StopBeforePixelData"/> ended the top-level data set.</summary>
    public bool StoppedBeforePixelData { get; private set; }

    /// <summary>Departures from PS3.5 that were read leniently rather than refused, one sentence each (see <see cref="DicomFile.LenientReadings"/>).</summary>
    public List<string> LenientReadings { get; } = [];

    public DicomFile ReadFile()
    {
        var meta = new DicomDataSet();
        if (_r.Ensure(132) && _r.Span.Slice(128, 4).SequenceEqual("DICM"u8))
        {
            _r.Advance(132);
            ReadMeta(meta);
        }
        else if (_r.Ensure(6) && _r.UInt16(0, false) == 0x0002)
        {
            // Meta group without the preamble: written by some old tools; PS3.10 requires the preamble but the group is unambiguous.
            ReadMeta(meta);
        }

        DicomTransferSyntax ts;
        var declared = meta.Get(DicomTag.TransferSyntaxUid);
        if (declared is { IsValueSkipped: false } && !declared.Value.IsEmpty)
        {
            ts = DicomTransferSyntax.FromUid(System.Text.Encoding.ASCII.GetString(declared.Value.Span));
            if (!ts.IsDeflated) ts = CorrectMislabelledEncoding(ts);
        }
        else
        {
            ts = DetectBareEncoding();
        }
        var dataSet = ReadDataSet(ts);
        // Nothing at all is not an empty DICOM object but a wrong or empty file: say so rather than return nothing.
        if (meta.Count == 0 && dataSet.Count == 0 && !StoppedBeforePixelData)
            throw new DicomFormatException("no DICOM content: the stream is empty", _r.Position);
        return new DicomFile(meta, dataSet, ts) { LenientReadings = LenientReadings };
    }

    /// <summary>Reads the data set to the end of the stream (or to the pixel data when asked to stop there).</summary>
    public DicomDataSet ReadDataSet(DicomTransferSyntax ts)
    {
        if (!ts.IsDeflated) return ReadTopLevel(ts);
        // Deflated Explicit VR LE (PS3.5 §A.5): everything after the meta group is one raw deflate stream.
        // Offsets inside the inflated stream do not point into the source, so skipped values record -1.
        var source = _r;
        using var inflated = new DicomStreamReader(new DeflateStream(source.RemainderAsStream(), CompressionMode.Decompress));
        _r = inflated;
        _offsetsAreInSource = false;
        try
        {
            return ReadTopLevel(ts);
        }
        catch (InvalidDataException ex)
        {
            throw new DicomFormatException($"corrupt deflate stream: {ex.Message}", _r.Position, null, ex);
        }
        finally
        {
            _r = source;
        }
    }

    private DicomDataSet ReadTopLevel(DicomTransferSyntax ts)
    {
        var dataSet = new DicomDataSet();
        try
        {
            ReadElements(dataSet, DicomEncoding.Of(ts), end: -1, inUndefinedItem: false, topLevel: true);
        }
        catch (DicomFormatException ex)
        {
            ex.PartialDataSet ??= dataSet; // lose nothing: the complete elements before the fault
            throw;
        }
        return dataSet;
    }

    private void ReadMeta(DicomDataSet meta)
    {
        // File meta information is always Explicit VR Little Endian (PS3.10 §7.1). Read by group number rather than
        // trusting (0002,0000): vendors get that length wrong often enough that dcmtk and pydicom do the same.
        while (_r.Ensure(6) && _r.UInt16(0, false) == 0x0002)
        {
            var h = ReadHeader(DicomEncoding.ExplicitLittle)!.Value;
            meta.Set(ReadElement(h, DicomEncoding.ExplicitLittle, topLevel: false));
        }
    }

    /// <summary>
    /// Some writers label an Implicit VR data set as Explicit (or the reverse). Like pydicom (by default) and DCMTK (with
    /// -vr, --assume-implicit), trust what the first element header looks like over the label: a real VR there means
    /// explicit, anything else implicit. Refusing the file would lose a dose report over a labelling slip.
    /// </summary>
    private DicomTransferSyntax CorrectMislabelledEncoding(DicomTransferSyntax declared)
    {
        if (declared.IsBigEndian || !_r.Ensure(6)) return declared;
        var looksExplicit = LooksLikeExplicitVR(_r[4], _r[5]);
        if (looksExplicit == declared.IsExplicitVR) return declared;
        return looksExplicit ? DicomTransferSyntax.ExplicitVRLittleEndian : DicomTransferSyntax.ImplicitVRLittleEndian;
    }

    /// <summary>No meta header (or one without a transfer syntax): guess from the first element (PS3.5 requires Implicit VR LE
    /// as the default; Explicit LE and BE bare files exist too). A big-endian group number starts with a zero byte.</summary>
    private DicomTransferSyntax DetectBareEncoding()
    {
        if (!_r.Ensure(6)) return DicomTransferSyntax.ImplicitVRLittleEndian;
        var looksExplicit = LooksLikeExplicitVR(_r[4], _r[5]);
        if (_r[0] == 0 && _r[1] != 0 && looksExplicit) return DicomTransferSyntax.ExplicitVRBigEndian;
        return looksExplicit ? DicomTransferSyntax.ExplicitVRLittleEndian : DicomTransferSyntax.ImplicitVRLittleEndian;
    }

    private static bool LooksLikeExplicitVR(byte a, byte b) => DicomVR.FromBytes(a, b).IsKnown;

    private static bool IsUpperLetter(byte b) => b is >= (byte)'A' and <= (byte)'Z';

    /// <summary>Reads an element header; null at a clean end of stream, an error when it ends mid-header.</summary>
    private DicomElementHeader? ReadHeader(DicomEncoding enc)
    {
        var offset = _r.Position;
        if (!_r.Ensure(8))
        {
            if (_r.AtEnd) return null;
            throw new DicomFormatException("stream ends inside an element header", offset);
        }
        var be = enc.BigEndian;
        var tag = new DicomTag(_r.UInt16(0, be), _r.UInt16(2, be));
        if (tag.Group == 0xFFFE || !enc.ExplicitVR)
        {
            // Items and delimiters never carry a VR (PS3.5 §7.5); Implicit VR takes it from the dictionary.
            var length = _r.UInt32(4, be);
            _r.Advance(8);
            return new DicomElementHeader(tag, tag.Group == 0xFFFE ? default : DicomDictionary.VROf(tag), length, offset);
        }
        byte a = _r[4], b = _r[5];
        if (!IsUpperLetter(a) || !IsUpperLetter(b))
        {
            // Not a VR at all: an implicit-VR element inside an explicit data set (seen from buggy writers). DCMTK's
            // --assume-implicit reads such an element as implicit; doing the same keeps the rest of the data set readable.
            var length = _r.UInt32(4, be);
            _r.Advance(8);
            return new DicomElementHeader(tag, DicomDictionary.VROf(tag), length, offset);
        }
        var vr = DicomVR.FromBytes(a, b);
        // Unknown but well-formed VRs use the 2 reserved bytes + 32-bit length form: PS3.5 §6.2 reserves that layout
        // for every VR defined in future (DicomVR reports unknown VRs as long-length).
        if (vr.HasLongExplicitLength)
        {
            if (!_r.Ensure(12)) throw new DicomFormatException("stream ends inside an element header", offset, tag);
            var length = _r.UInt32(8, be);
            _r.Advance(12);
            return new DicomElementHeader(tag, vr.IsKnown ? vr : DicomVR.UN, length, offset);
        }
        var shortLength = _r.UInt16(6, be);
        _r.Advance(8);
        return new DicomElementHeader(tag, vr, shortLength, offset);
    }

    private static bool IsPixelData(DicomTag tag) =>
        tag == DicomTag.PixelData || tag == DicomTag.FloatPixelData || tag == DicomTag.DoubleFloatPixelData;

    /// <summary>Reads elements into <paramref name="dataSet"/> until <paramref name="end"/> (-1: until an item
    /// delimiter when <paramref name="inUndefinedItem"/>, else the end of the stream).</summary>
    private void ReadElements(DicomDataSet dataSet, DicomEncoding enc, long end, bool inUndefinedItem, bool topLevel)
    {
        while (true)
        {
            if (end >= 0 && _r.Position >= end)
            {
                if (_r.Position > end) throw new DicomFormatException($"element runs past the end of its item (item ends at byte {end})", _r.Position);
                return;
            }
            var header = ReadHeader(enc);
            if (header is not { } h)
            {
                if (inUndefinedItem) throw new DicomFormatException("stream ends inside an item that has no item delimiter yet", _r.Position);
                if (end >= 0) throw new DicomFormatException($"stream ends inside an item (item should end at byte {end})", _r.Position);
                return;
            }
            if (h.IsDelimiter)
            {
                if (h.Tag == DicomTag.ItemDelimitationItem && inUndefinedItem) return;
                // A stray zero-length delimiter (top level, or inside a defined-length item) carries nothing: dcmtk and
                // pydicom skip it too, and refusing the file would lose everything after it.
                if (h.Tag != DicomTag.Item && h.Length == 0 && (topLevel || !inUndefinedItem)) continue;
                throw new DicomFormatException("item or delimiter tag where a data element was expected", h.Offset, h.Tag);
            }
            if (topLevel && IsPixelData(h.Tag) && _options.StopBeforePixelData)
            {
                StoppedBeforePixelData = true;
                return;
            }
            var element = ReadElement(h, enc, topLevel);
            if (end >= 0 && _r.Position > end)
                throw new DicomFormatException($"element runs past the end of its item (item ends at byte {end})", h.Offset, h.Tag);
            dataSet.Set(element);
        }
    }

    private DicomElement ReadElement(DicomElementHeader h, DicomEncoding enc, bool topLevel)
    {
        if (h.VR == DicomVR.SQ) return ReadSequence(h, enc);
        if (h.HasUndefinedLength)
        {
            if (h.VR == DicomVR.OB || h.VR == DicomVR.OW) return ReadFragments(h, enc, topLevel);
            // UN (or an unknown implicit tag) with undefined length is a sequence encoded in Implicit VR Little Endian
            // whatever the transfer syntax (PS3.5 §6.2.2 Note); any other VR with undefined length can only be a sequence.
            return ReadSequence(h, h.VR == DicomVR.UN ? UnSequenceEncoding(h) : enc);
        }
        // An unknown Implicit VR element of defined length stays UN bytes even when it happens to hold an item:
        // DCMTK and pydicom both leave it so, and UN content is by definition Implicit VR LE, so nothing is lost.
        return ReadValue(h, enc, topLevel);
    }

    /// <summary>
    /// Some vendors (a mammography unit's private UN element) encode the items of a UN sequence of undefined length in
    /// Explicit VR, against PS3.5 §6.2.2. Read as Implicit VR, the first element's VR and length make a length of
    /// hundreds of kilobytes and the file would be refused. Like pydicom, look at the first element of the first item:
    /// a real VR where the implicit length's low bytes would be means Explicit VR, noted in <see cref="LenientReadings"/>.
    /// </summary>
    private DicomEncoding UnSequenceEncoding(DicomElementHeader h)
    {
        // Item tag (4) + item length (4) + first element tag (4) + its VR or the first two bytes of its implicit length (2).
        if (!_r.Ensure(14) || _r.UInt16(0, false) != 0xFFFE || _r.UInt16(2, false) != 0xE000 || _r.UInt16(8, false) == 0xFFFE
            || !LooksLikeExplicitVR(_r[12], _r[13]))
            return DicomEncoding.ImplicitLittle;
        LenientReadings.Add($"{h.Tag} is UN of undefined length with its items in Explicit VR (PS3.5 §6.2.2 requires Implicit VR): read as Explicit VR");
        return DicomEncoding.ExplicitLittle;
    }

    private long CheckedEnd(DicomElementHeader h, long start)
    {
        if (_r.Remaining is { } left && h.Length > left)
            throw new DicomFormatException($"value length {h.Length} exceeds the {left} bytes left", h.Offset, h.Tag);
        return start + h.Length;
    }

    private DicomSequence ReadSequence(DicomElementHeader h, DicomEncoding enc)
    {
        if (++_depth > _options.MaxSequenceDepth)
            throw new DicomFormatException($"sequences nested deeper than {_options.MaxSequenceDepth} levels", h.Offset, h.Tag);
        var sequence = new DicomSequence(h.Tag, vr: h.VR == DicomVR.SQ ? null : h.VR) { SourceOffset = SourceOffset(_r.Position) };
        var end = h.HasUndefinedLength ? -1 : CheckedEnd(h, _r.Position);
        while (end < 0 || _r.Position < end)
        {
            var itemOffset = _r.Position;
            var header = ReadHeader(enc);
            if (header is not { } item)
                throw new DicomFormatException("stream ends inside a sequence", itemOffset, h.Tag);
            if (item.Tag == DicomTag.SequenceDelimitationItem)
            {
                if (end < 0) break;
                continue; // a delimiter inside a defined-length sequence is redundant
            }
            if (item.Tag != DicomTag.Item)
                throw new DicomFormatException($"expected an item (FFFE,E000) in sequence {h.Tag}, found {item.Tag}", itemOffset, h.Tag);
            var dataSet = new DicomDataSet();
            var itemEnd = -1L;
            if (!item.HasUndefinedLength)
            {
                itemEnd = CheckedEnd(item, _r.Position);
                if (end >= 0 && itemEnd > end)
                    throw new DicomFormatException($"item of {item.Length} bytes runs past the end of sequence {h.Tag}", itemOffset, h.Tag);
            }
            ReadElements(dataSet, enc, itemEnd, inUndefinedItem: item.HasUndefinedLength, topLevel: false);
            sequence.Items.Add(dataSet);
        }
        if (end >= 0 && _r.Position > end)
            throw new DicomFormatException("sequence content runs past its length", _r.Position, h.Tag);
        _depth--;
        return sequence;
    }

    /// <summary>Encapsulated pixel data (PS3.5 §A.4): Basic Offset Table item, fragment items, sequence delimiter.</summary>
    private DicomElement ReadFragments(DicomElementHeader h, DicomEncoding enc, bool topLevel)
    {
        var valueOffset = _r.Position;
        var sink = topLevel && IsPixelData(h.Tag) ? _options.PixelDataSink : null;
        ReadOnlyMemory<byte>? offsetTable = null;
        var fragments = new List<ReadOnlyMemory<byte>>();
        var skipping = sink is not null;
        long total = 0;
        while (true)
        {
            var itemOffset = _r.Position;
            var header = ReadHeader(enc)
                ?? throw new DicomFormatException("stream ends inside encapsulated pixel data", itemOffset, h.Tag);
            if (header.Tag == DicomTag.SequenceDelimitationItem) break;
            if (header.Tag != DicomTag.Item || header.HasUndefinedLength)
                throw new DicomFormatException($"expected a fragment item in encapsulated {h.Tag}, found {header.Tag}", itemOffset, h.Tag);
            CheckedEnd(header, _r.Position);
            total += 8 + header.Length;
            if (offsetTable is null)
            {
                offsetTable = ReadBytes(header, h.Tag);
                continue;
            }
            if (sink is not null)
            {
                if (!_r.CopyTo(sink, header.Length)) throw Truncated(header, h.Tag);
                continue;
            }
            if (!skipping && header.Length > _options.LargeValueThreshold)
            {
                skipping = true;
                fragments.Clear();
            }
            if (skipping)
            {
                if (!_r.Skip(header.Length)) throw Truncated(header, h.Tag);
                continue;
            }
            fragments.Add(ReadBytes(header, h.Tag));
        }
        if (skipping) return DicomElement.Skipped(h.Tag, h.VR, total, SourceOffset(valueOffset));
        return new DicomFragments(h.Tag, h.VR, offsetTable ?? ReadOnlyMemory<byte>.Empty, fragments) { SourceOffset = SourceOffset(valueOffset) };
    }

    private DicomElement ReadValue(DicomElementHeader h, DicomEncoding enc, bool topLevel)
    {
        var valueOffset = _r.Position;
        CheckedEnd(h, valueOffset);
        if (topLevel && IsPixelData(h.Tag) && _options.PixelDataSink is { } sink)
        {
            if (!_r.CopyTo(sink, h.Length)) throw Truncated(h, h.Tag);
            return DicomElement.Skipped(h.Tag, h.VR, h.Length, SourceOffset(valueOffset));
        }
        if (h.Length > _options.LargeValueThreshold)
        {
            if (!_r.Skip(h.Length)) throw Truncated(h, h.Tag);
            return DicomElement.Skipped(h.Tag, h.VR, h.Length, SourceOffset(valueOffset));
        }
        Memory<byte> value = h.Length <= SlabValueLimit ? ReadIntoSlab(h) : ReadBytes(h, h.Tag);
        if (enc.BigEndian) SwapToLittleEndian(value.Span, h.VR.UnitSize);
        return new DicomElement(h.Tag, h.VR, value) { SourceOffset = SourceOffset(valueOffset) };
    }

    // Most values in an SR are a few bytes (codes, UIDs, numbers): carving them out of a shared 16 KiB slab instead of
    // one array each halves the allocations per element. A slab lives as long as any element that points into it.
    private const int SlabSize = 16 * 1024;
    private const int SlabValueLimit = 256;
    private byte[] _slab = [];
    private int _slabUsed;

    private Memory<byte> ReadIntoSlab(DicomElementHeader h)
    {
        var length = (int)h.Length;
        if (!_r.Ensure(length)) throw Truncated(h, h.Tag);
        if (_slab.Length - _slabUsed < length)
        {
            _slab = new byte[SlabSize];
            _slabUsed = 0;
        }
        var value = _slab.AsMemory(_slabUsed, length);
        _r.Span[..length].CopyTo(value.Span);
        _r.Advance(length);
        _slabUsed += length;
        return value;
    }

    private byte[] ReadBytes(DicomElementHeader h, DicomTag tag)
    {
        if (h.Length > _options.MaxValueLength || h.Length > Array.MaxLength)
            throw new DicomFormatException($"value length {h.Length} exceeds the limit of {_options.MaxValueLength} bytes", h.Offset, tag);
        if (!_r.TryReadBytes((int)h.Length, out var value)) throw Truncated(h, tag);
        return value;
    }

    private DicomFormatException Truncated(DicomElementHeader h, DicomTag tag) =>
        new($"stream ends inside a value of {h.Length} bytes", _r.Position, tag);

    private long SourceOffset(long offset) => _offsetsAreInSource ? offset : -1;

    /// <summary>Explicit VR Big Endian stores each binary unit most significant byte first; values are kept little endian.</summary>
    internal static void SwapToLittleEndian(Span<byte> value, int unitSize)
    {
        var whole = value.Length - value.Length % Math.Max(unitSize, 1);
        switch (unitSize)
        {
            case 2:
                var u16 = MemoryMarshal.Cast<byte, ushort>(value[..whole]);
                BinaryPrimitives.ReverseEndianness(u16, u16);
                break;
            case 4:
                var u32 = MemoryMarshal.Cast<byte, uint>(value[..whole]);
                BinaryPrimitives.ReverseEndianness(u32, u32);
                break;
            case 8:
                var u64 = MemoryMarshal.Cast<byte, ulong>(value[..whole]);
                BinaryPrimitives.ReverseEndianness(u64, u64);
                break;
        }
    }
}
