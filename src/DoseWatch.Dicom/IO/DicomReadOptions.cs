namespace DoseWatch.Dicom;

/// <summary>What the reader keeps in memory. The defaults read every value; the switches let a caller read a
/// large object's header in memory proportional to the header (PS3.10 objects can be gigabytes of pixel data).</summary>
public sealed class DicomReadOptions
{
    public static DicomReadOptions Default { get; } = new();

    /// <summary>Stop at the top-level Pixel Data (7FE0,0010) (or Float/Double Float Pixel Data) without reading it.</summary>
    public bool StopBeforePixelData { get; init; }

    /// <summary>Values longer than this are not kept: the element is <see cref="DicomElement.Skipped"/> with its length and source offset.</summary>
    public long LargeValueThreshold { get; init; } = long.MaxValue;

    /// <summary>When set, the top-level pixel data value (native, or the fragments of encapsulated pixel data) is
    /// copied here in chunks instead of being kept; the element is then recorded as skipped.</summary>
    public Stream? PixelDataSink { get; init; }

    /// <summary>Safety cap: a value claiming more bytes than this is a format error before anything is allocated.
    /// 1 GiB by default (a .NET array cannot hold much more; bigger pixel data must go to a sink or be skipped).</summary>
    public long MaxValueLength { get; init; } = 1L << 30;

    /// <summary>Deepest sequence nesting accepted; hostile input cannot recurse the stack away.</summary>
    public int MaxSequenceDepth { get; init; } = 64;
}
