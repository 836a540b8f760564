using System.Buffers;

namespace DoseWatch.Dicom.Network.Dimse;

/// <summary>What the bytes received so far say about a data set's header.</summary>
internal enum HeaderVerdict
{
    /// <summary><see cref="ReceivedHeader.DataSet"/> holds the header (up to pixel data, or the whole data set).</summary>
    Parsed,

    /// <summary>The whole data set was kept and it is not DICOM that can be read.</summary>
    Unreadable,

    /// <summary>The data set is larger than <see cref="ReceivedHeader.MaxKeptBytes"/> before its pixel data (a large
    /// report): the header must be read from the stored file.</summary>
    TooLarge,
}

/// <summary>
/// Keeps the first bytes of a data set as they are received, so that its header (the identity checked before Success,
/// the inbox's study, modality and device) is parsed from memory instead of reading back and decrypting the file just
/// written. A parse is tried each time the kept bytes double from 64 KiB: an image's header ends at its pixel data,
/// usually within the first attempt, after which nothing more is kept. A report is parsed whole when it ends.
/// </summary>
internal sealed class ReceivedHeader(DicomTransferSyntax transferSyntax) : IDisposable
{
    public const int FirstAttemptBytes = 64 * 1024;
    public const int MaxKeptBytes = 4 * 1024 * 1024;

    /// <summary>The reading the identity check has always used: stop before pixel data, leave values over 64 KiB unread.</summary>
    public static readonly DicomReadOptions Options = new() { StopBeforePixelData = true, LargeValueThreshold = 64 * 1024 };

    private byte[] _kept = ArrayPool<byte>.Shared.Rent(FirstAttemptBytes);
    private int _length;
    private int _nextAttempt = FirstAttemptBytes;
    private bool _tooLarge;

    /// <summary>The header once parsed (from a prefix ending after it, or from the whole data set).</summary>
    public DicomDataSet? DataSet { get; private set; }

    public void Append(ReadOnlySpan<byte> fragment)
    {
        if (DataSet is not null || _tooLarge) return;
        if ((long)_length + fragment.Length > MaxKeptBytes)
        {
            _tooLarge = true;
            Release();
            return;
        }
        if (_length + fragment.Length > _kept.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Min(MaxKeptBytes, Math.Max(_kept.Length * 2, _length + fragment.Length)));
            _kept.AsSpan(0, _length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_kept);
            _kept = larger;
        }
        fragment.CopyTo(_kept.AsSpan(_length));
        _length += fragment.Length;
        if (_length < _nextAttempt) return;
        while (_nextAttempt <= _length) _nextAttempt *= 2;
        TryHeaderFromPrefix();
    }

    /// <summary>The verdict once the last byte has been received.</summary>
    public HeaderVerdict Finish()
    {
        if (DataSet is not null) return HeaderVerdict.Parsed;
        if (_tooLarge) return HeaderVerdict.TooLarge;
        try
        {
            DataSet = Parse(out _);
            return HeaderVerdict.Parsed;
        }
        catch (Exception e) when (e is DicomFormatException or EndOfStreamException)
        {
            return HeaderVerdict.Unreadable;
        }
        finally
        {
            Release();
        }
    }

    /// <summary>
    /// The bytes so far hold the header when the parse reaches the pixel data; a prefix cut inside an element (or at
    /// a boundary before the pixel data) says nothing yet, and more bytes are kept.
    /// </summary>
    private void TryHeaderFromPrefix()
    {
        try
        {
            var dataSet = Parse(out var stoppedBeforePixelData);
            if (!stoppedBeforePixelData) return;
            DataSet = dataSet;
            Release();
        }
        catch (Exception e) when (e is DicomFormatException or EndOfStreamException)
        {
            // cut inside an element, or not DICOM: judged when the data set is complete
        }
    }

    private DicomDataSet Parse(out bool stoppedBeforePixelData)
    {
        using var reader = new DicomStreamReader(new MemoryStream(_kept, 0, _length, writable: false));
        var parser = new DicomParser(reader, Options);
        var dataSet = parser.ReadDataSet(transferSyntax);
        stoppedBeforePixelData = parser.StoppedBeforePixelData;
        return dataSet;
    }

    private void Release()
    {
        if (_kept.Length == 0) return;
        ArrayPool<byte>.Shared.Return(_kept);
        _kept = [];
        _length = 0;
    }

    public void Dispose() => Release();
}
