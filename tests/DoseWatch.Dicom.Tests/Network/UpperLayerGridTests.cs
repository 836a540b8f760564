using System.Net;
using System.Net.Sockets;
using DoseWatch.Dicom.Network.Acse;
using DoseWatch.Dicom.Network.Pdu;
using DoseWatch.Dicom.Network.UpperLayer;

namespace DoseWatch.Dicom.Tests.Network;

/// <summary>
/// The acceptor's side of PS3.8 Table 9-10, cell by cell, over a real loopback socket: the connection is brought into
/// a state, a raw peer causes one event, and what we send, the indication and the next state are checked against
/// the action the standard names for that cell. Expectations are transcribed here from PS3.8, separately from
/// <see cref="UlTransitionTable"/>, and the table is checked to name the same action.
/// </summary>
public abstract class UpperLayerGridTests
{
    // Long enough that a loaded CI machine reaches the state under test before ARTIM expires.
    private static readonly TimeSpan Artim = TimeSpan.FromMilliseconds(1000);
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(500);

    /// <summary>What an action looks like from outside (PS3.8 Tables 9-6 to 9-9).</summary>
    public enum Seen
    {
        AbortByUserThenSta13,      // AA-1
        AbortByProviderThenSta13,  // AA-8
        ClosedSta1,                // AA-2, AA-5, AR-5: transport closed, no indication beyond "closed"
        PeerAbortSta1,             // AA-3
        TransportClosedSta1,       // AA-4
        IgnoredThenArtimClose,     // AA-6
        AbortThenArtimClose,       // AA-7
        AssociateIndicationSta3,   // AE-6
        DataIndicationSta6,        // DT-2
        ReleaseIndicationSta8,     // AR-2
    }

    protected static TheoryData<UlEvent, UlAction, Seen> Row(params (UlEvent, UlAction, Seen)[] cells)
    {
        var data = new TheoryData<UlEvent, UlAction, Seen>();
        foreach (var (e, a, s) in cells) data.Add(e, a, s);
        return data;
    }

    protected abstract UlState State { get; }

    protected async Task RunCellAsync(UlEvent evt, UlAction expectedAction, Seen expected)
    {
        Assert.Equal(expectedAction, UlTransitionTable.Lookup(evt, State));
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        var socket = await listener.AcceptSocketAsync();
        var peer = client.GetStream();
        await using var ul = new UpperLayerConnection(new NetworkStream(socket, ownsSocket: true), false,
            new UpperLayerOptions { ArtimTimeout = Artim, MaxReceivePduLength = 16384 });
        await BringToStateAsync(ul, peer);
        Assert.Equal(State, ul.State);

        await CauseAsync(evt, peer, client);
        var indication = await ul.ReceiveAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        var stateAfter = ul.State;
        var sent = await ReadUntilCloseOrQuietAsync(peer);

        switch (expected)
        {
            case Seen.AbortByUserThenSta13 or Seen.AbortByProviderThenSta13:
                Assert.Equal(UlIndicationKind.AbortedLocally, indication.Kind);
                Assert.Equal(UlState.Sta13, stateAfter);
                var abort = Assert.IsType<AAbort>(PduDecoder.Decode(sent));
                Assert.Equal(expected == Seen.AbortByUserThenSta13 ? AbortSource.ServiceUser : AbortSource.ServiceProvider, abort.Source);
                break;
            case Seen.ClosedSta1 or Seen.IgnoredThenArtimClose:
                Assert.Equal(UlIndicationKind.Closed, indication.Kind);
                Assert.Equal(UlState.Sta1, stateAfter);
                Assert.Empty(sent);
                break;
            case Seen.AbortThenArtimClose:
                Assert.Equal(UlIndicationKind.Closed, indication.Kind);
                Assert.Equal(UlState.Sta1, stateAfter);
                Assert.IsType<AAbort>(PduDecoder.Decode(sent));
                break;
            case Seen.PeerAbortSta1:
                Assert.Equal((UlIndicationKind.AbortedByPeer, UlState.Sta1), (indication.Kind, stateAfter));
                Assert.Empty(sent);
                break;
            case Seen.TransportClosedSta1:
                Assert.Equal((UlIndicationKind.TransportClosed, UlState.Sta1), (indication.Kind, stateAfter));
                break;
            case Seen.AssociateIndicationSta3:
                Assert.Equal((UlIndicationKind.AssociateRequested, UlState.Sta3), (indication.Kind, stateAfter));
                Assert.Empty(sent);
                break;
            case Seen.DataIndicationSta6:
                Assert.Equal((UlIndicationKind.Data, UlState.Sta6), (indication.Kind, stateAfter));
                Assert.Empty(sent);
                break;
            case Seen.ReleaseIndicationSta8:
                Assert.Equal((UlIndicationKind.ReleaseRequested, UlState.Sta8), (indication.Kind, stateAfter));
                Assert.Empty(sent);
                break;
        }
    }

