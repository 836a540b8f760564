namespace DoseWatch.Dicom;

/// <summary>
/// One data element. <see cref="Value"/> always holds the bytes in little-endian order, whatever transfer
/// syntax they came in: the reader swaps big-endian binary values on the way in and the writer swaps them
/// back, so accessors never need to know where a value came from.
/// </summary>
public class DicomElement
{
    public DicomElement(DicomTag tag, DicomVR vr, ReadOnlyMemory<byte> value)
    {
        Tag = tag;
        VR = vr;
        Value = value;
        Length = value.Length;
    }

    public DicomTag Tag { get; }
    public DicomVR VR { get; }

    /// <summary>The value bytes (little endian, including any padding byte). Empty when <see cref="IsValueSkipped"/>.</summary>
    public ReadOnlyMemory<byte> Value { get; }

    /// <summary>The value length in bytes as encoded; for a skipped or streamed value this is all that is kept.</summary>
    public long Length { get; protected init; }

    /// <summary>True when the reader skipped this value (e.g. pixel data streamed to a sink or not wanted): only <see cref="Length"/> is known.</summary>
    public bool IsValueSkipped { get; protected init; }

    /// <summary>Byte offset of the value in the source stream, when known (-1 otherwise); lets a caller re-read a skipped value.</summary>
    public long SourceOffset { get; init; } = -1;

    /// <summary>An element whose value was not kept in memory.</summary>
    public static DicomElement Skipped(DicomTag tag, DicomVR vr, long length, long sourceOffset) =>
        new SkippedElement(tag, vr, length, sourceOffset);

    public override string ToString() => $"{Tag} {VR} #{Length}";

    private sealed class SkippedElement : DicomElement
    {
        public SkippedElement(DicomTag tag, DicomVR vr, long length, long sourceOffset) : base(tag, vr, ReadOnlyMemory<byte>.Empty)
        {
            Length = length;
            IsValueSkipped = true;
            SourceOffset = sourceOffset;
        }
    }
}

/// <summary>A sequence of items (VR SQ, or UN holding an undefined-length sequence), PS3.5 §7.5.</summary>
public sealed class DicomSequence : DicomElement
{
    public DicomSequence(DicomTag tag, IEnumerable<DicomDataSet>? items = null, DicomVR? vr = null)
        : base(tag, vr ?? DicomVR.SQ, ReadOnlyMemory<byte>.Empty)
    {
        Items = items?.ToList() ?? [];
        Length = -1;
    }

    public List<DicomDataSet> Items { get; }

    public override string ToString() => $"{Tag} SQ ({Items.Count} items)";
}

/// <summary>Encapsulated pixel data (PS3.5 §A.4): the Basic Offset Table item followed by the fragments, carried undecoded.</summary>
public sealed class DicomFragments : DicomElement
{
    public DicomFragments(DicomTag tag, DicomVR vr, ReadOnlyMemory<byte> offsetTable, IEnumerable<ReadOnlyMemory<byte>> fragments)
        : base(tag, vr, ReadOnlyMemory<byte>.Empty)
    {
        OffsetTable = offsetTable;
        Fragments = fragments.ToList();
        Length = -1;
    }

    public ReadOnlyMemory<byte> OffsetTable { get; }
    public List<ReadOnlyMemory<byte>> Fragments { get; }

    public override string ToString() => $"{Tag} {VR} (encapsulated, {Fragments.Count} fragments)";
}
