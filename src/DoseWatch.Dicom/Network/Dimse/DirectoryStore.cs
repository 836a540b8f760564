using System.Buffers;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using DoseWatch.Dicom.Network.Acse;

namespace DoseWatch.Dicom.Network.Dimse;

/// <summary>An instance made durable in a <see cref="DirectoryStore"/>.</summary>
public sealed record StoredInstance(string Path, string SopClassUid, string SopInstanceUid, string TransferSyntaxUid, long DataSetBytes, bool WasDuplicate, AssociationParties Parties)
{
    /// <summary>
    /// The data set's header as received (up to the pixel data; values over 64 KiB unread), parsed from the bytes on
    /// their way to disk: what the identity check read. Null when the header had to be read from the file (a report
    /// of more than <see cref="ReceivedHeader.MaxKeptBytes"/>), where whoever needs it reads it again.
    /// </summary>
    public DicomDataSet? Header { get; init; }

    /// <summary>How <see cref="Header"/> is read (and how to read it from the file when it is null).</summary>
    public static DicomReadOptions HeaderReadOptions => ReceivedHeader.Options;
}

/// <summary>
/// Stores each received instance as <c>&lt;directory&gt;/&lt;SOP Instance UID&gt;.dcm</c>, a Part 10 file whose data set is
/// the received bytes verbatim in the received transfer syntax. Bytes go to a temporary file under
/// <c>.incoming/</c>. On Linux a file of up to <see cref="InstanceJournal.MaxPayloadBytes"/> is made durable by a record in the store's
/// <see cref="InstanceJournal"/> (one fdatasync shared by concurrent associations) and then renamed into place without
/// a sync of its own; a crash before the journal's next checkpoint is repaired from the record at start-up. A larger
/// file (or any file elsewhere) is fsynced and then renamed into place with a directory fsync. Either way a file under
/// its final name is complete once Success is answered. The header is parsed from the received bytes as they stream through (<see cref="ReceivedHeader"/>),
/// not read back from the file; the directory fsync after the rename is shared by the associations renaming at the same
/// time (<see cref="SyncGroup"/>). An instance already present is kept as is and answered with Success again when the new data
/// set is byte for byte the stored one; a different object under an already stored SOP Instance UID is kept apart under
/// <c>.conflicts/</c> and answered 0x0111 (Duplicate SOP Instance), so a resend never hides a different object.
/// Files are created readable by the owner only (0600 on Unix). A <c>seal</c> transform (the product's at-rest
/// encryption) wraps the file stream: what it writes, finishes on dispose, is what is made durable before Success (and
/// what a journal record holds).
/// </summary>
public sealed class DirectoryStore : IStoreHandler, IDisposable
{
    private readonly string _directory;
    private readonly string _incoming;
    private readonly Func<StoredInstance, CancellationToken, ValueTask>? _onStored;
    private readonly Func<Stream, Stream>? _seal;
    private readonly Func<string, Stream>? _openSealed;
    private readonly IReadOnlyList<string> _movedOnTo;
    private readonly SyncGroup _directorySync;

