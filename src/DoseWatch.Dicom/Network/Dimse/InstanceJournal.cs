using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;

namespace DoseWatch.Dicom.Network.Dimse;

/// <summary>
/// The Store SCP's write-ahead journal (issue #18): what makes a received instance durable before Success is answered,
/// in one <c>fdatasync</c> of an already allocated file instead of a new file's fsync, rename and directory fsync.
/// The store appends the instance's file bytes (as they will be on disk: sealed when the store seals) under the file's
/// name, waits for the journal's sync, then writes the file itself without syncing it. A checkpoint (every
/// <see cref="CheckpointInterval"/> while records are pending) makes those files durable in one filesystem sync and
/// only then frees their records. At start-up every record after the last checkpoint is replayed: a file that is
/// missing or differs from its record (a power cut before its checkpoint) is written again from the record, so an
/// instance answered Success is never lost, and replaying twice writes nothing twice.
/// <para>
/// Layout (little-endian): two header blocks at 0 and <see cref="BlockBytes"/>, written alternately so a torn header
/// write leaves the other (the valid one with the later checkpoint wins): magic "DWJH", CRC-32C of the rest, checkpoint
/// sequence, checkpoint offset. Records from <see cref="RecordsStart"/>, each starting on a block: magic "DWJR", CRC-32C
/// of the rest of the header and the name, sequence, payload bytes, payload CRC-32C, name bytes, name (UTF-8), payload.
/// A record that does not fit before the end goes to <see cref="RecordsStart"/>. The scan from the checkpoint stops at
/// the first position that holds neither here nor at the start the next sequence with valid checksums: what is after it
/// was never acknowledged. Concurrent appends share one sync (group commit); records are written under one lock, so a
/// record's sync covers every earlier record.
/// </para>
/// </summary>
public sealed class InstanceJournal : IDisposable
{
    public const int BlockBytes = 4096;
    private const long RecordsStart = 2 * BlockBytes;
    private const uint HeaderMagic = 0x484A5744;  // "DWJH"
    private const uint RecordMagic = 0x524A5744;  // "DWJR"
    private const int RecordHeaderBytes = 32;
    private const int MaxNameBytes = 512;

    /// <summary>How long appended records wait for the checkpoint that frees them.</summary>
    public static readonly TimeSpan CheckpointInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>How long an append waits for a checkpoint to free space before it gives up (an IOException).</summary>
    internal TimeSpan SpaceWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Tests stop the timer (<see cref="Timeout.InfiniteTimeSpan"/>) to hold records as a crash would find them.</summary>
    internal TimeSpan CheckpointDelay { get; set; } = CheckpointInterval;

    private readonly string _directory;
    private readonly IReadOnlyList<string> _movedOnTo;
    private readonly FileStream _file;
    private readonly long _capacity;
    private readonly Lock _gate = new();
    private readonly Queue<Record> _live = new();
    private readonly SyncGroup _sync;
    private long _head;
    private long _nextSequence;
    private int _headerSlot;
    private bool _checkpointRunning;
    private TaskCompletionSource? _spaceFreed;

    /// <summary>A record appended and synced; the store releases it once its file is written (or given up).</summary>
    public sealed class Record
    {
        internal Record(long sequence, long offset)
        {
            Sequence = sequence;
            Offset = offset;
        }

        internal long Sequence { get; }
        internal long Offset { get; }
        internal volatile bool Released;
    }

