using System.Diagnostics;
using DoseWatch.Core.Abstractions;
using DoseWatch.Dicom;
using DoseWatch.Dicom.Network.Acse;
using DoseWatch.Dicom.Network.Dimse;
using DoseWatch.Web.Dicom;
using Microsoft.Extensions.DependencyInjection;

namespace DoseWatch.Web.Tests.Jobs;

/// <summary>
/// Issue #18: while the Store SCP is receiving, extraction gives way, for at most <c>DoseWatch:Inbox:ExtractionDeferral</c>
/// (here 4 s) after an instance arrived. An instance held open on the app's own store stands for a modality in the middle
/// of a send; the instance to extract comes through the received-instance seam, as after a durable store.
/// </summary>
public sealed class ExtractionDeferralFacts : IAsyncLifetime
{
    private static readonly TimeSpan Deferral = TimeSpan.FromSeconds(4);
    private readonly ScriptedDoseExtraction _extraction = new();
    private DoseWatchApp _app = null!;

    public async Task InitializeAsync() => _app = await DoseWatchApp.StartAsync(new Dictionary<string, string?>
    {
        ["Dicom:Port"] = DoseWatchApp.FreeTcpPort().ToString(),
        ["DoseWatch:Jobs:QueuePollInterval"] = "00:00:00.200",
        ["DoseWatch:Inbox:ExtractionDeferral"] = Deferral.ToString(),
    }, services => services.AddSingleton<IDoseExtraction>(_extraction));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<IIncomingInstance> HoldAnInstanceArrivingAsync()
    {
        const string rdsr = InboxSeam.RdsrSopClass;
        var store = _app.Services.GetRequiredService<InboxSpool>().Store;
        return await store.BeginAsync(new IncomingStore(DimseCommand.CStoreRq(1, rdsr, InboxFacts.NewUid()),
            new PresentationContext(1, rdsr, DicomTransferSyntax.ExplicitVRLittleEndian),
            new AssociationParties("MODALITY", "DOSEWATCH", null, CallerVerdict.Known)), CancellationToken.None);
    }

    private async Task<TimeSpan> WaitForExtractionAsync(string uid, Stopwatch since, TimeSpan timeout)
    {
        while (_extraction.Calls(uid).Count == 0)
        {
            if (since.Elapsed > timeout) throw new TimeoutException($"{uid} was not extracted within {timeout.TotalSeconds} s");
            await Task.Delay(20);
        }
        return since.Elapsed;
    }

    [Fact]
    public async Task Extraction_waits_while_an_instance_arrives_and_follows_as_soon_as_it_ends()
    {
        var arriving = await HoldAnInstanceArrivingAsync();
        var uid = InboxFacts.NewUid();
        try
        {
            await InboxSeam.StoreAsync(_app, "DOSEWATCH", uid);
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            Assert.Empty(_extraction.Calls(uid));
        }
        finally
        {
            await arriving.DisposeAsync(); // the send ends
        }
        var ended = Stopwatch.StartNew();
        var after = await WaitForExtractionAsync(uid, ended, TimeSpan.FromSeconds(20));

        // At once, not when the deferral runs out (2.5 s from here).
        Assert.True(after < TimeSpan.FromSeconds(1.5), $"extracted {after.TotalMilliseconds:F0} ms after the send ended");
        await InboxSeam.WaitForStatusAsync(_app, uid, "extracted");
    }

    [Fact]
    public async Task A_sender_that_never_pauses_holds_extraction_back_no_longer_than_the_deferral()
    {
        var arriving = await HoldAnInstanceArrivingAsync();
        try
        {
            var uid = InboxFacts.NewUid();
            var stored = Stopwatch.StartNew();
            await InboxSeam.StoreAsync(_app, "DOSEWATCH", uid);

            var after = await WaitForExtractionAsync(uid, stored, TimeSpan.FromSeconds(20));

            // Received-at is taken at registration, just after the store call began: allow the seam's own 250 ms.
            Assert.True(after >= Deferral - TimeSpan.FromMilliseconds(250), $"extracted after {after.TotalMilliseconds:F0} ms, inside the deferral");
            Assert.True(after < Deferral + TimeSpan.FromSeconds(4), $"extracted only after {after.TotalMilliseconds:F0} ms");
            await InboxSeam.WaitForStatusAsync(_app, uid, "extracted");
        }
        finally
        {
            await arriving.DisposeAsync();
        }
    }
}