    /// <param name="onStored">Called once the instance is durable and before Success is answered.</param>
    /// <param name="seal">Wraps each new file's stream (e.g. to encrypt it); disposing the wrapper must finish its
    /// output and leave the file stream open.</param>
    /// <param name="openSealed">Opens a file written through <paramref name="seal"/> for reading (e.g. decrypts it), so
    /// that a sealed data set's identity is checked like a plain one's before Success.</param>
    /// <param name="movedOnTo">Directories a stored file may have been moved on to after it was received (the product's
    /// quarantine): a resend under its UID is compared with the file there, so a different object is refused 0x0111
    /// however far the first one has travelled.</param>
    public DirectoryStore(string directory, Func<StoredInstance, CancellationToken, ValueTask>? onStored = null, bool fsync = true,
        Func<Stream, Stream>? seal = null, Func<string, Stream>? openSealed = null, IReadOnlyList<string>? movedOnTo = null,
        long journalBytes = DefaultJournalBytes)
    {
        if (seal is not null && openSealed is null)
            throw new ArgumentException("A sealed store needs the reader of its seal: every data set's identity is checked before Success.", nameof(openSealed));
        _directory = Path.GetFullPath(directory);
        _incoming = Path.Combine(_directory, ".incoming");
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(_incoming);
        else Directory.CreateDirectory(_incoming, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _onStored = onStored;
        _seal = seal;
        _openSealed = openSealed;
        _movedOnTo = movedOnTo?.Select(Path.GetFullPath).ToArray() ?? [];
        _directorySync = new SyncGroup(() => DirectorySync.Fsync(_directory));
        Fsync = fsync;
        DeleteLeftovers();
        // After the leftovers: a replay writes through .incoming/ itself.
        if (fsync && journalBytes > 0 && OperatingSystem.IsLinux())
        {
            try
            {
                Journal = InstanceJournal.Open(_directory, journalBytes, _movedOnTo);
            }
            catch (InstanceJournal.CreationFailedException e)
            {
                // No room for a new journal (a nearly full disk): receiving still works, each file synced on its own. A
                // journal that exists and cannot be replayed is not skipped (that throws): it may hold instances answered Success.
                JournalUnavailable = e.Message;
            }
        }
    }

    /// <summary>Why a new journal could not be created (the store then syncs each file on its own), or null.</summary>
    public string? JournalUnavailable { get; }

    /// <summary>The journal's size when the caller does not choose one (the product configures its own).</summary>
    public const long DefaultJournalBytes = 8 * 1024 * 1024;

    /// <summary>The write-ahead journal, or null (no fsync asked for, journal size 0, or not Linux).</summary>
    public InstanceJournal? Journal { get; }

    /// <summary>Closes the journal; instances still pending in it are replayed when the directory is opened again.</summary>
    public void Dispose() => Journal?.Dispose();

    // Checking that a UID is free, journalling its instance and renaming it into place happen under the UID's gate, so
    // two associations storing one UID at once cannot both take the name (a record must never describe a file it lost).
    private readonly SemaphoreSlim[] _uidGates = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    private SemaphoreSlim GateFor(string sopInstanceUid) => _uidGates[(StringComparer.Ordinal.GetHashCode(sopInstanceUid) & 0x7FFFFFFF) % _uidGates.Length];

    public string DirectoryPath => _directory;

    private int _instancesInFlight;
    private long _lastInstanceEnded; // Stopwatch timestamp; 0 = none yet

    /// <summary>
    /// Whether an instance is arriving now, or one ended less than <paramref name="quiet"/> ago (a sender streaming
    /// instances starts the next one within a millisecond of the answer). Work that can wait for the cores, such as the
    /// product's extraction, asks this so that a peer waiting for its answers comes first.
    /// </summary>
    public bool IsReceiving(TimeSpan quiet)
    {
        if (Volatile.Read(ref _instancesInFlight) > 0) return true;
        var ended = Interlocked.Read(ref _lastInstanceEnded);
        return ended != 0 && Stopwatch.GetElapsedTime(ended) < quiet;
    }

    private void InstanceBegan() => Interlocked.Increment(ref _instancesInFlight);

    private void InstanceEnded()
    {
        Interlocked.Exchange(ref _lastInstanceEnded, Stopwatch.GetTimestamp());
        Interlocked.Decrement(ref _instancesInFlight);
    }

    /// <summary>False only for benchmarks that compare against a receiver without fsync.</summary>
    public bool Fsync { get; }

    /// <summary>How many bytes of a data set are written before their writeback is started (Linux; see <see cref="FileWriteback"/>).</summary>
    public const long WritebackBytes = 256 * 1024;

    private long _writebacksStarted;

    /// <summary>Early writebacks started so far (diagnostics and tests): none where the platform has no sync_file_range.</summary>
    public long WritebacksStarted => Interlocked.Read(ref _writebacksStarted);

    /// <summary>Temporary files left by a crash are never counted as received: they are removed at start.</summary>
    private void DeleteLeftovers()
    {
        foreach (var f in Directory.EnumerateFiles(_incoming, "*.part")) File.Delete(f);
    }

    public ValueTask<IIncomingInstance> BeginAsync(IncomingStore store, CancellationToken ct)
    {
        // A UID is digits and dots (PS3.5 §9.1): anything else cannot be a file name here.
        if (!DicomUid.IsValid(store.SopInstanceUid)) return ValueTask.FromResult<IIncomingInstance>(new RefusedInstance(DimseStatus.ErrorCannotUnderstand));
        var temp = Path.Combine(_incoming, $"{Guid.NewGuid():N}.part");
        // Read and write: a journalled file's bytes are read back (from the page cache) for its record.
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, Share = FileShare.None, BufferSize = 0 };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        FileStream? file = null;
        Stream? stream = null;
        try
        {
            file = new FileStream(temp, options);
            stream = _seal is null ? file : _seal(file);
            stream.Write(FileMetaHeader.Encode(store.SopClassUid, store.SopInstanceUid, store.Context.TransferSyntax.Uid, store.Parties.CallingAeTitle));
        }
        catch (IOException)
        {
            // Disk full (or failing): the data set is drained and answered Out of Resources; the association goes on.
            file?.Dispose();
            TryDelete(temp);
            return ValueTask.FromResult<IIncomingInstance>(new RefusedInstance(DimseStatus.RefusedOutOfResources));
        }
        InstanceBegan();
        return ValueTask.FromResult<IIncomingInstance>(new Instance(this, store, temp, file!, stream!));
    }

