using System.Net;
using System.Net.Sockets;
using DoseWatch.Dicom.Network.Acse;
using DoseWatch.Dicom.Network.Dimse;
using DoseWatch.Dicom.Network.UpperLayer;
using DoseWatch.Tests;
using DoseWatch.Tests.Network;

namespace DoseWatch.Dicom.Tests.Network;

/// <summary>
/// Issue #22 item 4: idle TCP connections used to hold every association slot (30 s before association), so that
/// echoscu got "temporary congestion". An attacker's raw sockets come from 127.0.0.2 (Linux routes all of 127/8 to
/// loopback), the modality is the real storescu/echoscu from 127.0.0.1.
/// </summary>
public sealed class ConnectionLimitsTests
{
    private static readonly IPAddress Attacker = IPAddress.Parse("127.0.0.2");
    private static readonly UpperLayerOptions QuickRequest = new() { AssociateRequestTimeout = TimeSpan.FromSeconds(2) };
    private static string Sample => SharedSamples.Path_("openrem/CT-RDSR-GEPixelMed.dcm");

    private static async Task<List<TcpClient>> OpenIdleSocketsAsync(int port, int count, IPAddress from)
    {
        var sockets = new List<TcpClient>();
        for (var i = 0; i < count; i++)
        {
            var client = new TcpClient(new IPEndPoint(from, 0));
            await client.ConnectAsync(IPAddress.Loopback, port);
            sockets.Add(client);
        }
        return sockets;
    }

    /// <summary>True when the acceptor closed the socket (read returns 0 or fails) within <paramref name="within"/>.</summary>
    private static async Task<bool> ClosedWithinAsync(TcpClient client, TimeSpan within)
    {
        using var cts = new CancellationTokenSource(within);
        try { return await client.GetStream().ReadAsync(new byte[64], cts.Token) == 0; }
        catch (OperationCanceledException) { return false; }
        catch (IOException) { return true; }
    }

    [SamplesFact]
    public async Task Eighty_idle_sockets_from_one_host_do_not_stop_a_modality_from_storing()
    {
        await using var scp = new LoopbackScp(ul: QuickRequest);
        var idle = await OpenIdleSocketsAsync(scp.Port, 80, Attacker);
        try
        {
            // While all 80 are open (the per-address ceiling closed all but 16 of them), the modality is served.
            var echo = await PeerProcess.RunAsync("echoscu", ["-aec", "DOSEWATCH", "127.0.0.1", scp.Port.ToString()]);
            var store = await PeerProcess.RunAsync("storescu", ["-aec", "DOSEWATCH", "127.0.0.1", scp.Port.ToString(), Sample]);

            Assert.True(echo.ExitCode == 0, echo.All);
            Assert.True(store.ExitCode == 0, store.All);
            Assert.Single(scp.StoredFiles);
            var closed = await Task.WhenAll(idle.Select(c => ClosedWithinAsync(c, TimeSpan.FromSeconds(6))));
            // Every silent socket is closed: the surplus at once, the 16 admitted ones when the 2 s request timeout ran out.
            Assert.All(closed, Assert.True);
        }
        finally
        {
            foreach (var c in idle) c.Dispose();
        }
        // Logged in aggregate: one count per reason for the attacker's address, none for the modality's.
        var refused = scp.Listener.TakeRefusedConnections();
        Assert.Equal(64, refused.Single(r => r.PeerAddress == "127.0.0.2" && r.Reason.Contains("from one address")).Count);
        Assert.Equal(16, refused.Single(r => r.PeerAddress == "127.0.0.2" && r.Reason.Contains("silent")).Count);
        Assert.DoesNotContain(refused, r => r.PeerAddress == "127.0.0.1");
    }

    [SamplesFact]
    public async Task With_every_slot_taken_an_allow_listed_device_still_associates_and_an_unknown_one_is_told_congestion()
    {
        var policy = new AcceptorPolicy
        {
            AeTitle = "DOSEWATCH",
            CallingAeAccess = new CallingAeAccess([new KnownCaller("MODALITY", [IPAddress.Loopback])], Strict: false),
        };
        await using var scp = new LoopbackScp(policy, limits: new ConnectionLimits { MaxAssociations = 2, ReservedForKnownDevices = 1 });
        // Two associations from unknown callers hold the general slots (they associate, then stay silent).
        var holders = new List<RawPeer>();
        for (var i = 0; i < 2; i++)
        {
            var holder = await RawPeer.ConnectAsync(scp.Port);
            await holder.SendAssociateRqAsync("DOSEWATCH", "HOLDER", [(1, RawPeer.Verification)]);
            Assert.Equal(0x02, (await holder.ReadPduAsync())!.Value.Type);
            holders.Add(holder);
        }
        try
        {
            var unknown = await PeerProcess.RunAsync("echoscu", ["-aet", "STRANGER", "-aec", "DOSEWATCH", "127.0.0.1", scp.Port.ToString()]);
            var known = await PeerProcess.RunAsync("storescu", ["-aet", "MODALITY", "-aec", "DOSEWATCH", "127.0.0.1", scp.Port.ToString(), Sample]);

            Assert.NotEqual(0, unknown.ExitCode);
            Assert.Contains("Congestion", unknown.All, StringComparison.OrdinalIgnoreCase);
            Assert.True(known.ExitCode == 0, known.All);
            Assert.Single(scp.StoredFiles);
        }
        finally
        {
            foreach (var h in holders) h.Dispose();
        }
    }
}
