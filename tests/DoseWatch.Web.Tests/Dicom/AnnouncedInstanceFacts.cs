using System.Globalization;
using DoseWatch.Tests.Network;

namespace DoseWatch.Web.Tests.Dicom;

/// <summary>
/// Issue #22 item 5 in the running product, whose inbox encrypts every object on its way to disk: a data set that is
/// not the instance its C-STORE command announces is refused with 0xA900 after the sealed file is read back, nothing is
/// filed under the announced UID, the real instance sent afterwards is stored (not dropped as a duplicate), its resend is
/// Success again, and a different object under its UID is refused 0x0111 and kept apart, encrypted.
/// </summary>
public sealed class AnnouncedInstanceFacts : IAsyncLifetime
{
    private const string CtImageStorage = "1.2.840.10008.5.1.4.1.1.2";
    private readonly int _port = DoseWatchApp.FreeTcpPort();
    private DoseWatchApp _app = null!;

    public async Task InitializeAsync() => _app = await DoseWatchApp.StartAsync(new Dictionary<string, string?>
    {
        ["Dicom:Port"] = _port.ToString(CultureInfo.InvariantCulture),
    });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task An_encrypted_inbox_refuses_a_data_set_that_is_not_the_announced_instance()
    {
        using var peer = await RawPeer.ConnectAsync(_port);
        await peer.SendAssociateRqAsync("DOSEWATCH", "RAW", [(3, CtImageStorage)]);
        Assert.Equal(0x02, (await peer.ReadPduAsync())!.Value.Type);
        var announced = $"1.2.826.0.1.3680043.2.1125.22.5.{Random.Shared.Next(1, int.MaxValue)}";

        Task<ushort> StoreAsync(ushort id, byte[] dataSet) => peer.StoreAsync(3, id, CtImageStorage, announced, dataSet);

        var tiny = await StoreAsync(1, RawPeer.EncodeImplicitLittleEndian([(0x00100010, "X^Y "u8.ToArray())]));
        var other = await StoreAsync(2, RawPeer.EncodeImplicitLittleEndian([(0x00080016, RawPeer.Uid(CtImageStorage)), (0x00080018, RawPeer.Uid(announced + ".9"))]));
        var right = await StoreAsync(3, RawPeer.EncodeImplicitLittleEndian([(0x00080016, RawPeer.Uid(CtImageStorage)), (0x00080018, RawPeer.Uid(announced))]));
        var resend = await StoreAsync(4, RawPeer.EncodeImplicitLittleEndian([(0x00080016, RawPeer.Uid(CtImageStorage)), (0x00080018, RawPeer.Uid(announced))]));
        // A different object under the stored UID (compared through the cipher): refused 0x0111 and kept apart, sealed.
        var different = await StoreAsync(5, RawPeer.EncodeImplicitLittleEndian([(0x00080016, RawPeer.Uid(CtImageStorage)), (0x00080018, RawPeer.Uid(announced)), (0x00200011, "2 "u8.ToArray())]));
        await peer.SendReleaseRqAsync();

        Assert.Equal((0xA900, 0xA900, 0x0000, 0x0000, 0x0111), (tiny, other, right, resend, different));
        // The different object is kept apart, sealed: its bytes do not hold the UID in the clear.
        var kept = Assert.Single(Directory.GetFiles(Path.Combine(_app.DataDirectory, "inbox", ".conflicts")));
        Assert.DoesNotContain(announced, System.Text.Encoding.ASCII.GetString(await File.ReadAllBytesAsync(kept)));
        // ...and listed on the Inbox page for review, by sender and kind, in words (the sender was told "duplicate").
        using var client = _app.CreateHttpClient();
        var html = await client.GetStringAsync("/inbox");
        var row = html[html.IndexOf($"data-refused=\"{announced}\"", StringComparison.Ordinal)..];
        row = row[..row.IndexOf("</tr>", StringComparison.Ordinal)];
        Assert.Contains(">RAW<", row);
        Assert.Contains(">CT Image<", row);
        Assert.Contains("Different objects refused under a stored UID", html);
        // The extraction job may already have moved the stored object on (to quarantine: it is no dose object), so it is
        // looked for anywhere under the data directory; nothing was filed under the mismatched UID.
        var files = Directory.GetFiles(_app.DataDirectory, "*.dcm", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();
        Assert.Contains(announced + ".dcm", files);
        Assert.DoesNotContain(announced + ".9.dcm", files);
    }
}