    /// <param name="stream">What the data set is written to: <paramref name="file"/> itself, or the seal wrapped around it.</param>
    private sealed class Instance(DirectoryStore store, IncomingStore request, string tempPath, FileStream file, Stream stream) : IIncomingInstance
    {
        private long _bytes;
        private bool _completed;
        // SHA-256 of the data set as received, taken only for a resend under a stored UID (see CompareWithStoredAsync).
        private byte[]? _receivedHash;
        private readonly ReceivedHeader _header = new(request.Context.TransferSyntax);

        private bool _outOfSpace;
        // Told to the store once, however often the instance is disposed (IsReceiving's count).
        private bool _ended;

        public ValueTask WriteAsync(ReadOnlyMemory<byte> fragment, CancellationToken ct)
        {
            if (_outOfSpace) return ValueTask.CompletedTask;  // the rest of the data set is drained, not kept
            try
            {
                // Page-cache writes of at most one PDU: synchronous is cheaper than a thread-pool hop.
                stream.Write(fragment.Span);
                _header.Append(fragment.Span);
                _bytes += fragment.Length;
                // A file the journal will take is synced with its record; one too large for it is written back early.
                if (store.Fsync && (store.Journal is null || _bytes > store.Journal.MaxPayloadBytes)) StartWriteback();
            }
            catch (IOException)
            {
                // Disk full: the partial file goes now (freeing its space); the peer gets Out of Resources, not a closed socket.
                _outOfSpace = true;
                try { if (!ReferenceEquals(stream, file)) stream.Dispose(); } catch (IOException) { }
                file.Dispose();
                TryDelete(tempPath);
            }
            return ValueTask.CompletedTask;
        }

        /// <summary>
        /// Asks the kernel to start writing the bytes written so far (every <see cref="WritebackBytes"/>, without waiting
        /// for them), so the fsync before Success waits for the data set's last bytes and the metadata, not for all of it:
        /// the disk works while the network delivers the rest.
        /// </summary>
        private void StartWriteback()
        {
            var written = file.Position;
            if (written - _writebackFrom < WritebackBytes) return;
            if (FileWriteback.Start(file.SafeFileHandle, _writebackFrom, written - _writebackFrom)) Interlocked.Increment(ref store._writebacksStarted);
            _writebackFrom = written;
        }

        private long _writebackFrom;

