using System.Buffers;
using DoseWatch.Dicom.Network.UpperLayer;

namespace DoseWatch.Dicom.Network.Dimse;

/// <summary>Fragments DIMSE messages into PDVs no larger than the peer's maximum PDU (PS3.8 Annex E, PS3.7 §9.3).</summary>
public static class DimseSender
{
    public static async ValueTask SendCommandAsync(UpperLayerConnection ul, byte presentationContextId, DimseCommand command, CancellationToken ct)
    {
        var bytes = command.Encode();
        var max = ul.MaxSendFragmentLength;
        for (var offset = 0; offset < bytes.Length; offset += max)
        {
            var length = Math.Min(max, bytes.Length - offset);
            await ul.SendPDataAsync(presentationContextId, isCommand: true, isLast: offset + length == bytes.Length, bytes.AsMemory(offset, length), ct).ConfigureAwait(false);
        }
    }

    /// <summary>Streams a data set from <paramref name="source"/> (to its end) without holding more than one fragment.</summary>
    public static async ValueTask<long> SendDataSetAsync(UpperLayerConnection ul, byte presentationContextId, Stream source, CancellationToken ct)
    {
        var max = ul.MaxSendFragmentLength;
        var current = ArrayPool<byte>.Shared.Rent(max);
        var next = ArrayPool<byte>.Shared.Rent(max);
        long total = 0;
        try
        {
            // One fragment of look-ahead tells us which one is last.
            var currentLength = await FillAsync(source, current.AsMemory(0, max), ct).ConfigureAwait(false);
            if (currentLength == 0) throw new InvalidDataException("Empty data set: nothing to send");
            while (true)
            {
                var nextLength = currentLength < max ? 0 : await FillAsync(source, next.AsMemory(0, max), ct).ConfigureAwait(false);
                var last = nextLength == 0;
                await ul.SendPDataAsync(presentationContextId, isCommand: false, last, current.AsMemory(0, currentLength), ct).ConfigureAwait(false);
                total += currentLength;
                if (last) return total;
                (current, next) = (next, current);
                currentLength = nextLength;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(current);
            ArrayPool<byte>.Shared.Return(next);
        }
    }

    private static async ValueTask<int> FillAsync(Stream source, Memory<byte> buffer, CancellationToken ct)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await source.ReadAsync(buffer[filled..], ct).ConfigureAwait(false);
            if (read == 0) break;
            filled += read;
        }
        return filled;
    }
}

/// <summary>
/// Reassembles a command set from its PDVs (PS3.8 §E.2). Command sets are bounded by
/// <see cref="DimseCommand.MaxEncodedLength"/>; a longer one is a protocol error, not a reason to allocate.
/// </summary>
public sealed class CommandAssembler
{
    private readonly MemoryStream _buffer = new();
    private byte _presentationContextId;

    public bool InProgress => _buffer.Length > 0;

    /// <summary>Adds a command fragment; returns the command when this was the last fragment.</summary>
    public DimseCommand? Add(byte presentationContextId, ReadOnlySpan<byte> fragment, bool isLast)
    {
        if (InProgress && presentationContextId != _presentationContextId)
            throw new DimseProtocolException($"Command fragment on presentation context {presentationContextId} while one on {_presentationContextId} is incomplete");
        _presentationContextId = presentationContextId;
        if (_buffer.Length + fragment.Length > DimseCommand.MaxEncodedLength)
            throw new DimseProtocolException($"Command set larger than {DimseCommand.MaxEncodedLength} bytes");
        _buffer.Write(fragment);
        if (!isLast) return null;
        try
        {
            return DimseCommand.Decode(_buffer.GetBuffer().AsSpan(0, (int)_buffer.Length));
        }
        catch (DicomFormatException e)
        {
            throw new DimseProtocolException(e.Message);
        }
        finally
        {
            _buffer.SetLength(0);
        }
    }
}

/// <summary>A DIMSE message that breaks PS3.7/PS3.8 rules: the association is aborted.</summary>
public sealed class DimseProtocolException(string message) : Exception(message);
