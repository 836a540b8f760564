namespace DoseWatch.Dicom.Tests.IO;

/// <summary>A network-like stream: not seekable, length unknown, and at most <paramref name="maxChunk"/> bytes per Read.</summary>
internal sealed class TrickleStream(Stream inner, int maxChunk = 1) : ForwardReadStream
{
    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, maxChunk));
    public override int Read(Span<byte> buffer) => inner.Read(buffer[..Math.Min(buffer.Length, maxChunk)]);
}

/// <summary>A non-seekable stream of <paramref name="header"/> followed by <paramref name="patternLength"/> generated
/// bytes (byte i = i mod 251), so a "huge file" costs no memory or disk.</summary>
internal sealed class GeneratedStream(byte[] header, long patternLength) : ForwardReadStream
{
    private long _position;

    public static byte PatternByte(long i) => (byte)(i % 251);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var total = header.Length + patternLength;
        var n = (int)Math.Min(buffer.Length, total - _position);
        for (var i = 0; i < n; i++)
        {
            var p = _position + i;
            buffer[i] = p < header.Length ? header[p] : PatternByte(p - header.Length);
        }
        _position += n;
        return n;
    }

}

/// <summary>A sink that only counts and checks the pattern of <see cref="GeneratedStream"/>.</summary>
internal sealed class PatternCheckingSink : Stream
{
    public long Received { get; private set; }
    public long Mismatches { get; private set; }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        for (var i = 0; i < buffer.Length; i++)
            if (buffer[i] != GeneratedStream.PatternByte(Received + i)) Mismatches++;
        Received += buffer.Length;
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => Received;
    public override long Position { get => Received; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
