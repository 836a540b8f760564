using DoseWatch.Dicom.Network.Dimse;
using DoseWatch.Tests;
using DoseWatch.Tests.Network;

namespace DoseWatch.Dicom.Tests.Network;

/// <summary>
/// Issue #18: while a large data set arrives, the store asks the kernel to start writing what it has (every
/// <see cref="DirectoryStore.WritebackBytes"/>), so the fsync before Success waits for less. The file must still be the
/// data set storescu sent (dcmdump of both, file meta aside), and a store without fsync (benchmarks) asks for nothing.
/// This is the path of a file too large for the store's journal (<see cref="InstanceJournalTests"/>), here every file
/// (journal size 0); a file the journal takes is synced with its record and not written back early.
/// </summary>
public sealed class EarlyWritebackTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_ct_image_is_written_back_while_it_arrives_and_stored_unchanged(bool fsync)
    {
        using var temp = new TempDirectory();
        var image = temp.File("ct-512.dcm");
        // 526 kB: two writebacks' worth.
        await LargeCtImage.WriteAsync(image);
        await using var scp = new LoopbackScp(store: directory => new DirectoryStore(directory, fsync: fsync, journalBytes: 0));

        var sent = await PeerProcess.RunAsync("storescu", ["-aec", "DOSEWATCH", "127.0.0.1", scp.Port.ToString(), image]);
        Assert.True(sent.ExitCode == 0, sent.All);

        var stored = Assert.Single(scp.StoredFiles);
        Assert.Equal(await LargeCtImage.DataSetDumpAsync(image), await LargeCtImage.DataSetDumpAsync(stored));
        var expected = !fsync || !OperatingSystem.IsLinux() ? 0 : new FileInfo(stored).Length / DirectoryStore.WritebackBytes;
        Assert.Equal(expected, scp.Store.WritebacksStarted);
    }
}
