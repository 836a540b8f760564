using DoseWatch.Dicom.Network.Dimse;
using DoseWatch.Tests.Network;

namespace DoseWatch.Dicom.Tests.Network;

/// <summary>
/// Issue #22 item 7, over a real loopback socket with <see cref="RawPeer"/>: requests that used to end in an internal
/// exception (and an abort) get the answer PS3.7/PS3.8 prescribe.
/// </summary>
public sealed class HostileAssociationTests
{
    private const string CtImageStorage = "1.2.840.10008.5.1.4.1.1.2";
    private static readonly DoseWatch.Dicom.Network.UpperLayer.UpperLayerOptions ShortArtim = new() { ArtimTimeout = TimeSpan.FromSeconds(2) };

    [Fact]
    public async Task A_maximum_length_of_0xFFFFFFFF_is_honoured_and_the_echo_answered()
    {
        await using var scp = new LoopbackScp(ul: ShortArtim);
        using var peer = await RawPeer.ConnectAsync(scp.Port);
        await peer.SendAssociateRqAsync("DOSEWATCH", "RAW", [(1, RawPeer.Verification)], maxLength: 0xFFFFFFFF);
        Assert.Equal(0x02, (await peer.ReadPduAsync())!.Value.Type); // A-ASSOCIATE-AC

        await peer.SendPDataAsync(1, isCommand: true, RawPeer.Command(0x0030, 7, RawPeer.Uid(RawPeer.Verification)));
        var response = await peer.ReadCommandAsync();
        await peer.SendReleaseRqAsync();

        Assert.Equal(0x0000, RawPeer.Status(response));
        Assert.Equal(0x8030, BitConverter.ToUInt16(response[0x00000100]));
        Assert.Equal(0x06, (await peer.ReadPduAsync())!.Value.Type); // A-RELEASE-RP
        peer.Dispose();
        Assert.Equal(AssociationOutcome.Released, (await scp.WaitForRecordsAsync(1))[0].Outcome);
    }

    [Fact]
    public async Task A_non_ascii_byte_in_a_command_uid_is_answered_with_a_failure_status_and_nothing_is_stored()
    {
        await using var scp = new LoopbackScp(ul: ShortArtim);
        using var peer = await RawPeer.ConnectAsync(scp.Port);
        await peer.SendAssociateRqAsync("DOSEWATCH", "RAW", [(1, RawPeer.Verification), (3, CtImageStorage)]);
        Assert.Equal(0x02, (await peer.ReadPduAsync())!.Value.Type);
        var badInstance = RawPeer.Uid("1.2.3.4\u00D6.5");
        var dataSet = RawPeer.EncodeImplicitLittleEndian([(0x00080016, RawPeer.Uid(CtImageStorage)), (0x00080018, badInstance)]);

        await peer.SendPDataAsync(3, isCommand: true, RawPeer.Command(0x0001, 1, RawPeer.Uid(CtImageStorage), badInstance));
        await peer.SendPDataAsync(3, isCommand: false, dataSet);
        var store = await peer.ReadCommandAsync();
        await peer.SendPDataAsync(1, isCommand: true, RawPeer.Command(0x0030, 2, RawPeer.Uid("1.2.840.10008.\u00D6.1")));
        var echo = await peer.ReadCommandAsync();
        await peer.SendReleaseRqAsync();

        Assert.Equal(0xC000, RawPeer.Status(store));       // PS3.4 B.2.3: Error, cannot understand
        Assert.Equal(0x0122, RawPeer.Status(echo));        // PS3.7 9.1.5.1.4: Refused, SOP class not supported
        Assert.Equal(0x06, (await peer.ReadPduAsync())!.Value.Type);
        peer.Dispose();
        var record = (await scp.WaitForRecordsAsync(1))[0];
        Assert.Equal((AssociationOutcome.Released, 0, 1), (record.Outcome, record.InstancesStored, record.FailedInstances));
        Assert.Empty(scp.StoredFiles);
    }

    [Fact]
    public async Task Repeated_presentation_context_ids_make_an_invalid_pdu_answered_with_a_provider_abort()
    {
        await using var scp = new LoopbackScp(ul: ShortArtim);
        using var peer = await RawPeer.ConnectAsync(scp.Port);

        await peer.SendAssociateRqAsync("DOSEWATCH", "RAW", [(1, RawPeer.Verification), (1, CtImageStorage)]);
        var answer = (await peer.ReadPduAsync())!.Value;

        // PS3.8 9.3.2.2 (IDs unique) and Table 9-10: an invalid PDU (Evt19) in Sta2 is AA-1, an A-ABORT; ARTIM then closes.
        Assert.Equal(0x07, answer.Type);
        Assert.Null(await peer.ReadPduAsync());
        var record = (await scp.WaitForRecordsAsync(1))[0];
        Assert.Equal(AssociationOutcome.Aborted, record.Outcome);
        Assert.Contains("presentation context ID 1", record.Detail);
        Assert.DoesNotContain("Exception", record.Detail);
    }