        public async ValueTask<DimseStatus> CompleteAsync(CancellationToken ct)
        {
            if (_outOfSpace) return DimseStatus.RefusedOutOfResources;
            byte[]? copy = null;
            try
            {
                if (!ReferenceEquals(stream, file)) await stream.DisposeAsync().ConfigureAwait(false); // the seal's last bytes
                var fileBytes = file.Length;
                var journal = store.Journal is { } j && fileBytes <= j.MaxPayloadBytes ? j : null;
                if (journal is not null)
                {
                    copy = ArrayPool<byte>.Shared.Rent((int)fileBytes);
                    if (InstanceJournal.ReadFully(file.SafeFileHandle, copy.AsSpan(0, (int)fileBytes), 0) != fileBytes)
                        throw new IOException("The received file could not be read back for the journal.");
                }
                else file.Flush(flushToDisk: store.Fsync);
                await file.DisposeAsync().ConfigureAwait(false);
                var header = ReadHeader();
                if (IdentityMismatch(header) is { } refusal)
                {
                    TryDelete(tempPath);
                    return refusal;
                }
                var name = request.SopInstanceUid + ".dcm";
                var final = Path.Combine(store._directory, name);
                // An earlier object under this UID that has moved on (quarantined) is still the one the UID names.
                var movedOn = store.MovedOnCopy(request.SopInstanceUid);
                bool duplicate;
                var gate = store.GateFor(request.SopInstanceUid);
                await gate.WaitAsync(ct).ConfigureAwait(false);
                try
                {
                    if (movedOn is not null) duplicate = true;
                    else if (journal is not null && !File.Exists(final))
                    {
                        // The record first: once it is synced, a crash at any later instant is repaired at start-up. The name
                        // cannot be taken meanwhile (the gate), short of another program writing into the store's directory.
                        var record = await journal.AppendAsync(name, copy.AsMemory(0, (int)fileBytes), ct).ConfigureAwait(false);
                        try
                        {
                            duplicate = !TryMoveNoReplace(tempPath, final, () => store.MovedOnCopy(request.SopInstanceUid) is not null);
                        }
                        finally
                        {
                            journal.Release(record);
                        }
                    }
                    else duplicate = !TryMoveNoReplace(tempPath, final, () => store.MovedOnCopy(request.SopInstanceUid) is not null);
                }
                finally
                {
                    gate.Release();
                }
                var resend = Resend.Same;
                if (duplicate)
                {
                    try
                    {
                        resend = await CompareWithStoredAsync(movedOn ?? final, ct).ConfigureAwait(false);
                    }
                    catch (FileNotFoundException) when (store.MovedOnCopy(request.SopInstanceUid) is { } movedMeanwhile)
                    {
                        // moved on between the rename and the read
                        resend = await CompareWithStoredAsync(movedMeanwhile, ct).ConfigureAwait(false);
                    }
                }
                if (resend != Resend.Same)
                {
                    // Never hide another object under a stored UID: the new bytes are kept apart for review. Bytes that
                    // differ in the same transfer syntax are a different object (0x0111, the peer is told); in another
                    // transfer syntax they may be the same object re-encoded, which is answered as the duplicate it likely is.
                    var conflicts = Path.Combine(store._directory, ".conflicts");
                    if (OperatingSystem.IsWindows()) Directory.CreateDirectory(conflicts);
                    else Directory.CreateDirectory(conflicts, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                    if (journal is not null) FsyncFile(tempPath);  // journalled files are not synced on their own; kept conflicts are
                    File.Move(tempPath, Path.Combine(conflicts, $"{request.SopInstanceUid}.{DateTime.UtcNow:yyyyMMddTHHmmssfffffff}.dcm"), overwrite: false);
                    if (store.Fsync) DirectorySync.Fsync(conflicts);
                    _completed = true;
                    if (resend == Resend.Different) return DimseStatus.DuplicateSopInstance;
                }
                else if (duplicate) TryDelete(tempPath);
                if (store.Fsync && !duplicate && journal is null) await store._directorySync.RunAsync().ConfigureAwait(false);
                _completed = true;
                if (store._onStored is { } notify)
                    await notify(new StoredInstance(movedOn ?? final, request.SopClassUid, request.SopInstanceUid, request.Context.TransferSyntax.Uid, _bytes, duplicate, request.Parties) { Header = header }, ct).ConfigureAwait(false);
                return DimseStatus.Success;
            }
            catch (IOException)
            {
                TryDelete(tempPath);
                return DimseStatus.RefusedOutOfResources;
            }
            finally
            {
                if (copy is not null) ArrayPool<byte>.Shared.Return(copy);
            }
        }

        private static void FsyncFile(string path)
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
            file.Flush(flushToDisk: true);
        }

