using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using DoseWatch.Dicom.Network.Acse;
using DoseWatch.Dicom.Network.Dimse;
using DoseWatch.Dicom.Network.Pdu;
using DoseWatch.Dicom.Network.UpperLayer;
using DoseWatch.Tests;
using DoseWatch.Tests.Network;

namespace DoseWatch.Dicom.Tests.Network;

/// <summary>
/// Raw-socket peers that break the protocol. Each must be aborted or closed quickly, leave nothing in the store
/// (neither a file nor a temporary), and not stop the SCP from serving a well-behaved peer at the same time.
/// </summary>
public class HostilePeerTests
{
    private static readonly UpperLayerOptions ShortTimers = new() { ArtimTimeout = TimeSpan.FromMilliseconds(1000), IdleTimeout = TimeSpan.FromMilliseconds(1500) };

    private static async Task<(TcpClient Client, NetworkStream Stream)> ConnectAsync(LoopbackScp scp)
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(IPAddress.Loopback, scp.Port);
        return (client, client.GetStream());
    }

    /// <summary>Everything the SCP sends until it closes the connection (bounded by a timeout that fails the test).</summary>
    private static async Task<byte[]> ReadUntilClosedAsync(NetworkStream s, TimeSpan? within = null)
    {
        using var cts = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(5));
        var all = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var n = await s.ReadAsync(buffer, cts.Token);
                if (n == 0) return all.ToArray();
                all.Write(buffer, 0, n);
            }
        }
        catch (IOException)
        {
            return all.ToArray();  // reset by the SCP: closed as well
        }
    }

    private static AAssociateRq StorageRequest() => AssociationNegotiation.BuildRequest("HOSTILE", "DOSEWATCH",
        [(SopClassUids.XRayRadiationDoseSr, [DicomTransferSyntax.ExplicitVRLittleEndian.Uid])], 16384);

    private static async Task AssociateAsync(NetworkStream s)
    {
        await s.WriteAsync(PduEncoder.Encode(StorageRequest()));
        var header = new byte[6];
        await s.ReadExactlyAsync(header);
        Assert.Equal((byte)PduType.AAssociateAc, header[0]);
        await s.ReadExactlyAsync(new byte[BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(2))]);
    }

    private static void AssertAbortOrNothing(byte[] sent)
    {
        if (sent.Length == 0) return;
        Assert.IsType<AAbort>(PduDecoder.Decode(sent[..Math.Min(sent.Length, 10)]));
    }

    [Fact]
    public async Task RandomBytesAreAbortedOrClosed()
    {
        // All 20 from 127.0.0.1: above the default per-address ceiling (16), which ConnectionLimitsTests covers.
        await using var scp = new LoopbackScp(ul: ShortTimers, limits: new ConnectionLimits { MaxConnectionsPerPeer = 32 });
        var random = new Random(20261125);
        var cases = Enumerable.Range(0, 20).Select(_ =>
        {
            var junk = new byte[random.Next(1, 400)];
            random.NextBytes(junk);
            return junk;
        }).ToList();
        // All at once: each waits out its ARTIM in parallel, and the SCP must cope with them together.
        await Task.WhenAll(cases.Select(async (junk, i) =>
        {
            var (client, s) = await ConnectAsync(scp);
            using (client)
            {
                await s.WriteAsync(junk);
                var sent = await ReadUntilClosedAsync(s);
                Assert.True(sent.Length == 0 || sent[0] is (byte)PduType.AAbort or (byte)PduType.AAssociateRj, $"case {i}: answered {Convert.ToHexString(sent)}");
            }
        }));
        var records = await scp.WaitForRecordsAsync(20);
        Assert.DoesNotContain(records, r => r.Outcome == AssociationOutcome.Released);
        Assert.Empty(scp.StoredFiles);
    }

    [Fact]
    public async Task TruncatedPduThenCloseIsCleanedUp()
    {
        await using var scp = new LoopbackScp(ul: ShortTimers);
        var (client, s) = await ConnectAsync(scp);
        var rq = PduEncoder.Encode(StorageRequest());
        await s.WriteAsync(rq.AsMemory(0, rq.Length / 2));
        client.Client.Shutdown(SocketShutdown.Send);
        await ReadUntilClosedAsync(s);
        client.Dispose();
        var record = Assert.Single(await scp.WaitForRecordsAsync(1));
        Assert.Equal(AssociationOutcome.NoAssociation, record.Outcome);
    }

    [Fact]
    public async Task OversizedPDataIsAbortedWithoutReadingItsBody()
    {
        await using var scp = new LoopbackScp(ul: ShortTimers);
        var (client, s) = await ConnectAsync(scp);
        using var _ = client;
        await AssociateAsync(s);
        // A P-DATA-TF header claiming 4 GB: only the 6 header bytes are sent.
        await s.WriteAsync(Convert.FromHexString("04" + "00" + "FFFFFFF0"));
        var sent = await ReadUntilClosedAsync(s, TimeSpan.FromSeconds(3));
        var abort = Assert.IsType<AAbort>(PduDecoder.Decode(sent[..10]));
        Assert.Equal(AbortSource.ServiceProvider, abort.Source);
        var record = Assert.Single(await scp.WaitForRecordsAsync(1));
        Assert.Equal(AssociationOutcome.Aborted, record.Outcome);
        Assert.Contains("exceeds the limit", record.Detail);
    }

    [Theory]
    [InlineData("P-DATA-TF before A-ASSOCIATE-RQ", false)]
    [InlineData("A-RELEASE-RP on an open association", true)]
    [InlineData("second A-ASSOCIATE-RQ on an open association", true)]
    public async Task PdusOutOfOrderAreAborted(string what, bool associateFirst)
    {
        await using var scp = new LoopbackScp(ul: ShortTimers);
        var (client, s) = await ConnectAsync(scp);
        using var _ = client;
        if (associateFirst) await AssociateAsync(s);
        ProtocolDataUnit wrong = what.StartsWith("P-DATA") ? new PDataTf([new Pdv(1, true, true, new byte[4])])
            : what.StartsWith("A-RELEASE") ? new AReleaseRp() : StorageRequest();
        await s.WriteAsync(PduEncoder.Encode(wrong));
        var sent = await ReadUntilClosedAsync(s);
        Assert.IsType<AAbort>(PduDecoder.Decode(sent[..10]));
        Assert.Equal(AssociationOutcome.Aborted, Assert.Single(await scp.WaitForRecordsAsync(1)).Outcome);
    }

    [SamplesFact]
    public async Task SilentPeersAreClosedWhileAnotherAssociationIsServed()
    {
        await using var scp = new LoopbackScp(ul: ShortTimers);
        // One peer never sends A-ASSOCIATE-RQ (ARTIM), one goes silent after associating (idle timeout).
        var (silent, silentStream) = await ConnectAsync(scp);
        var (idle, idleStream) = await ConnectAsync(scp);
        await AssociateAsync(idleStream);
        var store = PeerProcess.RunAsync("storescu", ["-aec", "DOSEWATCH", "127.0.0.1", scp.Port.ToString(), SharedSamples.Path_("openrem/CT-RDSR-GEPixelMed.dcm")]);
        var started = DateTime.UtcNow;
        Assert.Empty(await ReadUntilClosedAsync(silentStream));
        AssertAbortOrNothing(await ReadUntilClosedAsync(idleStream));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), "timers must end silent peers promptly");
        Assert.Equal(0, (await store).ExitCode);
        silent.Dispose();
        idle.Dispose();
        var records = await scp.WaitForRecordsAsync(3);
        Assert.Contains(records, r => r.Outcome == AssociationOutcome.NoAssociation && r.Detail!.Contains("ARTIM"));
        Assert.Contains(records, r => r.Outcome == AssociationOutcome.Aborted && r.Detail!.Contains("idle"));
        Assert.Contains(records, r => r.Outcome == AssociationOutcome.Released && r.InstancesStored == 1);
        Assert.Single(scp.StoredFiles);
    }

    [Fact]
    public async Task DisconnectInTheMiddleOfADataSetLeavesNothing()
    {
        await using var scp = new LoopbackScp(ul: ShortTimers);
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(IPAddress.Loopback, scp.Port);
        await using (var ul = new UpperLayerConnection(client.GetStream(), true, new UpperLayerOptions()))
        {
            await ul.SendAsync(StorageRequest());
            Assert.Equal(UlIndicationKind.AssociateAccepted, (await ul.ReceiveAsync()).Kind);
            var command = DimseCommand.CStoreRq(1, SopClassUids.XRayRadiationDoseSr, "1.2.826.0.1.3680043.8.498.99");
            await DimseSender.SendCommandAsync(ul, 1, command, default);
            for (var i = 0; i < 10; i++) await ul.SendPDataAsync(1, false, false, new byte[8000]);
            // Wait until the SCP has the temporary file open, then vanish.
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (scp.PartialFiles.Length == 0 && DateTime.UtcNow < deadline) await Task.Delay(10);
            Assert.Single(scp.PartialFiles);
        }
        client.Dispose();
        var record = Assert.Single(await scp.WaitForRecordsAsync(1));
        Assert.Equal((AssociationOutcome.TransportClosed, 0), (record.Outcome, record.InstancesStored));
        Assert.Empty(scp.StoredFiles);
        Assert.Empty(scp.PartialFiles);
    }

    [Fact]
    public async Task DataSetOnAContextThatWasNotAcceptedIsAborted()
    {
        await using var scp = new LoopbackScp(ul: ShortTimers);
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(IPAddress.Loopback, scp.Port);
        await using var ul = new UpperLayerConnection(client.GetStream(), true, new UpperLayerOptions());
        await ul.SendAsync(StorageRequest());
        await ul.ReceiveAsync();
        await ul.SendPDataAsync(7, true, true, DimseCommand.CEchoRq(1).Encode());
        Assert.Equal(UlIndicationKind.AbortedByPeer, (await ul.ReceiveAsync()).Kind);
        var record = Assert.Single(await scp.WaitForRecordsAsync(1));
        Assert.Contains("context 7", record.Detail);
    }
}