    private async Task BringToStateAsync(UpperLayerConnection ul, NetworkStream peer)
    {
        ul.TransportConnectionIndication();
        if (State == UlState.Sta2) return;
        var rq = Request();
        await peer.WriteAsync(PduEncoder.Encode(rq));
        Assert.Equal(UlIndicationKind.AssociateRequested, (await ul.ReceiveAsync()).Kind);
        if (State == UlState.Sta3) return;
        if (State == UlState.Sta13)
        {
            await ul.SendAsync(AAssociateRj.NoReasonGiven());
            await ReadPduAsync(peer);
            return;
        }
        var accepted = (AssociationAccepted)AssociationNegotiation.Negotiate(rq, new AcceptorPolicy { AeTitle = "SCP" }, null);
        await ul.SendAsync(accepted.Response);
        await ReadPduAsync(peer);
        if (State == UlState.Sta6) return;
        await peer.WriteAsync(PduEncoder.Encode(new AReleaseRq()));
        Assert.Equal(UlIndicationKind.ReleaseRequested, (await ul.ReceiveAsync()).Kind);
    }

    private static AAssociateRq Request() =>
        AssociationNegotiation.BuildRequest("SCU", "SCP", [(SopClassUids.Verification, ["1.2.840.10008.1.2"])], 16384);

    private static async Task CauseAsync(UlEvent evt, NetworkStream peer, TcpClient client)
    {
        byte[]? pdu = evt switch
        {
            UlEvent.Evt3 => PduEncoder.Encode(new AAssociateAc("SCP", "SCU", [], new UserInformation([new MaximumLengthSubItem(0)]))),
            UlEvent.Evt4 => PduEncoder.Encode(AAssociateRj.NoReasonGiven()),
            UlEvent.Evt6 => PduEncoder.Encode(Request()),
            UlEvent.Evt10 => PduEncoder.Encode(new PDataTf([new Pdv(1, true, false, new byte[8])])),
            UlEvent.Evt12 => PduEncoder.Encode(new AReleaseRq()),
            UlEvent.Evt13 => PduEncoder.Encode(new AReleaseRp()),
            UlEvent.Evt16 => PduEncoder.Encode(AAbort.ByServiceUser()),
            UlEvent.Evt19 => Convert.FromHexString("090000000004" + "00000000"),
            _ => null,
        };
        if (pdu is not null) await peer.WriteAsync(pdu);
        if (evt == UlEvent.Evt17) client.Client.Shutdown(SocketShutdown.Send);
        // Evt18: nothing; the ARTIM timer expires by itself.
    }

    private static async Task ReadPduAsync(NetworkStream peer)
    {
        var header = new byte[6];
        await peer.ReadExactlyAsync(header);
        await peer.ReadExactlyAsync(new byte[System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(2))]);
    }

    /// <summary>Everything the acceptor sent after the event, until it closed or stayed quiet for a while.</summary>
    private static async Task<byte[]> ReadUntilCloseOrQuietAsync(NetworkStream peer)
    {
        var received = new MemoryStream();
        var buffer = new byte[1024];
        while (true)
        {
            using var quiet = new CancellationTokenSource(Quiet);
            try
            {
                var n = await peer.ReadAsync(buffer, quiet.Token);
                if (n == 0) break;
                received.Write(buffer, 0, n);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
                break;
            }
        }
        return received.ToArray();
    }
}

