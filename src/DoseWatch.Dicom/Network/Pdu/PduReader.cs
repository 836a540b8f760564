using System.Buffers;
using System.Buffers.Binary;

namespace DoseWatch.Dicom.Network.Pdu;

/// <summary>
/// Reads whole PDUs from a transport stream through one fixed buffer. The length field is checked against the
/// limit before any body byte is read, so a peer cannot make us allocate or wait for more than the limit.
/// A P-DATA-TF returned here points into the buffer and is valid only until the next call.
/// </summary>
public sealed class PduReader : IDisposable
{
    /// <summary>Ceiling for PDUs other than P-DATA-TF (an A-ASSOCIATE-RQ is not bound by the Maximum Length we advertise).</summary>
    public const int MinimumAssociationPduLimit = 64 * 1024;

    private readonly Stream _stream;
    private readonly uint _maxPDataLength;
    private readonly uint _maxOtherLength;
    private byte[] _buffer;
    private int _start;
    private int _end;

    /// <param name="maxPDataLength">The Maximum Length we advertised (0 is not allowed here: we always advertise a bound).</param>
    public PduReader(Stream stream, uint maxPDataLength)
    {
        if (maxPDataLength == 0) throw new ArgumentOutOfRangeException(nameof(maxPDataLength), "a receiver must bound the PDUs it reads");
        _stream = stream;
        _maxPDataLength = maxPDataLength;
        _maxOtherLength = Math.Max(maxPDataLength, MinimumAssociationPduLimit);
        _buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Max(_maxPDataLength, _maxOtherLength) + PduEncoder.HeaderLength, 64 * 1024));
    }

    /// <summary>Total bytes read from the transport so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>
    /// Reads the next PDU. Returns null when the peer closed the connection cleanly between PDUs;
    /// throws <see cref="EndOfStreamException"/> when it closed in the middle of one, and <see cref="PduFormatException"/>
    /// for an unrecognized, oversized or malformed PDU.
    /// </summary>
    public async ValueTask<ProtocolDataUnit?> ReadAsync(CancellationToken ct)
    {
        if (!await FillAsync(PduEncoder.HeaderLength, allowCleanEnd: true, ct)) return null;
        var type = _buffer[_start];
        if (!PduDecoder.IsKnownType(type))
            throw new PduFormatException($"Unrecognized PDU type 0x{type:X2}", 0, AbortReason.UnrecognizedPdu);
        var length = BinaryPrimitives.ReadUInt32BigEndian(_buffer.AsSpan(_start + 2));
        var limit = type == (byte)PduType.PDataTf ? _maxPDataLength : _maxOtherLength;
        if (length > limit)
            throw new PduFormatException($"{(PduType)type} length {length} exceeds the limit of {limit}", 2, AbortReason.InvalidPduParameterValue);
        var total = PduEncoder.HeaderLength + (int)length;
        await FillAsync(total, allowCleanEnd: false, ct);
        var body = _buffer.AsMemory(_start + PduEncoder.HeaderLength, (int)length);
        _start += total;
        return PduDecoder.Decode(type, body);
    }

    /// <summary>
    /// After an invalid PDU the stream has no known PDU boundary: read and drop bytes until the peer closes.
    /// </summary>
    public async ValueTask DiscardUntilClosedAsync(CancellationToken ct)
    {
        _start = _end = 0;
        while (true)
        {
            var read = await _stream.ReadAsync(_buffer, ct).ConfigureAwait(false);
            if (read == 0) return;
            BytesRead += read;
        }
    }

    private async ValueTask<bool> FillAsync(int needed, bool allowCleanEnd, CancellationToken ct)
    {
        if (_end - _start >= needed) return true;
        EnsureCapacity(needed);
        while (_end - _start < needed)
        {
            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), ct).ConfigureAwait(false);
            if (read == 0)
            {
                if (allowCleanEnd && _end == _start) return false;
                throw new EndOfStreamException($"Connection closed after {_end - _start} of {needed} bytes of a PDU");
            }
            _end += read;
            BytesRead += read;
        }
        return true;
    }

    /// <summary>Moves unread bytes to the front; grows the buffer (up to the PDU limit already checked) only when a PDU is larger.</summary>
    private void EnsureCapacity(int needed)
    {
        if (_start + needed <= _buffer.Length) return;
        var unread = _end - _start;
        if (needed > _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(needed);
            _buffer.AsSpan(_start, unread).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
        else
        {
            _buffer.AsSpan(_start, unread).CopyTo(_buffer);
        }
        _start = 0;
        _end = unread;
    }

    public void Dispose()
    {
        var b = Interlocked.Exchange(ref _buffer, []);
        if (b.Length > 0) ArrayPool<byte>.Shared.Return(b);
    }
}