    /// <summary>
    /// Opens the store's journal: first every journal under <c>.journal/</c> that no live store holds (its lock is free:
    /// this process's last run, or a node of a shared inbox that stopped) is replayed, then one of the right size is
    /// kept (the others are deleted) or a new one is created. Each store holds its own journal locked while it is open,
    /// so stores of several nodes on a shared inbox never write into one journal.
    /// </summary>
    /// <param name="directory">The store's directory: record names are file names in it.</param>
    /// <param name="capacityBytes">The journal file's size, allocated and written once when it is created.</param>
    /// <param name="movedOnTo">Directories the store's files may have been moved on to (where a replay looks for them too).</param>
    /// <exception cref="CreationFailedException">No journal could be created (e.g. the disk is full); every one found was replayed.</exception>
    public static InstanceJournal Open(string directory, long capacityBytes, IReadOnlyList<string> movedOnTo)
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("The journal relies on syncfs (Linux): elsewhere the store syncs each file.");
        if (capacityBytes < 4 * RecordsStart) throw new ArgumentOutOfRangeException(nameof(capacityBytes), "The journal needs at least 32 KiB.");
        var capacity = capacityBytes / BlockBytes * BlockBytes;
        var folder = Path.Combine(directory, ".journal");
        CreatePrivateDirectory(folder);
        foreach (var stale in Directory.EnumerateFiles(folder, "*.new").Where(f => File.GetLastWriteTimeUtc(f) < DateTime.UtcNow.AddMinutes(-10)))
            File.Delete(stale);  // a creation cut short long ago (a young one may be another node's, still being written)
        InstanceJournal? kept = null;
        var recovered = 0;
        foreach (var path in Directory.EnumerateFiles(folder, "*.journal").Order(StringComparer.Ordinal).ToList())
        {
            if (TryLock(path) is not { } file) continue;  // a live store's
            var journal = new InstanceJournal(directory, file, movedOnTo);
            recovered += journal.Recovered;
            if (kept is null && file.Length == capacity) kept = journal;
            else
            {
                journal.Dispose();
                File.Delete(path);  // replayed and checkpointed: nothing in it is needed any more
            }
        }
        if (kept is null)
        {
            FileStream created;
            try
            {
                created = Create(Path.Combine(folder, $"{Guid.NewGuid():N}.journal"), capacity);
            }
            catch (IOException e)
            {
                throw new CreationFailedException(e.Message, e);
            }
            kept = new InstanceJournal(directory, created, movedOnTo);
        }
        // Held shared from now on: another store's exclusive probe sees it in use, and readers (a backup, an audit of the
        // data directory) can still read it.
        FileDurability.ShareLock(kept._file);
        kept.Recovered = recovered;
        return kept;
    }

    /// <summary>No journal could be created; the store goes on without one.</summary>
    public sealed class CreationFailedException(string message, Exception? inner) : IOException(message, inner);

    /// <summary>
    /// The journal opened and locked exclusively (flock, through .NET's FileShare.None) for its replay, or null when
    /// another store holds it (shared) or someone is reading it at this instant (then it waits for the next start).
    /// </summary>
    private static FileStream? TryLock(string path)
    {
        try
        {
            return new FileStream(path, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.ReadWrite, Share = FileShare.None, BufferSize = 0 });
        }
        catch (IOException e) when (e.HResult == 11 || (e.HResult & 0xFFFF) == 32)  // EWOULDBLOCK (flock held) / sharing violation: a live store's
        {
            return null;
        }
    }

    private InstanceJournal(string directory, FileStream file, IReadOnlyList<string> movedOnTo)
    {
        _directory = directory;
        _movedOnTo = movedOnTo;
        _file = file;
        _capacity = file.Length / BlockBytes * BlockBytes;
        _sync = new SyncGroup(() => FileDurability.DataSync(_file));
        Recovered = Recover();
    }

    /// <summary>Files written again from the journal at start-up (a crash or power cut before their checkpoint).</summary>
    public int Recovered { get; private set; }

    /// <summary>
    /// The largest file the journal takes by design: a dose report, an SR, a small image. Below it a new file's fsync,
    /// rename and directory fsync cost more than its data; above it the data dominates, and writing it twice (record and
    /// file) costs more disk bandwidth than the metadata syncs it saves. Measured (docs/benchmarks.md): with 526 kB CT
    /// images journalled too, CT over eight associations fell from 0.80x to 0.49x storescp.
    /// </summary>
    public const int LargestRecordPayloadBytes = 256 * 1024;

    /// <summary>The largest file this journal takes; a larger one is made durable by its own fsync.</summary>
    public long MaxPayloadBytes => Math.Min(LargestRecordPayloadBytes, _capacity / 4 - RecordHeaderBytes - MaxNameBytes);

    /// <summary>Records appended and not yet freed by a checkpoint (diagnostics and tests).</summary>
    public int Pending
    {
        get { lock (_gate) return _live.Count; }
    }

    /// <summary>
    /// Appends <paramref name="payload"/> as the bytes of file <paramref name="name"/> and returns once it is on disk.
    /// The caller writes the file and then calls <see cref="Release"/>; until then the record is not freed.
    /// </summary>
    public async ValueTask<Record> AppendAsync(string name, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        if (nameBytes.Length > MaxNameBytes) throw new ArgumentException("The name is too long for the journal.", nameof(name));
        if (payload.Length > MaxPayloadBytes) throw new ArgumentException("The payload is too large for the journal.", nameof(payload));
        var size = Align(RecordHeaderBytes + nameBytes.Length + payload.Length);
        Record record;
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                if (TryPlace(size, out var offset))
                {
                    record = new Record(_nextSequence++, offset);
                    WriteRecord(record, nameBytes, payload.Span);
                    _live.Enqueue(record);
                    _head = offset + size;
                    break;
                }
                wait = (_spaceFreed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }
            ScheduleCheckpoint();
            try
            {
                await wait.WaitAsync(SpaceWait, ct).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Checkpoints are not freeing space (the disk fails its syncs): the peer is told Out of Resources.
                throw new IOException($"The inbox journal has been full for {SpaceWait.TotalSeconds:0} s: its checkpoints are failing.");
            }
        }
        ScheduleCheckpoint();
        try
        {
            await _sync.RunAsync().ConfigureAwait(false);
        }
        catch
        {
            // Not acknowledged, but it may be on disk (replayed at start: a resend is then a duplicate); never blocks the journal.
            Release(record);
            throw;
        }
        return record;
    }

    /// <summary>The record's file is written (or will not be): the next checkpoint may free it.</summary>
    public void Release(Record record)
    {
        record.Released = true;
        ScheduleCheckpoint();
    }

    /// <summary>Closes the journal without a checkpoint: what is pending is replayed at the next start, as after a crash.</summary>
    public void Dispose() => _file.Dispose();

    /// <summary>Frees every released record at the head of the journal now (tests; the product waits for the timer).</summary>
    public void Checkpoint() => CheckpointOnce();

    private static long Align(long bytes) => (bytes + BlockBytes - 1) / BlockBytes * BlockBytes;

    /// <summary>Where a record of <paramref name="size"/> bytes goes without overwriting a live one, if anywhere.</summary>
    private bool TryPlace(long size, out long offset)
    {
        offset = 0;
        if (_live.Count == 0)
        {
            offset = _head + size <= _capacity ? _head : RecordsStart;
            return true;
        }
        var tail = _live.Peek().Offset;
        if (_head > tail)
        {
            if (_head + size <= _capacity) offset = _head;
            else if (RecordsStart + size <= tail) offset = RecordsStart;
            else return false;
            return true;
        }
        if (_head + size > tail) return false;
        offset = _head;
        return true;
    }

    private void WriteRecord(Record record, byte[] name, ReadOnlySpan<byte> payload)
    {
        var header = new byte[RecordHeaderBytes + name.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(header, RecordMagic);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(8), record.Sequence);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(16), payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(24), Crc32C(payload));
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(28), name.Length);
        name.CopyTo(header.AsSpan(RecordHeaderBytes));
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), Crc32C(header.AsSpan(8)));
        RandomAccess.Write(_file.SafeFileHandle, header, record.Offset);
        RandomAccess.Write(_file.SafeFileHandle, payload, record.Offset + header.Length);
    }

    private void ScheduleCheckpoint()
    {
        lock (_gate)
        {
            if (_checkpointRunning || _live.Count == 0) return;
            _checkpointRunning = true;
        }
        _ = Task.Run(CheckpointLoopAsync);
    }

    private async Task CheckpointLoopAsync()
    {
        while (true)
        {
            await Task.Delay(CheckpointDelay).ConfigureAwait(false);
            try
            {
                CheckpointOnce();
            }
            catch (ObjectDisposedException)
            {
                return;  // the store was closed: whatever is pending is replayed at the next start
            }
            catch (Exception)
            {
                // The disk failed the sync (or worse): the records stay and the next round tries again; if it never works,
                // appends time out (Out of Resources to the peer) and the records are replayed at the next start.
            }
            lock (_gate)
            {
                if (_live.Count == 0)
                {
                    _checkpointRunning = false;
                    return;
                }
            }
        }
    }

    private readonly Lock _checkpointGate = new();

    /// <summary>
    /// Makes the released records' files durable (one filesystem sync), records the new start of the journal, and only
    /// then frees their space: a record is overwritten only once nothing needs it.
    /// </summary>
    private void CheckpointOnce()
    {
        lock (_checkpointGate)
        {
            int count;
            long nextOffset, nextSequence;
            lock (_gate)
            {
                count = 0;
                foreach (var r in _live)
                {
                    if (!r.Released) break;
                    count++;
                }
                if (count == 0) return;
                var next = _live.Skip(count).FirstOrDefault();
                (nextOffset, nextSequence) = next is null ? (_head, _nextSequence) : (next.Offset, next.Sequence);
            }
            FileDurability.SyncFileSystemOf(_file);
            WriteHeader(nextSequence, nextOffset);
            TaskCompletionSource? freed;
            lock (_gate)
            {
                for (var i = 0; i < count; i++) _live.Dequeue();
                freed = _spaceFreed;
                _spaceFreed = null;
            }
            freed?.TrySetResult();
        }
    }

    private void WriteHeader(long sequence, long offset)
    {
        var block = new byte[BlockBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(block, HeaderMagic);
        BinaryPrimitives.WriteInt64LittleEndian(block.AsSpan(8), sequence);
        BinaryPrimitives.WriteInt64LittleEndian(block.AsSpan(16), offset);
        BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(4), Crc32C(block.AsSpan(8, 16)));
        _headerSlot ^= 1;
        RandomAccess.Write(_file.SafeFileHandle, block, _headerSlot * (long)BlockBytes);
        FileDurability.DataSync(_file);
    }

    private (long Sequence, long Offset, int Slot)? ReadHeader(int slot)
    {
        Span<byte> block = stackalloc byte[24];
        if (RandomAccess.Read(_file.SafeFileHandle, block, slot * (long)BlockBytes) != block.Length) return null;
        if (BinaryPrimitives.ReadUInt32LittleEndian(block) != HeaderMagic) return null;
        if (BinaryPrimitives.ReadUInt32LittleEndian(block[4..]) != Crc32C(block.Slice(8, 16))) return null;
        var offset = BinaryPrimitives.ReadInt64LittleEndian(block[16..]);
        if (offset < RecordsStart || offset > _capacity || offset % BlockBytes != 0) return null;
        return (BinaryPrimitives.ReadInt64LittleEndian(block[8..]), offset, slot);
    }

    /// <summary>Replays the records after the last checkpoint, then checkpoints: the journal starts empty.</summary>
    private int Recover()
    {
        var header = new[] { ReadHeader(0), ReadHeader(1) }.Where(h => h is not null).MaxBy(h => h!.Value.Sequence);
        var (sequence, position) = header is { } h ? (h.Sequence, h.Offset) : (1L, RecordsStart);
        _headerSlot = header?.Slot ?? 1;
        var replayed = 0;
        while (true)
        {
            var found = TryReadRecord(position, sequence) ?? (position != RecordsStart ? TryReadRecord(RecordsStart, sequence) : null);
            if (found is not { } record) break;
            if (Replay(record.Name, record.Payload) is not null) replayed++;
            ArrayPool<byte>.Shared.Return(record.Buffer);
            position = record.Offset + record.Size;
            sequence++;
        }
        // Even a file that was intact may still be only in the page cache (the process died, not the machine).
        FileDurability.SyncFileSystemOf(_file);
        _head = position;
        _nextSequence = sequence;
        WriteHeader(sequence, position);
        return replayed;
    }

    private readonly record struct StoredRecord(long Offset, long Size, string Name, ReadOnlyMemory<byte> Payload, byte[] Buffer);

    private StoredRecord? TryReadRecord(long offset, long sequence)
    {
        if (offset + RecordHeaderBytes > _capacity) return null;
        var header = new byte[RecordHeaderBytes + MaxNameBytes];
        var read = RandomAccess.Read(_file.SafeFileHandle, header.AsSpan(0, RecordHeaderBytes), offset);
        if (read != RecordHeaderBytes || BinaryPrimitives.ReadUInt32LittleEndian(header) != RecordMagic) return null;
        if (BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(8)) != sequence) return null;
        var payloadBytes = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(16));
        var nameBytes = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(28));
        if (nameBytes is <= 0 or > MaxNameBytes || payloadBytes < 0 || payloadBytes > MaxPayloadBytes) return null;
        var size = Align(RecordHeaderBytes + nameBytes + payloadBytes);
        if (offset + size > _capacity) return null;
        if (RandomAccess.Read(_file.SafeFileHandle, header.AsSpan(RecordHeaderBytes, nameBytes), offset + RecordHeaderBytes) != nameBytes) return null;
        if (BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(4)) != Crc32C(header.AsSpan(8, RecordHeaderBytes - 8 + nameBytes))) return null;
        var buffer = ArrayPool<byte>.Shared.Rent((int)payloadBytes);
        var payload = buffer.AsMemory(0, (int)payloadBytes);
        if (ReadFully(_file.SafeFileHandle, payload.Span, offset + RecordHeaderBytes + nameBytes) != payloadBytes
            || Crc32C(payload.Span) != BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(24)))
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return null;
        }
        return new StoredRecord(offset, size, Encoding.UTF8.GetString(header, RecordHeaderBytes, nameBytes), payload, buffer);
    }

    /// <summary>
    /// Makes sure the record's file holds the record's bytes: where it is now (the store's directory or a directory it
    /// moved on to), else in the store's directory. Returns the path written, or null when the file was already intact.
    /// </summary>
    private string? Replay(string name, ReadOnlyMemory<byte> payload)
    {
        if (name.Contains('/') || name.Contains('\\') || name.StartsWith('.')) return null;  // not a name this journal writes
        var path = _movedOnTo.Prepend(_directory).Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists) ?? Path.Combine(_directory, name);
        if (File.Exists(path) && SameBytes(path, payload.Span)) return null;
        var temp = Path.Combine(_directory, ".incoming", $"{Guid.NewGuid():N}.part");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 0 };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new FileStream(temp, options))
        {
            file.Write(payload.Span);
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        DirectorySync.Fsync(Path.GetDirectoryName(path)!);
        return path;
    }

    private static bool SameBytes(string path, ReadOnlySpan<byte> expected)
    {
        using var handle = File.OpenHandle(path);
        if (RandomAccess.GetLength(handle) != expected.Length) return false;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, expected.Length));
        try
        {
            var read = ReadFully(handle, buffer.AsSpan(0, expected.Length), 0);
            return read == expected.Length && buffer.AsSpan(0, expected.Length).SequenceEqual(expected);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    internal static int ReadFully(Microsoft.Win32.SafeHandles.SafeFileHandle handle, Span<byte> into, long offset)
    {
        var total = 0;
        while (total < into.Length)
        {
            var n = RandomAccess.Read(handle, into[total..], offset + total);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    /// <summary>
    /// A new journal, written in full once (zeros) and synced, so a record's sync never has to allocate blocks. It is
    /// renamed into place while open and locked, so no other store can take it between the rename and its first use.
    /// </summary>
    private static FileStream Create(string path, long capacity)
    {
        var temp = path + ".new";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.ReadWrite, Share = FileShare.None, BufferSize = 0 };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var file = new FileStream(temp, options);
        try
        {
            var zeros = new byte[1024 * 1024];
            for (long written = 0; written < capacity; written += zeros.Length)
                file.Write(zeros, 0, (int)Math.Min(zeros.Length, capacity - written));
            file.Flush(flushToDisk: true);
            File.Move(temp, path, overwrite: false);
            DirectorySync.Fsync(Path.GetDirectoryName(path)!);
            return file;
        }
        catch (IOException)
        {
            file.Dispose();
            File.Delete(temp);  // a disk too full for it: nothing half-made is left
            throw;
        }
    }

    private static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>CRC-32C (Castagnoli), hardware-accelerated where the CPU has it: detects torn and stale records, not tampering.</summary>
    internal static uint Crc32C(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        var i = 0;
        for (; i + 8 <= data.Length; i += 8) crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
        for (; i < data.Length; i++) crc = BitOperations.Crc32C(crc, data[i]);
        return ~crc;
    }
}

/// <summary>The Linux calls the journal relies on (it is not used elsewhere): fdatasync, syncfs and flock.</summary>
internal static class FileDurability
{
    /// <summary>fdatasync: the file's data and the metadata needed to read it.</summary>
    public static void DataSync(FileStream file) => Call(file, "fdatasync", FdataSync);

    /// <summary>syncfs of the filesystem <paramref name="anyFile"/> is on: every file written there so far is on disk, names included, in one call.</summary>
    public static void SyncFileSystemOf(FileStream anyFile) => Call(anyFile, "syncfs", SyncFs);

    /// <summary>
    /// Turns the store's exclusive flock on its journal into a shared one (flock(2) converts in place): the journal stays
    /// in use for other stores' exclusive probes, and ordinary readers, which .NET opens with a shared lock, can read it.
    /// </summary>
    public static void ShareLock(FileStream file) => Call(file, "flock(LOCK_SH)", fd => Flock(fd, LockShared));

    /// <summary>Runs a libc call on the file's descriptor, kept open meanwhile; a non-zero result is an IOException naming the call.</summary>
    private static void Call(FileStream file, string name, Func<int, int> call)
    {
        var handle = file.SafeFileHandle;
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            if (call((int)handle.DangerousGetHandle()) != 0) throw new IOException($"{name} failed (errno {Marshal.GetLastPInvokeError()})");
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    private const int LockShared = 1;

    [DllImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static extern int Flock(int fd, int operation);

    [DllImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static extern int FdataSync(int fd);

    [DllImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    private static extern int SyncFs(int fd);
}
