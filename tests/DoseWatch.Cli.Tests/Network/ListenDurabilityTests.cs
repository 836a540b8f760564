using System.Diagnostics;
using System.Text.RegularExpressions;
using DoseWatch.Dicom.Network.Dimse;
using DoseWatch.Tests.Network;

namespace DoseWatch.Cli.Tests.Network;

/// <summary>
/// <c>dosewatch listen</c> as a child process: a large instance is received in bounded memory and is complete on disk
/// when Success is answered; a kill -9 in the middle of the next one leaves no half instance among the received files,
/// and the temporary it leaves is cleared at the next start.
/// </summary>
public class ListenDurabilityTests
{
    private const int PixelBytes = 160 * 1024 * 1024;

    [Fact]
    public async Task LargeInstanceInBoundedMemoryAndKillMidTransferLeavesNoHalfInstance()
    {
        using var temp = new TempDirectory();
        var inbox = temp.File("inbox");
        var first = temp.File("big-1.dcm");
        var second = temp.File("big-2.dcm");
        await MakeLargeCtAsync(first, second);

        var (listen, port) = await StartListenAsync(inbox);
        try
        {
            var results = await FileSender.SendAsync("127.0.0.1", port, "DURABILITY", "DOSEWATCH", [first]);
            Assert.True(Assert.Single(results).Succeeded, results[0].Error);
            var stored = Assert.Single(Directory.GetFiles(inbox, "*.dcm"));
            Assert.Equal(await DumpHeaderAsync(first), await DumpHeaderAsync(stored));
            Assert.True(DataSetBytesEqual(first, stored), "stored data set differs from the one sent");

            // Memory per association is bounded by the PDU size, not the instance size.
            var peak = PeakResidentBytes(listen.Id);
            Assert.True(peak < PixelBytes * 0.75, $"listen peaked at {peak / 1048576} MB resident for a {PixelBytes / 1048576} MB instance");

            var sending = FileSender.SendAsync("127.0.0.1", port, "DURABILITY", "DOSEWATCH", [second]);
            var incoming = Path.Combine(inbox, ".incoming");
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (!(Directory.GetFiles(incoming).FirstOrDefault() is { } part && new FileInfo(part).Length > 8 * 1024 * 1024))
            {
                Assert.True(DateTime.UtcNow < deadline, "the second transfer never started");
                await Task.Delay(5);
            }
            listen.Kill();  // SIGKILL: no chance to clean up
            await listen.WaitForExitAsync();
            await Assert.ThrowsAnyAsync<Exception>(() => sending);

            Assert.Equal([stored], Directory.GetFiles(inbox, "*.dcm"));
            Assert.Single(Directory.GetFiles(incoming));  // the half instance exists only as a temporary
        }
        finally
        {
            if (!listen.HasExited) listen.Kill();
        }

        var (restarted, _) = await StartListenAsync(inbox);
        restarted.Kill();
        await restarted.WaitForExitAsync();
        Assert.Empty(Directory.GetFiles(Path.Combine(inbox, ".incoming")));
        Assert.Single(Directory.GetFiles(inbox, "*.dcm"));
    }

    private static async Task<(Process Process, int Port)> StartListenAsync(string inbox)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "dosewatch.dll");
        var port = PeerProcess.FreePort();
        var p = PeerProcess.Start("dotnet", [dll, "listen", port.ToString(), "--dir", inbox, "--aet", "DOSEWATCH"]);
        _ = p.StandardOutput.ReadToEndAsync();
        _ = p.StandardError.ReadToEndAsync();
        await PeerProcess.WaitForPortAsync(port, TimeSpan.FromSeconds(30));
        return (p, port);
    }

    /// <summary>Two CT images with {PixelBytes} of pixel data and distinct SOP Instance UIDs, written by pydicom.</summary>
    private static async Task MakeLargeCtAsync(string first, string second)
    {
        var script = $$"""
            import sys, pydicom
            from pydicom.uid import generate_uid
            ds = pydicom.dcmread('/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm')
            side = int(({{PixelBytes}} // 2) ** 0.5)
            ds.Rows = side; ds.Columns = side
            ds.PixelData = bytes(range(256)) * (side * side * 2 // 256) + bytes(side * side * 2 % 256)
            for path in sys.argv[1:]:
                ds.SOPInstanceUID = generate_uid(); ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
                ds.save_as(path, write_like_original=False)
            """;
        var r = await PeerProcess.RunAsync("/usr/bin/python3", ["-c", script, first, second], TimeSpan.FromSeconds(120));
        Assert.True(r.ExitCode == 0, r.All);
    }

    private static async Task<IReadOnlyList<string>> DumpHeaderAsync(string path)
    {
        // Without +L dcmdump abbreviates long values such as the pixel data; the bytes are compared separately.
        var r = await PeerProcess.RunAsync("dcmdump", ["-q", path]);
        return DicomContent.Normalize(r.StdOut);
    }

    private static bool DataSetBytesEqual(string a, string b)
    {
        using var fa = File.OpenRead(a);
        using var fb = File.OpenRead(b);
        fa.Position = FileMetaHeader.ReadAsync(fa).GetAwaiter().GetResult().DataSetOffset;
        fb.Position = FileMetaHeader.ReadAsync(fb).GetAwaiter().GetResult().DataSetOffset;
        if (fa.Length - fa.Position != fb.Length - fb.Position) return false;
        var ba = new byte[1 << 20];
        var bb = new byte[1 << 20];
        while (true)
        {
            var n = fa.Read(ba);
            if (n == 0) return true;
            fb.ReadExactly(bb, 0, n);
            if (!ba.AsSpan(0, n).SequenceEqual(bb.AsSpan(0, n))) return false;
        }
    }

    private static long PeakResidentBytes(int pid)
    {
        var line = File.ReadAllLines($"/proc/{pid}/status").Single(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(Regex.Match(line, @"\d+").Value) * 1024;
    }
}
