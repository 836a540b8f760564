using System.Runtime.InteropServices;
using DoseWatch.Dicom.Network.Acse;

namespace DoseWatch.Dicom.Network.Dimse;

/// <summary>An instance made durable in a <see cref="DirectoryStore"/>.</summary>
public sealed record StoredInstance(string Path, string SopClassUid, string SopInstanceUid, string TransferSyntaxUid, long DataSetBytes, bool WasDuplicate, AssociationParties Parties);

/// <summary>
/// Stores each received instance as <c>&lt;directory&gt;/&lt;SOP Instance UID&gt;.dcm</c>, a Part 10 file whose data set is
/// the received bytes verbatim in the received transfer syntax. Bytes go to a temporary file under
/// <c>.incoming/</c>, which is fsynced and then renamed into place (with a directory fsync), so a file under its final
/// name is always complete. An instance already present is kept as is and answered with Success again.
/// Files are created readable by the owner only (0600 on Unix). A <c>seal</c> transform (the product's at-rest
/// encryption) wraps the file stream: what it writes, finishes on dispose, is what is fsynced before Success.
/// </summary>
public sealed class DirectoryStore : IStoreHandler
{
    private readonly string _directory;
    private readonly string _incoming;
    private readonly Func<StoredInstance, CancellationToken, ValueTask>? _onStored;
    private readonly Func<Stream, Stream>? _seal;

    /// <param name="onStored">Called once the instance is durable and before Success is answered.</param>
    /// <param name="seal">Wraps each new file's stream (e.g. to encrypt it); disposing the wrapper must finish its
    /// output and leave the file stream open.</param>
    public DirectoryStore(string directory, Func<StoredInstance, CancellationToken, ValueTask>? onStored = null, bool fsync = true,
        Func<Stream, Stream>? seal = null)
    {
        _directory = Path.GetFullPath(directory);
        _incoming = Path.Combine(_directory, ".incoming");
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(_incoming);
        else Directory.CreateDirectory(_incoming, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _onStored = onStored;
        _seal = seal;
        Fsync = fsync;
        DeleteLeftovers();
    }

    public string DirectoryPath => _directory;

    /// <summary>False only for benchmarks that compare against a receiver without fsync.</summary>
    public bool Fsync { get; }

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
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 0 };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var file = new FileStream(temp, options);
        Stream stream = file;
        try
        {
            if (_seal is not null) stream = _seal(file);
            stream.Write(FileMetaHeader.Encode(store.SopClassUid, store.SopInstanceUid, store.Context.TransferSyntax.Uid, store.Parties.CallingAeTitle));
        }
        catch
        {
            file.Dispose();
            File.Delete(temp);
            throw;
        }
        return ValueTask.FromResult<IIncomingInstance>(new Instance(this, store, temp, file, stream));
    }

    /// <param name="stream">What the data set is written to: <paramref name="file"/> itself, or the seal wrapped around it.</param>
    private sealed class Instance(DirectoryStore store, IncomingStore request, string tempPath, FileStream file, Stream stream) : IIncomingInstance
    {
        private long _bytes;
        private bool _completed;

        public ValueTask WriteAsync(ReadOnlyMemory<byte> fragment, CancellationToken ct)
        {
            // Page-cache writes of at most one PDU: synchronous is cheaper than a thread-pool hop.
            stream.Write(fragment.Span);
            _bytes += fragment.Length;
            return ValueTask.CompletedTask;
        }

        public async ValueTask<DimseStatus> CompleteAsync(CancellationToken ct)
        {
            try
            {
                if (!ReferenceEquals(stream, file)) await stream.DisposeAsync().ConfigureAwait(false); // the seal's last bytes
                file.Flush(flushToDisk: store.Fsync);
                await file.DisposeAsync().ConfigureAwait(false);
                var final = Path.Combine(store._directory, request.SopInstanceUid + ".dcm");
                var duplicate = !TryMoveNoReplace(tempPath, final);
                if (store.Fsync && !duplicate) DirectorySync.Fsync(store._directory);
                _completed = true;
                if (store._onStored is { } notify)
                    await notify(new StoredInstance(final, request.SopClassUid, request.SopInstanceUid, request.Context.TransferSyntax.Uid, _bytes, duplicate, request.Parties), ct).ConfigureAwait(false);
                return DimseStatus.Success;
            }
            catch (IOException)
            {
                return DimseStatus.RefusedOutOfResources;
            }
        }

        private static bool TryMoveNoReplace(string from, string to)
        {
            try
            {
                File.Move(from, to, overwrite: false);
                return true;
            }
            catch (IOException) when (File.Exists(to))
            {
                File.Delete(from);
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
            await file.DisposeAsync().ConfigureAwait(false);
            if (!_completed) File.Delete(tempPath);
        }
    }

    private sealed class RefusedInstance(DimseStatus status) : IIncomingInstance
    {
        public ValueTask WriteAsync(ReadOnlyMemory<byte> fragment, CancellationToken ct) => ValueTask.CompletedTask;
        public ValueTask<DimseStatus> CompleteAsync(CancellationToken ct) => ValueTask.FromResult(status);
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
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
