using DoseWatch.Core.Privacy;
using DoseWatch.Dicom.Network.Dimse;
using Microsoft.Extensions.Options;

namespace DoseWatch.Web.Dicom;

/// <summary>
/// The inbox under the data directory (<c>DoseWatch:DataDirectory</c>, default <c>./data</c>):
/// <c>inbox/&lt;SOP Instance UID&gt;.dcm</c>, written through <see cref="DirectoryStore"/> (temporary file, made durable
/// by the store's journal or its own fsync, rename),
/// encrypted on the way to disk by the <see cref="StoredObjectCipher"/> when one is registered (the product always
/// registers it; a bare Store SCP host without the privacy services stores plaintext).
/// </summary>
public sealed class InboxSpool : IDisposable
{
    public InboxSpool(IConfiguration configuration, IOptions<DicomScpOptions> options, IInstanceReceivedSink sink, ILogger<InboxSpool> logger,
        Hosting.DataDirectory? dataDirectory = null, StoredObjectCipher? cipher = null)
    {
        var root = dataDirectory?.Path ?? (configuration["DoseWatch:DataDirectory"] is { Length: > 0 } d ? d : "./data");
        Directory = Path.GetFullPath(Path.Combine(root, "inbox"));
        Store = new DirectoryStore(Directory, async (instance, ct) =>
        {
            try
            {
                await sink.OnInstanceStoredAsync(instance, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Instance {SopInstanceUid} is stored at {Path} but the received-instance sink failed", instance.SopInstanceUid, instance.Path);
            }
        }, options.Value.Fsync, cipher is null ? null : cipher.Seal, cipher is null ? null : cipher.OpenRead,
            // A quarantined object still owns its UID: a different object resent under it is refused, not stored anew.
            movedOnTo: [Path.Combine(root, Jobs.Quarantine.FolderName)], journalBytes: options.Value.JournalMegabytes * 1024L * 1024);
        if (Store.JournalUnavailable is { } why)
            logger.LogWarning("The inbox journal could not be created ({Reason}); each received instance is synced on its own, which is slower. Free disk space and restart to use it.", why);
        if (Store.Journal is { Recovered: > 0 } journal)
            logger.LogWarning("{Count} received instance(s) were written again from the inbox journal: the last stop was a crash or power cut before they were on disk",
                journal.Recovered);
    }

    public string Directory { get; }

    public DirectoryStore Store { get; }

    public void Dispose() => Store.Dispose();
}
