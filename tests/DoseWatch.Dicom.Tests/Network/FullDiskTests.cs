using System.Diagnostics;
using DoseWatch.Dicom.Network.Dimse;
using DoseWatch.Tests;
using DoseWatch.Tests.Network;

namespace DoseWatch.Dicom.Tests.Network;

/// <summary>A fact that mounts a filesystem: skipped (with the reason) when the tests do not run as root.</summary>
public sealed class MountFactAttribute : FactAttribute
{
    public MountFactAttribute()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root") Skip = "mounting a small tmpfs needs root on Linux";
        else if (SharedSamples.SkipReason is { } why) Skip = why;
    }
}

/// <summary>
/// Issue #22 item 6: a full disk closed the TCP connection with no C-STORE response. The store directory here is a real
/// 256 KiB tmpfs, filled up with a filler file: storescu must get Out of Resources (0xA700) on an association that is
/// released in order, nothing partial is left, and once space returns the same instance is stored.
/// </summary>
public sealed class FullDiskTests
{
    private static async Task RunAsync(string command, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(command) { ArgumentList = { }, UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true }.With(args))!;
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{command} {string.Join(' ', args)}: {await process.StandardError.ReadToEndAsync()}");
    }

    [MountFact]
    public async Task A_full_disk_is_answered_out_of_resources_and_storing_resumes_when_space_returns()
    {
        var mount = Directory.CreateTempSubdirectory("dw-fulldisk-").FullName;
        await RunAsync("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mount);
        try
        {
            var sample = SharedSamples.Path_("openrem/CT-RDSR-GEPixelMed.dcm"); // 15.6 kB
            await using (var scp = new LoopbackScp(directory: Path.Combine(mount, "inbox")))
            {
                var filler = Path.Combine(mount, "filler");
                await using (var fill = File.Create(filler))
                {
                    var block = new byte[4096];
                    try { while (true) fill.Write(block); }
                    catch (IOException) { }  // ENOSPC: the filesystem is full now
                }

                var refused = await PeerProcess.RunAsync("storescu", ["-v", "-aec", "DOSEWATCH", "127.0.0.1", scp.Port.ToString(), sample]);
                File.Delete(filler);
                var stored = await PeerProcess.RunAsync("storescu", ["-v", "-aec", "DOSEWATCH", "127.0.0.1", scp.Port.ToString(), sample]);

                // storescu names the status it got (0xA700); a closed connection would say so instead.
                Assert.True(refused.All.Contains("Refused: OutOfResources", StringComparison.Ordinal), refused.All);
                Assert.DoesNotContain("Association Aborted", refused.All, StringComparison.OrdinalIgnoreCase);
                Assert.True(stored.ExitCode == 0, stored.All);
                var records = await scp.WaitForRecordsAsync(2);
                Assert.All(records, r => Assert.Equal(AssociationOutcome.Released, r.Outcome));
                Assert.Equal((0, 1), (records[0].InstancesStored, records[0].FailedInstances));
                Assert.Contains("out of resources", records[0].Detail);
                Assert.Equal((1, 0), (records[1].InstancesStored, records[1].FailedInstances));
                Assert.Single(scp.StoredFiles);
                Assert.Empty(scp.PartialFiles);
                // 256 KiB had no room for the store's journal: it started without one, said why, and left nothing of it.
                Assert.Null(scp.Store.Journal);
                Assert.NotNull(scp.Store.JournalUnavailable);
                Assert.Empty(Directory.GetFiles(Path.Combine(scp.Directory, ".journal")));
                Assert.Equal(await DicomContent.DumpAsync(sample), await DicomContent.DumpAsync(scp.StoredFiles[0]));
            }
        }
        finally
        {
            await RunAsync("umount", mount);
            Directory.Delete(mount, recursive: true);
        }
    }
}

internal static class StartInfoArguments
{
    public static ProcessStartInfo With(this ProcessStartInfo info, IEnumerable<string> args)
    {
        foreach (var a in args) info.ArgumentList.Add(a);
        return info;
    }
}
