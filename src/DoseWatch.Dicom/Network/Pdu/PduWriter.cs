using System.Buffers;

namespace DoseWatch.Dicom.Network.Pdu;

/// <summary>Writes PDUs to a transport stream. P-DATA-TF fragments are framed in place, with one write per PDU.</summary>
public sealed class PduWriter(Stream stream)
{
    private const int PDataHeaderLength = PduEncoder.HeaderLength + Pdv.Overhead;

    public long BytesWritten { get; private set; }

    public async ValueTask WriteAsync(ProtocolDataUnit pdu, CancellationToken ct)
    {
        var w = new ArrayBufferWriter<byte>(256);
        PduEncoder.Encode(pdu, w);
        await stream.WriteAsync(w.WrittenMemory, ct).ConfigureAwait(false);
        await stream.FlushAsync(ct).ConfigureAwait(false);
        BytesWritten += w.WrittenCount;
    }

    /// <summary>Writes one P-DATA-TF holding one PDV.</summary>
    public async ValueTask WritePDataAsync(byte presentationContextId, bool isCommand, bool isLast, ReadOnlyMemory<byte> fragment, CancellationToken ct)
    {
        var total = PDataHeaderLength + fragment.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(total);
        try
        {
            PduEncoder.WritePDataHeader(buffer, presentationContextId, isCommand, isLast, fragment.Length);
            fragment.Span.CopyTo(buffer.AsSpan(PDataHeaderLength));
            await stream.WriteAsync(buffer.AsMemory(0, total), ct).ConfigureAwait(false);
            await stream.FlushAsync(ct).ConfigureAwait(false);
            BytesWritten += total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
