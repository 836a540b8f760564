using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using DoseWatch.Dicom.Network.Acse;
using DoseWatch.Dicom.Network.Dimse;
using DoseWatch.Tests;
using DoseWatch.Tests.Network;

namespace DoseWatch.Dicom.Tests.Network;

/// <summary>
/// Issue #18: the Store SCP checks each data set's identity (issue #22 item 5) and hands its header on from the bytes as
/// they were received, without opening (and, sealed, decrypting) the file it has just written. The store here is sealed
/// with a pass-through seal whose reader counts every opening; the headers are compared with dcmdump's reading of the
/// sent files.
/// </summary>
public sealed partial class ReceivedHeaderTests
{
    [SamplesTheory]
    [InlineData("-xi")]   // Implicit VR Little Endian
    [InlineData("-xe")]   // Explicit VR Little Endian
    [InlineData("-xb")]   // Explicit VR Big Endian
    [InlineData("-xd")]   // Deflated Explicit VR Little Endian
    public async Task A_report_and_an_image_are_checked_and_described_from_the_received_bytes(string transferSyntaxOption)
    {
        using var temp = new TempDirectory();
        var rdsr = SharedSamples.Path_("openrem/CT-RDSR-GEPixelMed.dcm");
        var image = temp.File("ct-512.dcm");
        // A CT image of 512 x 512 x 16 bit (526 kB): its header ends long before the first 64 KiB, where the SCP stops keeping bytes.
        await LargeCtImage.WriteAsync(image);
        var opened = 0;
        var received = new ConcurrentQueue<StoredInstance>();
        await using var scp = new LoopbackScp(store: directory => new DirectoryStore(directory,
            (instance, _) => { received.Enqueue(instance); return ValueTask.CompletedTask; },
            seal: file => new PassThrough(file),
            openSealed: path => { Interlocked.Increment(ref opened); return File.OpenRead(path); }));

        foreach (var file in (string[])[rdsr, image])
        {
            var r = await PeerProcess.RunAsync("storescu", [transferSyntaxOption, "-aec", "DOSEWATCH", "127.0.0.1", scp.Port.ToString(), file]);
            Assert.True(r.ExitCode == 0, r.All);
        }

        Assert.Equal(0, opened);
        Assert.Equal(2, received.Count);
        foreach (var (sent, stored) in new[] { rdsr, image }.Zip(received))
        {
            Assert.NotNull(stored.Header);
            foreach (var tag in (string[])["0008,0016", "0008,0018", "0020,000d", "0008,0060", "0008,0070", "0008,0020"])
                Assert.Equal(await DcmdumpValueAsync(sent, tag), stored.Header!.GetString(ParseTag(tag)) ?? "");
        }
    }

    /// <summary>
    /// Issue #22 item 5 from the received bytes: a data set naming another instance is refused 0xA900 whether it is
    /// tiny (parsed whole) or carries 200 kB of pixel data (parsed from its first 64 KiB, up to the pixel data); one
    /// that cannot be parsed is 0xC000; the announced one is stored. The file is never opened for any of them.
    /// </summary>
    [Fact]
    public async Task The_identity_is_checked_from_the_received_bytes_for_small_and_large_data_sets()
    {
        const string CtImageStorage = "1.2.840.10008.5.1.4.1.1.2";
        const string Announced = "1.2.826.0.1.3680043.2.1125.18.5.1";
        var opened = 0;
        await using var scp = new LoopbackScp(ul: new DoseWatch.Dicom.Network.UpperLayer.UpperLayerOptions { ArtimTimeout = TimeSpan.FromSeconds(2) },
            store: directory => new DirectoryStore(directory, seal: file => new PassThrough(file),
                openSealed: path => { Interlocked.Increment(ref opened); return File.OpenRead(path); }));
        using var peer = await RawPeer.ConnectAsync(scp.Port);
        await peer.SendAssociateRqAsync("DOSEWATCH", "RAW", [(3, CtImageStorage)]);
        Assert.Equal(0x02, (await peer.ReadPduAsync())!.Value.Type);
        var pixels = new byte[200_000];
        byte[] Image(string sopInstanceUid, bool withPixels) => RawPeer.EncodeImplicitLittleEndian([
            (0x00080016, RawPeer.Uid(CtImageStorage)), (0x00080018, RawPeer.Uid(sopInstanceUid)), (0x00100010, "X^Y "u8.ToArray()),
            .. withPixels ? [(0x7FE00010u, pixels)] : Array.Empty<(uint, byte[])>()]);

        async Task<ushort> StoreAsync(ushort id, byte[] dataSet)
        {
            await peer.SendPDataAsync(3, isCommand: true, RawPeer.Command(0x0001, id, RawPeer.Uid(CtImageStorage), RawPeer.Uid(Announced)));
            // In PDVs of 16 KiB, as a peer with the SCP's default maximum PDU length would send them.
            for (var offset = 0; offset < dataSet.Length; offset += 16 * 1024)
            {
                var fragment = dataSet.AsSpan(offset, Math.Min(16 * 1024, dataSet.Length - offset));
                var pdv = new byte[6 + fragment.Length];
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(pdv, (uint)(2 + fragment.Length));
                pdv[4] = 3;
                pdv[5] = (byte)(offset + fragment.Length == dataSet.Length ? 2 : 0);
                fragment.CopyTo(pdv.AsSpan(6));
                await peer.SendPduAsync(0x04, pdv);
            }
            return RawPeer.Status(await peer.ReadCommandAsync());
        }

        var otherSmall = await StoreAsync(1, Image("1.2.826.0.1.3680043.2.1125.18.5.2", withPixels: false));
        var otherLarge = await StoreAsync(2, Image("1.2.826.0.1.3680043.2.1125.18.5.3", withPixels: true));
        // An element claiming 1,000 bytes where 4 follow: not a data set anyone can read.
        var unreadable = await StoreAsync(3, [0x08, 0x00, 0x18, 0x00, 0xE8, 0x03, 0x00, 0x00, 0x31, 0x2E, 0x32, 0x33]);
        var right = await StoreAsync(4, Image(Announced, withPixels: true));
        await peer.SendReleaseRqAsync();

        Assert.Equal((0xA900, 0xA900, 0xC000, 0x0000), (otherSmall, otherLarge, unreadable, right));
        Assert.Equal([Announced + ".dcm"], scp.StoredFiles.Select(Path.GetFileName));
        Assert.Equal(0, opened);
    }

    private static async Task<string> DcmdumpValueAsync(string path, string tag)
    {
        var r = await PeerProcess.RunAsync("dcmdump", ["-q", "-Un", "+P", tag, path]);
        var m = Value().Match(r.StdOut);
        return m.Success ? m.Groups["v"].Value.TrimEnd() : "";
    }

    private static DicomTag ParseTag(string tag) =>
        new(Convert.ToUInt16(tag[..4], 16), Convert.ToUInt16(tag[5..], 16));

    [GeneratedRegex(@"\[(?<v>[^\]]*)\]")]
    private static partial Regex Value();

    /// <summary>A seal that writes the bytes unchanged and leaves the file open on dispose, as the real seal does.</summary>
    private sealed class PassThrough(Stream file) : Stream
    {
        public override void Write(ReadOnlySpan<byte> buffer) => file.Write(buffer);
        public override void Write(byte[] buffer, int offset, int count) => file.Write(buffer, offset, count);
        public override void Flush() => file.Flush();
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
