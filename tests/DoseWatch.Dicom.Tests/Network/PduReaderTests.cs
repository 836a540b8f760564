using DoseWatch.Dicom.Network.Pdu;

namespace DoseWatch.Dicom.Tests.Network;

public class PduReaderTests
{
    /// <summary>Hands out at most one byte per read, like the worst a socket can do.</summary>
    private sealed class TrickleStream(byte[] data) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) =>
            base.ReadAsync(buffer[..Math.Min(1, buffer.Length)], ct);
    }

    /// <summary>Header only: reading any body byte would hit the end of the stream.</summary>
    private static MemoryStream HeaderOnly(byte type, uint length)
    {
        var h = new byte[6];
        h[0] = type;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(2), length);
        return new MemoryStream(h);
    }

    [Fact]
    public async Task PdusSplitIntoSingleBytesAreReassembled()
    {
        var bytes = PduEncoder.Encode(new PDataTf([new Pdv(1, true, true, new byte[300])]))
            .Concat(PduEncoder.Encode(new AReleaseRq())).ToArray();
        using var reader = new PduReader(new TrickleStream(bytes), 16384);
        var p = Assert.IsType<PDataTf>(await reader.ReadAsync(default));
        Assert.Equal(300, p.Pdvs[0].Fragment.Length);
        Assert.IsType<AReleaseRq>(await reader.ReadAsync(default));
        Assert.Null(await reader.ReadAsync(default));
        Assert.Equal(bytes.Length, reader.BytesRead);
    }

    [Fact]
    public async Task PDataLongerThanAdvertisedIsRejectedBeforeItsBodyIsRead()
    {
        using var reader = new PduReader(HeaderOnly(4, 16385), 16384);
        var e = await Assert.ThrowsAsync<PduFormatException>(() => reader.ReadAsync(default).AsTask());
        Assert.Contains("16385", e.Message);
    }

    [Fact]
    public async Task HostileLengthDoesNotAllocate()
    {
        using var reader = new PduReader(HeaderOnly(1, 0xFFFFFFF0), 16384);
        var before = GC.GetAllocatedBytesForCurrentThread();
        await Assert.ThrowsAsync<PduFormatException>(() => reader.ReadAsync(default).AsTask());
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1024 * 1024, "a hostile length must not drive an allocation");
    }

    [Fact]
    public async Task UnknownPduTypeIsRejectedFromItsHeader()
    {
        using var reader = new PduReader(HeaderOnly(0x09, 4), 16384);
        var e = await Assert.ThrowsAsync<PduFormatException>(() => reader.ReadAsync(default).AsTask());
        Assert.Equal(AbortReason.UnrecognizedPdu, e.AbortReason);
    }

    [Fact]
    public async Task DisconnectInsideAPduIsNotACleanEnd()
    {
        var bytes = PduEncoder.Encode(new PDataTf([new Pdv(1, false, false, new byte[100])]))[..50];
        using var reader = new PduReader(new MemoryStream(bytes), 16384);
        await Assert.ThrowsAsync<EndOfStreamException>(() => reader.ReadAsync(default).AsTask());
    }
}
