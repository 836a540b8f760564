using DoseWatch.Dicom.Network.Dimse;
using DoseWatch.Tests;
using DoseWatch.Tests.Network;

namespace DoseWatch.Dicom.Tests.Network;

/// <summary>
/// Issue #18: the Store SCP answers Success once an instance's record is synced in the store's journal, and writes the
/// file itself without a sync; a checkpoint makes the files durable later. What a power cut can leave between the
/// answer and the checkpoint (a name without its bytes, no name at all, a torn last record) is simulated on the files
/// and the journal as they were at that instant (the checkpoint held back), and the store opened again.
/// </summary>
public sealed class InstanceJournalTests
{
    [Fact]
    public async Task Instances_answered_Success_are_written_again_at_start_when_a_power_cut_took_their_files()
    {
        if (!OperatingSystem.IsLinux()) return;  // the journal is Linux-only; elsewhere every file is fsynced on its own
        using var temp = new TempDirectory();
        var sent = Enumerable.Range(0, 3).Select(i => temp.File($"ct-{i}.dcm")).ToArray();
        await LargeCtImage.WriteManyAsync(sent, size: 256);  // 131 kB each: the journal's size (a 526 kB image is not journalled)
        var inbox = temp.File("inbox");
        await using var scp = new LoopbackScp(directory: inbox);
        var journal = Assert.IsType<InstanceJournal>(scp.Store.Journal);
        journal.CheckpointDelay = Timeout.InfiniteTimeSpan;

        var result = await PeerProcess.RunAsync("storescu", ["-aec", "DOSEWATCH", "127.0.0.1", scp.Port.ToString(), .. sent]);
        Assert.True(result.ExitCode == 0, result.All);
        var stored = scp.StoredFiles.Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(3, stored.Length);
        Assert.Equal(3, journal.Pending);  // answered, not yet checkpointed: the journal is all that makes them durable
        Assert.Equal(0, scp.Store.WritebacksStarted);
        var written = stored.ToDictionary(f => f, File.ReadAllBytes);
        scp.Store.Dispose();  // the process "dies": no checkpoint

        // What a power cut before the checkpoint may leave of files written without a sync: no name, or a name without bytes.
        File.Delete(stored[0]);
        File.WriteAllBytes(stored[1], []);

        using (var reopened = new DirectoryStore(inbox))
        {
            Assert.Equal(2, reopened.Journal!.Recovered);  // the intact third file is not written again
            Assert.Equal(0, reopened.Journal.Pending);
        }
        foreach (var (path, bytes) in written) Assert.True(bytes.AsSpan().SequenceEqual(File.ReadAllBytes(path)), $"{Path.GetFileName(path)} differs after the replay");
        // And each is still the data set storescu sent (dcmdump of both, file meta aside).
        foreach (var image in sent)
        {
            var uid = await SopInstanceUidAsync(image);
            Assert.Equal(await LargeCtImage.DataSetDumpAsync(image), await LargeCtImage.DataSetDumpAsync(Path.Combine(inbox, uid + ".dcm")));
        }
        using var again = new DirectoryStore(inbox);
        Assert.Equal(0, again.Journal!.Recovered);
    }

    [Fact]
    public async Task A_large_image_is_not_journalled_but_synced_on_its_own_before_Success()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var temp = new TempDirectory();
        var image = temp.File("ct-512.dcm");
        await LargeCtImage.WriteManyAsync([image]);  // 526 kB: over the journal's largest record
        await using var scp = new LoopbackScp(directory: temp.File("inbox"));
        var journal = Assert.IsType<InstanceJournal>(scp.Store.Journal);
        journal.CheckpointDelay = Timeout.InfiniteTimeSpan;

