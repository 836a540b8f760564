using DoseWatch.Dicom.Network.Acse;
using DoseWatch.Dicom.Network.Dimse;
using DoseWatch.Tests.Network;

namespace DoseWatch.Dicom.Tests.Network;

/// <summary>
/// Issue #18: the product's extraction gives way while the Store SCP is receiving, and asks the store whether it is:
/// an instance arriving, or one that ended within the quiet time a sender streaming instances leaves between them.
/// </summary>
public sealed class ReceivingActivityTests
{
    private const string RdsrClass = "1.2.840.10008.5.1.4.1.1.88.67";

    private static IncomingStore Request(string sopInstanceUid) => new(DimseCommand.CStoreRq(1, RdsrClass, sopInstanceUid),
        new PresentationContext(1, RdsrClass, DicomTransferSyntax.ExplicitVRLittleEndian),
        new AssociationParties("MODALITY", "DOSEWATCH", null, CallerVerdict.Known));

    [Fact]
    public async Task An_arriving_instance_counts_until_it_ends_and_for_the_quiet_time_after()
    {
        using var temp = new TempDirectory();
        using var store = new DirectoryStore(temp.Path, journalBytes: 0);
        Assert.False(store.IsReceiving(TimeSpan.FromHours(1))); // nothing received yet

        var first = await store.BeginAsync(Request("1.2.826.0.1.3680043.8.498.1"), CancellationToken.None);
        var second = await store.BeginAsync(Request("1.2.826.0.1.3680043.8.498.2"), CancellationToken.None);
        Assert.True(store.IsReceiving(TimeSpan.Zero));
        // An association cut off mid data set ends its instance too; the other is still arriving.
        await first.DisposeAsync();
        await first.DisposeAsync(); // a second dispose does not count twice
        Assert.True(store.IsReceiving(TimeSpan.Zero));
        await second.DisposeAsync();

        Assert.False(store.IsReceiving(TimeSpan.Zero));
        Assert.True(store.IsReceiving(TimeSpan.FromHours(1)));
        await Task.Delay(50);
        Assert.False(store.IsReceiving(TimeSpan.FromMilliseconds(20)));
    }

    [Fact]
    public async Task An_instance_refused_before_a_byte_is_kept_does_not_count()
    {
        using var temp = new TempDirectory();
        using var store = new DirectoryStore(temp.Path, journalBytes: 0);

        // Not a UID (PS3.5 9.1): refused and drained, no file.
        var refused = await store.BeginAsync(Request("not/a/uid"), CancellationToken.None);

        Assert.IsType<RefusedInstance>(refused);
        Assert.False(store.IsReceiving(TimeSpan.FromHours(1)));
    }
}