    /// <summary>
    /// Issue #22 item 5: the data set must be the object the command announces. A tiny data set under UID U, and a data
    /// set whose own UID differs from the command's, are refused with 0xA900; nothing is filed under U.
    /// </summary>
    [Fact]
    public async Task A_data_set_that_is_not_the_announced_instance_is_refused_with_a900()
    {
        await using var scp = new LoopbackScp(ul: ShortArtim);
        using var peer = await RawPeer.ConnectAsync(scp.Port);
        await peer.SendAssociateRqAsync("DOSEWATCH", "RAW", [(3, CtImageStorage)]);
        Assert.Equal(0x02, (await peer.ReadPduAsync())!.Value.Type);
        const string Announced = "1.2.826.0.1.3680043.2.1125.22.5.1";

        Task<ushort> StoreAsync(ushort id, byte[] dataSet) => peer.StoreAsync(3, id, CtImageStorage, Announced, dataSet);

        var tiny = await StoreAsync(1, RawPeer.EncodeImplicitLittleEndian([(0x00100010, "X^Y "u8.ToArray())]));
        var other = await StoreAsync(2, RawPeer.EncodeImplicitLittleEndian([(0x00080016, RawPeer.Uid(CtImageStorage)), (0x00080018, RawPeer.Uid("1.2.826.0.1.3680043.2.1125.22.5.2"))]));
        var otherClass = await StoreAsync(3, RawPeer.EncodeImplicitLittleEndian([(0x00080016, RawPeer.Uid("1.2.840.10008.5.1.4.1.1.88.67")), (0x00080018, RawPeer.Uid(Announced))]));
        var right = await StoreAsync(4, RawPeer.EncodeImplicitLittleEndian([(0x00080016, RawPeer.Uid(CtImageStorage)), (0x00080018, RawPeer.Uid(Announced))]));
        await peer.SendReleaseRqAsync();

        Assert.Equal((0xA900, 0xA900, 0xA900, 0x0000), (tiny, other, otherClass, right));
        Assert.Equal([Announced + ".dcm"], scp.StoredFiles.Select(Path.GetFileName));
        Assert.Empty(scp.PartialFiles);
    }

    /// <summary>
    /// Issue #22 item 5, second half: a resend of the stored object is Success again, but a different object under the
    /// stored UID is refused 0x0111 (Duplicate SOP Instance) and kept apart under .conflicts/, never dropped or filed over it.
    /// </summary>
    [Fact]
    public async Task A_different_object_under_a_stored_uid_is_refused_and_kept_apart()
    {
        await using var scp = new LoopbackScp(ul: ShortArtim);
        using var peer = await RawPeer.ConnectAsync(scp.Port);
        await peer.SendAssociateRqAsync("DOSEWATCH", "RAW", [(3, CtImageStorage)]);
        Assert.Equal(0x02, (await peer.ReadPduAsync())!.Value.Type);
        const string Uid = "1.2.826.0.1.3680043.2.1125.22.5.7";
        byte[] Object(string name) => RawPeer.EncodeImplicitLittleEndian([(0x00080016, RawPeer.Uid(CtImageStorage)), (0x00080018, RawPeer.Uid(Uid)), (0x00100010, System.Text.Encoding.ASCII.GetBytes(name))]);

        Task<ushort> StoreAsync(ushort id, byte[] dataSet) => peer.StoreAsync(3, id, CtImageStorage, Uid, dataSet);

        var first = await StoreAsync(1, Object("FIRST^A "));
        var resend = await StoreAsync(2, Object("FIRST^A "));
        var other = await StoreAsync(3, Object("OTHER^B "));
        await peer.SendReleaseRqAsync();

        Assert.Equal((0x0000, 0x0000, 0x0111), (first, resend, other));
        Assert.Equal([Uid + ".dcm"], scp.StoredFiles.Select(Path.GetFileName));
        Assert.Contains("FIRST^A", System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(scp.StoredFiles.Single())));
        var kept = Assert.Single(Directory.GetFiles(Path.Combine(Path.GetDirectoryName(scp.StoredFiles.Single())!, ".conflicts")));
        Assert.StartsWith(Uid + ".", Path.GetFileName(kept));
        Assert.Contains("OTHER^B", System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(kept)));
        Assert.Empty(scp.PartialFiles);
    }

    /// <summary>
    /// The stored object may have moved on (the product quarantines what it cannot extract) before a resend arrives:
    /// the UID is still taken, so a different object is refused 0x0111 and kept apart, and the same bytes are Success
    /// again without a second copy in the inbox.
    /// </summary>
    [Fact]
    public async Task A_different_object_under_the_uid_of_a_moved_on_object_is_refused()
    {
        var quarantine = Path.Combine(Path.GetTempPath(), "dw-quarantine-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(quarantine);
        await using var scp = new LoopbackScp(ul: ShortArtim, movedOnTo: [quarantine]);
        using var peer = await RawPeer.ConnectAsync(scp.Port);
        await peer.SendAssociateRqAsync("DOSEWATCH", "RAW", [(3, CtImageStorage)]);
        Assert.Equal(0x02, (await peer.ReadPduAsync())!.Value.Type);
        const string Uid = "1.2.826.0.1.3680043.2.1125.22.5.8";
        byte[] Object(string name) => RawPeer.EncodeImplicitLittleEndian([(0x00080016, RawPeer.Uid(CtImageStorage)), (0x00080018, RawPeer.Uid(Uid)), (0x00100010, System.Text.Encoding.ASCII.GetBytes(name))]);

        Task<ushort> StoreAsync(ushort id, byte[] dataSet) => peer.StoreAsync(3, id, CtImageStorage, Uid, dataSet);

        var first = await StoreAsync(1, Object("FIRST^A "));
        File.Move(scp.StoredFiles.Single(), Path.Combine(quarantine, Uid + ".dcm"));
        var resend = await StoreAsync(2, Object("FIRST^A "));
        var other = await StoreAsync(3, Object("OTHER^B "));
        await peer.SendReleaseRqAsync();

        Assert.Equal((0x0000, 0x0000, 0x0111), (first, resend, other));
        Assert.Empty(scp.StoredFiles);
        var kept = Assert.Single(Directory.GetFiles(Path.Combine(scp.Directory, ".conflicts")));
        Assert.Contains("OTHER^B", System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(kept)));
        Assert.Contains("FIRST^A", System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(Path.Combine(quarantine, Uid + ".dcm"))));
        Assert.Empty(scp.PartialFiles);
    }
}