        var result = await PeerProcess.RunAsync("storescu", ["-aec", "DOSEWATCH", "127.0.0.1", scp.Port.ToString(), image]);
        Assert.True(result.ExitCode == 0, result.All);
        Assert.Equal(0, journal.Pending);
        Assert.True(scp.Store.WritebacksStarted > 0, "a large image is written back while it arrives and fsynced before Success");
        Assert.Equal(await LargeCtImage.DataSetDumpAsync(image), await LargeCtImage.DataSetDumpAsync(Assert.Single(scp.StoredFiles)));
    }

    [Fact]
    public async Task A_torn_last_record_ends_the_replay_and_the_records_before_it_are_written_again()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var temp = new TempDirectory();
        var directory = NewStoreDirectory(temp);
        var payloads = new[] { Payload(10_000, 1), Payload(20_000, 2), Payload(30_000, 3) };
        using (var journal = Held(InstanceJournal.Open(directory, 256 * 1024, [])))
        {
            for (var i = 0; i < payloads.Length; i++) journal.Release(await journal.AppendAsync(Name(i), payloads[i], CancellationToken.None));
        }
        // The power went while the last record was being written: one byte of it never reached the disk.
        var journalPath = Assert.Single(Directory.GetFiles(Path.Combine(directory, ".journal"), "*.journal"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(journalPath));  // it holds received objects
        var bytes = File.ReadAllBytes(journalPath);
        var at = bytes.AsSpan().IndexOf(payloads[2].AsSpan(0, 64));
        Assert.True(at > 0, "the last record's payload is not in the journal");
        bytes[at + 20_000] ^= 0xFF;
        File.WriteAllBytes(journalPath, bytes);

        using (var reopened = InstanceJournal.Open(directory, 256 * 1024, []))
            Assert.Equal(2, reopened.Recovered);
        Assert.Equal(payloads[0], File.ReadAllBytes(Path.Combine(directory, Name(0))));
        Assert.Equal(payloads[1], File.ReadAllBytes(Path.Combine(directory, Name(1))));
        Assert.False(File.Exists(Path.Combine(directory, Name(2))), "a torn record was never acknowledged and must not become a file");
    }

    [Fact]
    public async Task A_full_journal_waits_for_a_checkpoint_and_wraps_around_without_losing_a_live_record()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var temp = new TempDirectory();
        var directory = NewStoreDirectory(temp);
        const long capacity = 48 * 1024;  // room for three records of 12 KiB after the two header blocks
        using (var journal = Held(InstanceJournal.Open(directory, capacity, [])))
        {
            var first = new List<InstanceJournal.Record>();
            for (var i = 0; i < 3; i++) first.Add(await Append(journal, directory, i));
            // With no checkpoint to free space, an append gives up (the peer is told Out of Resources) rather than hang.
            journal.SpaceWait = TimeSpan.FromMilliseconds(300);
            await Assert.ThrowsAsync<IOException>(async () => await Append(journal, directory, 3));
            journal.SpaceWait = TimeSpan.FromSeconds(30);
            var fourth = Append(journal, directory, 3).AsTask();
            await Task.Delay(300);
            Assert.False(fourth.IsCompleted, "a record overwrote live records instead of waiting for a checkpoint");
            foreach (var record in first) journal.Release(record);
            journal.Checkpoint();
            journal.Release(await fourth.WaitAsync(TimeSpan.FromSeconds(10)));
            // Several times round the ring, each record freed by a checkpoint once its file is written.
            for (var i = 4; i < 20; i++)
            {
                journal.Release(await Append(journal, directory, i));
                journal.Checkpoint();
            }
            // The last one is answered and its file written, but the checkpoint never comes.
            journal.Release(await Append(journal, directory, 20));
            Assert.Equal(1, journal.Pending);
        }
        File.Delete(Path.Combine(directory, Name(20)));
        File.WriteAllBytes(Path.Combine(directory, Name(19)), [1, 2, 3]);  // checkpointed: the journal no longer answers for it

        using (var reopened = InstanceJournal.Open(directory, capacity, []))
            Assert.Equal(1, reopened.Recovered);
        Assert.Equal(Payload(10_000, 20), File.ReadAllBytes(Path.Combine(directory, Name(20))));
        Assert.Equal([1, 2, 3], File.ReadAllBytes(Path.Combine(directory, Name(19))));
    }

    [Fact]
    public async Task A_record_whose_file_moved_on_is_repaired_where_the_file_is_now()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var temp = new TempDirectory();
        var directory = NewStoreDirectory(temp);
        var quarantine = temp.File("quarantine");
        Directory.CreateDirectory(quarantine);
        using (var journal = Held(InstanceJournal.Open(directory, 256 * 1024, [quarantine])))
            journal.Release(await journal.AppendAsync(Name(0), Payload(5_000, 7), CancellationToken.None));
        // Written, moved to quarantine by an extraction, and torn there by the power cut.
        File.WriteAllBytes(Path.Combine(quarantine, Name(0)), Payload(100, 7));

        using (var reopened = InstanceJournal.Open(directory, 256 * 1024, [quarantine]))
            Assert.Equal(1, reopened.Recovered);
        Assert.Equal(Payload(5_000, 7), File.ReadAllBytes(Path.Combine(quarantine, Name(0))));
        Assert.False(File.Exists(Path.Combine(directory, Name(0))), "the file was put back in the inbox as well as repaired in quarantine");
    }

    [Fact]
    public async Task Stores_sharing_a_directory_keep_a_journal_each_and_a_stopped_ones_records_are_replayed_by_the_next()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var temp = new TempDirectory();
        var directory = NewStoreDirectory(temp);
        // Two nodes on one shared inbox.
        var first = Held(InstanceJournal.Open(directory, 256 * 1024, []));
        using var second = Held(InstanceJournal.Open(directory, 256 * 1024, []));
        var journals = Directory.GetFiles(Path.Combine(directory, ".journal"), "*.journal");
        Assert.Equal(2, journals.Length);
        // A live journal is still readable (a backup, an audit of the data directory): the stores hold it shared.
        Assert.All(journals, j => Assert.Equal(256 * 1024, File.ReadAllBytes(j).Length));
        first.Release(await first.AppendAsync(Name(0), Payload(3_000, 10), CancellationToken.None));  // its file never written
        var theirs = await second.AppendAsync(Name(1), Payload(3_000, 11), CancellationToken.None);  // its file not yet written

        first.Dispose();  // the first node stops before its checkpoint
        using (var next = InstanceJournal.Open(directory, 256 * 1024, []))
            Assert.Equal(1, next.Recovered);  // the stopped node's record; the live node's journal is left to it
        Assert.Equal(Payload(3_000, 10), File.ReadAllBytes(Path.Combine(directory, Name(0))));
        Assert.False(File.Exists(Path.Combine(directory, Name(1))), "a live store's pending record was replayed by another store");

        await File.WriteAllBytesAsync(Path.Combine(directory, Name(1)), Payload(3_000, 11));
        second.Release(theirs);
        second.Checkpoint();
        Assert.Equal(0, second.Pending);
    }

    private static async ValueTask<InstanceJournal.Record> Append(InstanceJournal journal, string directory, int i)
    {
        var payload = Payload(10_000, i);
        var record = await journal.AppendAsync(Name(i), payload, CancellationToken.None);
        await File.WriteAllBytesAsync(Path.Combine(directory, Name(i)), payload);  // what the store does after the sync
        return record;
    }

    /// <summary>The checkpoint held back, as a crash would find the journal.</summary>
    private static InstanceJournal Held(InstanceJournal journal)
    {
        journal.CheckpointDelay = Timeout.InfiniteTimeSpan;
        return journal;
    }

    private static string Name(int i) => $"1.2.826.0.1.3680043.8.498.{i + 1}.dcm";

    private static byte[] Payload(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static string NewStoreDirectory(TempDirectory temp)
    {
        var directory = temp.File("store");
        Directory.CreateDirectory(Path.Combine(directory, ".incoming"));
        return directory;
    }

    private static async Task<string> SopInstanceUidAsync(string path)
    {
        var r = await PeerProcess.RunAsync("dcmdump", ["-q", "+P", "0008,0018", path]);
        Assert.True(r.ExitCode == 0, r.All);
        var line = r.StdOut.Trim();
        return line[(line.IndexOf('[') + 1)..line.IndexOf(']')];
    }
}
