using System.Buffers;
using System.Buffers.Binary;

namespace DoseWatch.Dicom;

/// <summary>
/// A forward-only buffered reader over any <see cref="Stream"/> (file, network, inflater). Callers ask for
/// <see cref="Ensure"/>(n) bytes and then parse them straight from <see cref="Span"/>, so element headers cost no
/// per-read virtual call or allocation (the Npgsql/Kestrel buffered-reader habit). Positions are absolute stream
/// offsets so a skipped value can be re-read later from a seekable source.
/// </summary>
internal sealed class DicomStreamReader : IDisposable
{
    private const int BufferSize = 64 * 1024;
    private readonly Stream _stream;
    private readonly bool _canSeek;
    private byte[] _buffer;
    private int _pos;
    private int _end;
    private long _bufferStart;

    public DicomStreamReader(Stream stream)
    {
        _stream = stream;
        _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        _canSeek = stream.CanSeek;
        if (_canSeek)
        {
            _bufferStart = stream.Position;
            Length = stream.Length;
        }
    }

    /// <summary>Absolute offset of the next unread byte.</summary>
    public long Position => _bufferStart + _pos;

    /// <summary>Total stream length when the stream can tell (seekable); null for network and inflating streams.</summary>
    public long? Length { get; }

    /// <summary>Bytes known to remain, or null when the source length is unknown.</summary>
    public long? Remaining => Length - Position;

    public int Buffered => _end - _pos;

    /// <summary>The buffered unread bytes; valid until the next Ensure/Read call.</summary>
    public ReadOnlySpan<byte> Span => _buffer.AsSpan(_pos, _end - _pos);

    /// <summary>Makes at least <paramref name="count"/> bytes available (count ≤ 64 KiB); false at end of stream.</summary>
    public bool Ensure(int count)
    {
        if (_end - _pos >= count) return true;
        if (_pos > 0)
        {
            Buffer.BlockCopy(_buffer, _pos, _buffer, 0, _end - _pos);
            _end -= _pos;
            _bufferStart += _pos;
            _pos = 0;
        }
        while (_end < count)
        {
            var n = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (n <= 0) return false;
            _end += n;
        }
        return true;
    }

    public bool AtEnd => !Ensure(1);

    public void Advance(int count) => _pos += count;

    public ushort UInt16(int offset, bool bigEndian)
    {
        var s = _buffer.AsSpan(_pos + offset, 2);
        return bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(s) : BinaryPrimitives.ReadUInt16LittleEndian(s);
    }

    public uint UInt32(int offset, bool bigEndian)
    {
        var s = _buffer.AsSpan(_pos + offset, 4);
        return bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(s) : BinaryPrimitives.ReadUInt32LittleEndian(s);
    }

    public byte this[int offset] => _buffer[_pos + offset];

    /// <summary>
    /// Reads exactly <paramref name="count"/> bytes into a new array; false when the stream ends first. When the
    /// source length is unknown the array grows with the bytes that actually arrive, so a hostile length field on a
    /// network stream costs at most about twice what the peer really sent.
    /// </summary>
    public bool TryReadBytes(int count, out byte[] value)
    {
        if (count <= _end - _pos)
        {
            value = _buffer.AsSpan(_pos, count).ToArray();
            _pos += count;
            return true;
        }
        var result = new byte[Remaining is not null ? count : Math.Min(count, 1 << 20)];
        var filled = _end - _pos;
        Buffer.BlockCopy(_buffer, _pos, result, 0, filled);
        _bufferStart += _end;
        _pos = _end = 0;
        value = result;
        while (filled < count)
        {
            if (filled == result.Length) Array.Resize(ref result, (int)Math.Min(count, (long)result.Length * 2));
            var n = _stream.Read(result, filled, result.Length - filled);
            if (n <= 0) return false;
            filled += n;
            _bufferStart += n;
        }
        value = result;
        return true;
    }

    /// <summary>Discards <paramref name="count"/> bytes (seeking when possible); false when the stream ends first.</summary>
    public bool Skip(long count) => Consume(count, null);

    /// <summary>Copies <paramref name="count"/> bytes to <paramref name="sink"/> in buffer-sized chunks.</summary>
    public bool CopyTo(Stream sink, long count) => Consume(count, sink);

    private bool Consume(long count, Stream? sink)
    {
        var inBuffer = (int)Math.Min(count, _end - _pos);
        sink?.Write(_buffer, _pos, inBuffer);
        _pos += inBuffer;
        count -= inBuffer;
        if (count == 0) return true;
        if (sink is null && _canSeek)
        {
            var target = Position + count;
            if (target > Length) return false;
            _stream.Seek(target, SeekOrigin.Begin);
            _bufferStart = target;
            _pos = _end = 0;
            return true;
        }
        while (count > 0)
        {
            _bufferStart += _end;
            _pos = _end = 0;
            var n = _stream.Read(_buffer, 0, (int)Math.Min(count, _buffer.Length));
            if (n <= 0) return false;
            sink?.Write(_buffer, 0, n);
            _bufferStart += n;
            count -= n;
        }
        return true;
    }

    /// <summary>
    /// The unread remainder as a stream (buffered bytes first, then the source): a Deflated data set starts right
    /// after the meta group, and some of its compressed bytes may already sit in this buffer.
    /// </summary>
    public Stream RemainderAsStream()
    {
        var buffered = _buffer.AsSpan(_pos, _end - _pos).ToArray();
        _pos = _end;
        return new PrefixedStream(buffered, _stream);
    }

    public void Dispose()
    {
        if (_buffer.Length == 0) return;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    private sealed class PrefixedStream(byte[] prefix, Stream rest) : ForwardReadStream
    {
        private int _prefixPos;
        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_prefixPos < prefix.Length)
            {
                var n = Math.Min(count, prefix.Length - _prefixPos);
                Buffer.BlockCopy(prefix, _prefixPos, buffer, offset, n);
                _prefixPos += n;
                return n;
            }
            return rest.Read(buffer, offset, count);
        }
    }
}