        /// <summary>
        /// The header from the bytes as they were received, or, for a report too large to keep in memory, from the file
        /// (through the seal). Null when the data set cannot be parsed. Pixel data is not read.
        /// </summary>
        private DicomDataSet? ReadHeader()
        {
            var verdict = _header.Finish();
            if (verdict == HeaderVerdict.Parsed) return _header.DataSet;
            if (verdict == HeaderVerdict.Unreadable) return null;
            try
            {
                using var source = store._openSealed is { } open ? open(tempPath) : File.OpenRead(tempPath);
                return DicomReader.Read(source, StoredInstance.HeaderReadOptions).DataSet;
            }
            catch (DicomFormatException)
            {
                return null;
            }
        }

        /// <summary>
        /// The data set must be the object the command announced (PS3.4 B.2.3): its SOP Class and Instance UIDs equal
        /// the command's Affected ones, else 0xA900, so that no object is filed under another's UID (and a later real
        /// one dropped as its duplicate). A data set that cannot be parsed (<paramref name="header"/> null) is 0xC000.
        /// </summary>
        private DimseStatus? IdentityMismatch(DicomDataSet? header)
        {
            if (header is null) return DimseStatus.ErrorCannotUnderstand;
            return header.GetString(DicomTag.SopInstanceUid) == request.SopInstanceUid && header.GetString(DicomTag.SopClassUid) == request.SopClassUid
                ? null
                : DimseStatus.ErrorDataSetDoesNotMatchSopClass;
        }

        private enum Resend { Same, Different, OtherTransferSyntax }

        /// <summary>Compares the data set just received with the stored file's (SHA-256 of the bytes), read through the seal.</summary>
        private async Task<Resend> CompareWithStoredAsync(string storedPath, CancellationToken ct)
        {
            // The data set just received, read back from its temporary file (through the seal): resends are rare, and
            // hashing every data set while it arrived cost CPU on every instance (issue #18).
            var received = _receivedHash ??= await DataSetHashAsync(tempPath, ct).ConfigureAwait(false);
            try
            {
                await using var stored = store._openSealed is { } open ? open(storedPath) : File.OpenRead(storedPath);
                var meta = await FileMetaHeader.ReadAsync(stored, ct).ConfigureAwait(false);
                if (meta.TransferSyntaxUid != request.Context.TransferSyntax.Uid) return Resend.OtherTransferSyntax;
                var storedHash = await SHA256.HashDataAsync(stored, ct).ConfigureAwait(false);
                return CryptographicOperations.FixedTimeEquals(received, storedHash) ? Resend.Same : Resend.Different;
            }
            catch (DicomFormatException)
            {
                return Resend.Different;  // an unreadable stored file is not this object: the new one is kept apart as well
            }
        }

        private async Task<byte[]> DataSetHashAsync(string path, CancellationToken ct)
        {
            await using var file = store._openSealed is { } open ? open(path) : File.OpenRead(path);
            await FileMetaHeader.ReadAsync(file, ct).ConfigureAwait(false);
            return await SHA256.HashDataAsync(file, ct).ConfigureAwait(false);
        }

