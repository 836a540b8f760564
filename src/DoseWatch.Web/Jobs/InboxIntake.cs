using System.Globalization;
using System.Threading.Channels;
using DoseWatch.Core.Privacy;
using DoseWatch.Data.Repositories;
using DoseWatch.Dicom;
using DoseWatch.Dicom.Network.Dimse;
using DoseWatch.Web.Dicom;
using Microsoft.Extensions.Options;

namespace DoseWatch.Web.Jobs;

/// <summary>
/// The Store SCP's received-instance seam, off the answer path: the SCP answers Success once the instance's file is
/// durable, and the file is queued here; this service registers the queued instances as inbox rows in one transaction
/// per batch and then wakes the extraction workers (the rows are their queue, <see cref="ExtractionWorkers"/>). A duplicate the SCP kept as it was only gets a row if it has none
/// (a resend after a crash between the file and the row); otherwise it is left alone.
/// Crash safety: at start, before the SCP listens, every file of the inbox without a row (received, answered Success,
/// then the process died before its batch was committed) is registered and enqueued; a file with a row is left to the
/// row (the workers claim it; the sweep hands back a dead worker's claim), so nothing is lost and nothing is extracted twice.
/// </summary>
public sealed class InboxIntake(InstanceRepository inbox, ExtractionWorkers workers, StoredObjectCipher storedObjects, Hosting.DataDirectory dataDirectory,
    IOptions<InboxOptions> options, TimeProvider clock, ILogger<InboxIntake> logger, IServiceProvider services)
    : BackgroundService, IInstanceReceivedSink
{
    /// <summary>Rows per transaction at most.</summary>
    public const int MaxBatch = 500;

    /// <summary>Received instances waiting for their row. Bounded: if the database falls this far behind, the SCP's
    /// answers wait for room (back-pressure on the modalities) rather than memory growing without limit.</summary>
    public const int QueueCapacity = 10_000;

    private readonly record struct Received(StoredInstance Instance, DateTimeOffset At);

    private readonly Channel<Received> _queue = Channel.CreateBounded<Received>(new BoundedChannelOptions(QueueCapacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    /// <summary>Queues the durable instance for registration; returns as soon as it is queued.</summary>
    public ValueTask OnInstanceStoredAsync(StoredInstance instance, CancellationToken cancellationToken) =>
        _queue.Writer.WriteAsync(new Received(instance, clock.GetUtcNow()), cancellationToken);

    /// <summary>Instances queued and not yet registered (for tests and diagnostics).</summary>
    public int Pending => _queue.Reader.Count;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Before the SCP's listeners open (hosted services start in order, and this one is registered first), so no
        // file the scan registers can also be in the queue. The spool first: opening it replays its journal, which
        // writes again any file a power cut took before the journal's checkpoint, so the scan sees every file.
        _ = services.GetService<InboxSpool>();
        await RegisterUnregisteredFilesAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // The SCP stopped first (hosted services stop in reverse order): what is queued is registered before the
        // process ends; if the host's stop timeout cuts it short, the next start-up scan finds those files.
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Received>(MaxBatch);
        // Not cancelled by the stop: the loop ends when the queue is completed and empty.
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            if (options.Value.IntakeBatchWindow > TimeSpan.Zero && !stoppingToken.IsCancellationRequested)
            {
                try { await Task.Delay(options.Value.IntakeBatchWindow, clock, stoppingToken); }
                catch (OperationCanceledException) { /* stopping: register what is queued now */ }
            }
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var received)) batch.Add(received);
            await RegisterWithRetriesAsync(batch, stoppingToken);
            batch.Clear();
        }
    }

    /// <summary>A database that is down delays registration, it does not lose it: the batch is tried again every second.</summary>
    private async Task RegisterWithRetriesAsync(IReadOnlyList<Received> batch, CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                await RegisterAsync(batch.Select(r => (Row(r.Instance, r.At), r.Instance.WasDuplicate)).ToList());
                return;
            }
            catch (Exception e) when (!ExtractInstanceJob.IsTransient(e))
            {
                // Not the database being away but something about these rows: retrying would repeat it forever. The
                // files stay in the inbox, and the next start-up scan registers them from the files.
                logger.LogError(e, "{Count} received instance(s) could not be registered in the inbox: {Uids}; they stay in the inbox for the next start-up scan",
                    batch.Count, string.Join(", ", batch.Take(20).Select(r => r.Instance.SopInstanceUid)));
                return;
            }
            catch (Exception e)
            {
                if (stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning(e, "{Count} received instance(s) not registered before the stop; the start-up scan will register them", batch.Count);
                    return;
                }
                logger.LogError(e, "{Count} received instance(s) could not be registered in the inbox; trying again", batch.Count);
                try { await Task.Delay(TimeSpan.FromSeconds(1), clock, stoppingToken); }
                catch (OperationCanceledException) { /* one last try below */ }
            }
        }
    }

    private async Task RegisterAsync(IReadOnlyList<(NewInstance Row, bool OnlyIfMissing)> rows)
    {
        var ids = await inbox.AddReceivedAsync(rows, CancellationToken.None);
        // The rows are the queue (ExtractionWorkers): nothing more to enqueue, only the workers to wake.
        if (ids.Any(id => id is not null)) workers.Wake();
    }

    /// <summary>
    /// Files under the inbox without an inbox row: received and answered Success by a process that stopped (or died)
    /// before their batch was committed. Each is registered as received when its file was written, its header read
    /// from the file (the received bytes are gone).
    /// </summary>
    public async Task<int> RegisterUnregisteredFilesAsync(CancellationToken cancellationToken)
    {
        var registered = 0;
        // The InboxSpool's directory (not taken from it: the spool depends on this sink).
        var inboxDirectory = dataDirectory.Subdirectory(Quarantine.InboxFolderName);
        foreach (var files in Directory.EnumerateFiles(inboxDirectory, "*.dcm").Chunk(MaxBatch))
        {
            var known = await inbox.KnownSopInstanceUidsAsync(files.Select(f => Path.GetFileNameWithoutExtension(f)).ToList(), cancellationToken);
            var rows = new List<(NewInstance, bool)>();
            foreach (var file in files)
            {
                if (known.Contains(Path.GetFileNameWithoutExtension(file))) continue;
                if (RowFromFile(file) is { } row) rows.Add((row, true));
            }
            if (rows.Count == 0) continue;
            await RegisterAsync(rows);
            registered += rows.Count;
        }
        if (registered > 0)
            logger.LogWarning("Start-up: {Count} received instance(s) found in the inbox without a row (the last run stopped before registering them) are registered and queued for extraction", registered);
        return registered;
    }

    private NewInstance? RowFromFile(string path)
    {
        DicomFile file;
        try
        {
            file = storedObjects.ReadDicom(path, ReceivedHeaderOptions);
        }
        catch (Exception e) when (e is DicomFormatException or IOException)
        {
            // The SCP never renames an unreadable data set into the inbox: this file came from elsewhere; it is left alone.
            logger.LogWarning("Start-up: {Path} in the inbox has no row and cannot be read ({Error}); left in place", path, e.Message);
            return null;
        }
        var sopInstanceUid = Path.GetFileNameWithoutExtension(path);
        var sopClassUid = file.DataSet.GetString(DicomTag.SopClassUid) ?? file.Meta.GetString(DicomTag.MediaStorageSopClassUid) ?? "";
        // The peer's address is not in the file; the calling AE title is (the SCP writes it as the Source AE Title).
        return Row(sopClassUid, sopInstanceUid, file.Meta.GetString(DicomTag.SourceApplicationEntityTitle) ?? "", "", path,
            new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero), file.DataSet);
    }

    private static readonly DicomReadOptions ReceivedHeaderOptions = StoredInstance.HeaderReadOptions;

    private NewInstance Row(StoredInstance instance, DateTimeOffset receivedAt) =>
        Row(instance.SopClassUid, instance.SopInstanceUid, instance.Parties.CallingAeTitle, instance.Parties.Peer?.ToString() ?? "",
            instance.Path, receivedAt, instance.Header ?? ReadHeader(instance.Path));

    private static NewInstance Row(string sopClassUid, string sopInstanceUid, string callingAeTitle, string peer, string path,
        DateTimeOffset receivedAt, DicomDataSet? header) =>
        new(sopClassUid, sopInstanceUid, header?.GetString(DicomTag.StudyInstanceUid) ?? "", callingAeTitle, peer, new FileInfo(path).Length,
            path, receivedAt, Text(header, DicomTag.Modality), Device(header), Text(header, AccessionNumber),
            header?.GetDate(DicomTag.StudyDate)?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

    private static readonly DicomTag AccessionNumber = new(0x0008, 0x0050);
    private static readonly DicomTag StationName = new(0x0008, 0x1010);
    private static readonly DicomTag ManufacturerModelName = new(0x0008, 0x1090);

    /// <summary>The header for the inbox listing when the SCP could not keep it in memory (a large report); an unreadable file is the extractor's to judge.</summary>
    private DicomDataSet? ReadHeader(string path)
    {
        try
        {
            return storedObjects.ReadDicom(path, ReceivedHeaderOptions).DataSet;
        }
        catch (Exception e) when (e is DicomFormatException or IOException)
        {
            logger.LogWarning("Stored instance {Path} has no readable header: {Error}", path, e.Message);
            return null;
        }
    }

    private static string? Text(DicomDataSet? header, DicomTag tag) => header?.GetString(tag) is { Length: > 0 } s ? s : null;

    /// <summary>"Manufacturer Model (Station)", as much of it as the header has.</summary>
    private static string? Device(DicomDataSet? header)
    {
        var name = string.Join(' ', new[] { Text(header, DicomTag.Manufacturer), Text(header, ManufacturerModelName) }.Where(p => p is not null));
        var station = Text(header, StationName);
        var device = station is null ? name : name.Length == 0 ? station : $"{name} ({station})";
        return device.Length > 0 ? device : null;
    }
}