public class UlSta02Tests : UpperLayerGridTests
{
    protected override UlState State => UlState.Sta2;

    public static TheoryData<UlEvent, UlAction, Seen> Cells => Row(
        (UlEvent.Evt3, UlAction.AA1, Seen.AbortByUserThenSta13),
        (UlEvent.Evt4, UlAction.AA1, Seen.AbortByUserThenSta13),
        (UlEvent.Evt6, UlAction.AE6, Seen.AssociateIndicationSta3),
        (UlEvent.Evt10, UlAction.AA1, Seen.AbortByUserThenSta13),
        (UlEvent.Evt12, UlAction.AA1, Seen.AbortByUserThenSta13),
        (UlEvent.Evt13, UlAction.AA1, Seen.AbortByUserThenSta13),
        (UlEvent.Evt16, UlAction.AA2, Seen.ClosedSta1),
        (UlEvent.Evt17, UlAction.AA5, Seen.ClosedSta1),
        (UlEvent.Evt18, UlAction.AA2, Seen.ClosedSta1),
        (UlEvent.Evt19, UlAction.AA1, Seen.AbortByUserThenSta13));

    [Theory, MemberData(nameof(Cells))]
    public Task Cell(UlEvent evt, UlAction action, Seen seen) => RunCellAsync(evt, action, seen);
}

public class UlSta03Tests : UpperLayerGridTests
{
    protected override UlState State => UlState.Sta3;

    public static TheoryData<UlEvent, UlAction, Seen> Cells => Row(
        (UlEvent.Evt3, UlAction.AA8, Seen.AbortByProviderThenSta13),
        (UlEvent.Evt4, UlAction.AA8, Seen.AbortByProviderThenSta13),
        (UlEvent.Evt6, UlAction.AA8, Seen.AbortByProviderThenSta13),
        (UlEvent.Evt10, UlAction.AA8, Seen.AbortByProviderThenSta13),
        (UlEvent.Evt12, UlAction.AA8, Seen.AbortByProviderThenSta13),
        (UlEvent.Evt13, UlAction.AA8, Seen.AbortByProviderThenSta13),
        (UlEvent.Evt16, UlAction.AA3, Seen.PeerAbortSta1),
        (UlEvent.Evt17, UlAction.AA4, Seen.TransportClosedSta1),
        (UlEvent.Evt19, UlAction.AA8, Seen.AbortByProviderThenSta13));

    [Theory, MemberData(nameof(Cells))]
    public Task Cell(UlEvent evt, UlAction action, Seen seen) => RunCellAsync(evt, action, seen);
}

public class UlSta06Tests : UpperLayerGridTests
{
    protected override UlState State => UlState.Sta6;

    public static TheoryData<UlEvent, UlAction, Seen> Cells => Row(
        (UlEvent.Evt3, UlAction.AA8, Seen.AbortByProviderThenSta13),
        (UlEvent.Evt4, UlAction.AA8, Seen.AbortByProviderThenSta13),
        (UlEvent.Evt6, UlAction.AA8, Seen.AbortByProviderThenSta13),
        (UlEvent.Evt10, UlAction.DT2, Seen.DataIndicationSta6),
        (UlEvent.Evt12, UlAction.AR2, Seen.ReleaseIndicationSta8),
        (UlEvent.Evt13, UlAction.AA8, Seen.AbortByProviderThenSta13),
        (UlEvent.Evt16, UlAction.AA3, Seen.PeerAbortSta1),
        (UlEvent.Evt17, UlAction.AA4, Seen.TransportClosedSta1),
        (UlEvent.Evt19, UlAction.AA8, Seen.AbortByProviderThenSta13));

    [Theory, MemberData(nameof(Cells))]
    public Task Cell(UlEvent evt, UlAction action, Seen seen) => RunCellAsync(evt, action, seen);
}

public class UlSta08Tests : UpperLayerGridTests
{
    protected override UlState State => UlState.Sta8;