        /// <summary>
        /// Renames into place unless the name is taken (then the temporary file stays, for the caller to judge). The
        /// taken name may have moved on (quarantined) between the refused rename and the check: that is a duplicate
        /// too, not a disk failure (a resend raced with the extraction workers and was answered "out of resources").
        /// </summary>
        private static bool TryMoveNoReplace(string from, string to, Func<bool> movedOnMeanwhile)
        {
            try
            {
                File.Move(from, to, overwrite: false);
                return true;
            }
            catch (IOException) when (File.Exists(to) || movedOnMeanwhile())
            {
                return false;
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (!ReferenceEquals(stream, file)) await stream.DisposeAsync().ConfigureAwait(false);
            }
            catch (IOException)
            {
                // an abandoned instance's last bytes could not be written (disk full): the temporary file goes anyway
            }
            try { await file.DisposeAsync().ConfigureAwait(false); }
            catch (IOException) { /* a flush on a full disk: the file is deleted below */ }
            _header.Dispose();
            if (!_completed) TryDelete(tempPath);
            if (!_ended)
            {
                _ended = true;
                store.InstanceEnded();
            }
        }
    }

    private string? MovedOnCopy(string sopInstanceUid)
    {
        foreach (var directory in _movedOnTo)
        {
            var path = Path.Combine(directory, sopInstanceUid + ".dcm");
            if (File.Exists(path)) return path;
        }
        return null;
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { /* removed at the next start (DeleteLeftovers) */ }
    }
}

/// <summary>
/// Group commit of one sync (a directory's fsync, the journal's fdatasync): a caller waits for a sync that started after
/// it asked (so after its own write), and every caller that asked while one was running shares the next. Eight
/// associations at once cost about two syncs, not eight one after the other.
/// </summary>
internal sealed class SyncGroup(Action sync)
{
    private readonly Lock _gate = new();
    private TaskCompletionSource? _next;
    private bool _running;

    public Task RunAsync()
    {
        lock (_gate)
        {
            if (_next is null)
            {
                _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                if (!_running)
                {
                    _running = true;
                    _ = Task.Run(Run);
                }
            }
            return _next.Task;
        }
    }

    private void Run()
    {
        while (true)
        {
            TaskCompletionSource waiting;
            lock (_gate)
            {
                if (_next is null)
                {
                    _running = false;
                    return;
                }
                waiting = _next;
                _next = null;
            }
            try
            {
                sync();
                waiting.SetResult();
            }
            catch (Exception e)
            {
                waiting.SetException(e);
            }
        }
    }
}

/// <summary>
/// sync_file_range(SYNC_FILE_RANGE_WRITE) on Linux: starts writing a file's dirty range to disk and returns without
/// waiting, so a later fsync has less to wait for. Not a durability guarantee by itself (the fsync still is); elsewhere
/// it does nothing.
/// </summary>
internal static class FileWriteback
{
    private const uint SyncFileRangeWrite = 2;

    public static bool Start(Microsoft.Win32.SafeHandles.SafeFileHandle file, long offset, long count)
    {
        if (!OperatingSystem.IsLinux() || count <= 0) return false;
        var added = false;
        try
        {
            file.DangerousAddRef(ref added);
            return SyncFileRange((int)file.DangerousGetHandle(), offset, count, SyncFileRangeWrite) == 0;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
        finally
        {
            if (added) file.DangerousRelease();
        }
    }

    [DllImport("libc", EntryPoint = "sync_file_range")]
    private static extern int SyncFileRange(int fd, long offset, long nbytes, uint flags);
}

/// <summary>fsync of a directory, so that a rename into it survives power loss (POSIX); a no-op where not available.</summary>
internal static class DirectorySync
{
    private const int ORdOnly = 0;

    public static void Fsync(string directory)
    {
        if (!OperatingSystem.IsLinux()) return;
        var fd = Open(directory, ORdOnly);
        if (fd < 0) return;
        try { _ = FsyncFd(fd); } finally { _ = Close(fd); }
    }

    // LibraryImport would need unsafe code, which this project does not allow.
    [DllImport("libc", EntryPoint = "open", CharSet = CharSet.Ansi, BestFitMapping = false)]
    private static extern int Open(string path, int flags);

    [DllImport("libc", EntryPoint = "fsync")]
    private static extern int FsyncFd(int fd);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);
}