    public static TheoryData<UlEvent, UlAction, Seen> Cells => Row(
        (UlEvent.Evt3, UlAction.AA8, Seen.AbortByProviderThenSta13),
        (UlEvent.Evt4, UlAction.AA8, Seen.AbortByProviderThenSta13),
        (UlEvent.Evt6, UlAction.AA8, Seen.AbortByProviderThenSta13),
        (UlEvent.Evt10, UlAction.AA8, Seen.AbortByProviderThenSta13),
        (UlEvent.Evt12, UlAction.AA8, Seen.AbortByProviderThenSta13),
        (UlEvent.Evt13, UlAction.AA8, Seen.AbortByProviderThenSta13),
        (UlEvent.Evt16, UlAction.AA3, Seen.PeerAbortSta1),
        (UlEvent.Evt17, UlAction.AA4, Seen.TransportClosedSta1),
        (UlEvent.Evt19, UlAction.AA8, Seen.AbortByProviderThenSta13));

    [Theory, MemberData(nameof(Cells))]
    public Task Cell(UlEvent evt, UlAction action, Seen seen) => RunCellAsync(evt, action, seen);
}

public class UlSta13Tests : UpperLayerGridTests
{
    protected override UlState State => UlState.Sta13;

    public static TheoryData<UlEvent, UlAction, Seen> Cells => Row(
        (UlEvent.Evt3, UlAction.AA6, Seen.IgnoredThenArtimClose),
        (UlEvent.Evt4, UlAction.AA6, Seen.IgnoredThenArtimClose),
        (UlEvent.Evt6, UlAction.AA7, Seen.AbortThenArtimClose),
        (UlEvent.Evt10, UlAction.AA6, Seen.IgnoredThenArtimClose),
        (UlEvent.Evt12, UlAction.AA6, Seen.IgnoredThenArtimClose),
        (UlEvent.Evt13, UlAction.AA6, Seen.IgnoredThenArtimClose),
        (UlEvent.Evt16, UlAction.AA2, Seen.ClosedSta1),
        (UlEvent.Evt17, UlAction.AR5, Seen.ClosedSta1),
        (UlEvent.Evt18, UlAction.AA2, Seen.ClosedSta1),
        (UlEvent.Evt19, UlAction.AA7, Seen.AbortThenArtimClose));

    [Theory, MemberData(nameof(Cells))]
    public Task Cell(UlEvent evt, UlAction action, Seen seen) => RunCellAsync(evt, action, seen);
}

/// <summary>Local primitives the table does not allow are refused, and the table has no cell the standard leaves empty filled in.</summary>
public class UlStateMachineTests
{
    [Fact]
    public void LocalPrimitiveOutOfStateIsRefused()
    {
        var m = new UlStateMachine(isAssociationRequestor: false);
        m.Fire(UlEvent.Evt5);
        Assert.Equal(UlState.Sta2, m.State);
        var e = Assert.Throws<UlInvalidTransitionException>(() => m.Fire(UlEvent.Evt9));
        Assert.Equal((UlEvent.Evt9, UlState.Sta2), (e.Event, e.State));
    }

    [Fact]
    public void ReleaseCollisionGoesToSta9ForTheRequestorAndSta10ForTheAcceptor()
    {
        foreach (var (requestor, expected) in new[] { (true, UlState.Sta9), (false, UlState.Sta10) })
        {
            var m = new UlStateMachine(requestor);
            m.Fire(UlEvent.Evt1); m.Fire(UlEvent.Evt2); m.Fire(UlEvent.Evt3);  // Sta6 by the requestor path
            m.Fire(UlEvent.Evt11);                                            // AR-1 → Sta7
            Assert.Equal(UlAction.AR8, m.Fire(UlEvent.Evt12));
            Assert.Equal(expected, m.State);
        }
    }

    [Fact]
    public void RequestorPathReachesSta6()
    {
        var m = new UlStateMachine(true);
        Assert.Equal([UlAction.AE1, UlAction.AE2, UlAction.AE3], new[] { m.Fire(UlEvent.Evt1), m.Fire(UlEvent.Evt2), m.Fire(UlEvent.Evt3) });
        Assert.Equal(UlState.Sta6, m.State);
    }
}
