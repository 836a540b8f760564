using DoseWatch.Tests;
using DoseWatch.Tests.Network;

namespace DoseWatch.Cli.Tests.Network;

/// <summary><c>dosewatch echo</c> and <c>dosewatch send</c> against DCMTK storescp: exit codes, and what storescp stored equals what was sent.</summary>
public class SendEchoCommandTests
{
    private static Task<PeerProcess.Result> DoseWatchAsync(params string[] args) =>
        PeerProcess.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "dosewatch.dll"), .. args], TimeSpan.FromSeconds(60));

    [SamplesFact]
    public async Task EchoAndSendAFolderToStorescp()
    {
        using var temp = new TempDirectory();
        var folder = Directory.CreateDirectory(temp.File("send")).FullName;
        string[] samples = ["openrem/DX-RDSR-Canon_CXDI.dcm", "openrem/MG-Im-GE_Seno_1_ForProcessing.dcm"];
        foreach (var s in samples) File.Copy(SharedSamples.Path_(s), Path.Combine(folder, Path.GetFileName(s)));
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "not DICOM");
        var outDir = Directory.CreateDirectory(temp.File("out")).FullName;
        var port = PeerProcess.FreePort();
        using var storescp = PeerProcess.Start("storescp", ["-aet", "STORESCP", "-od", outDir, "-uf", port.ToString()]);
        try
        {
            await PeerProcess.WaitForPortAsync(port, TimeSpan.FromSeconds(10));
            var echo = await DoseWatchAsync("echo", "127.0.0.1", port.ToString(), "--aec", "STORESCP");
            Assert.True(echo.ExitCode == 0, echo.All);
            Assert.Contains("0x0000", echo.StdOut);

            var send = await DoseWatchAsync("send", "127.0.0.1", port.ToString(), folder, "--aet", "CLI_TEST", "--aec", "STORESCP");
            Assert.Equal(1, send.ExitCode);  // the text file is reported and counted as not sent
            Assert.Contains("notes.txt: not sent", send.StdErr);
            Assert.Contains("2 of 3 sent", send.StdOut);
            foreach (var s in samples)
            {
                var source = SharedSamples.Path_(s);
                var uid = await DicomContent.SopInstanceUidAsync(source);
                var received = Directory.GetFiles(outDir).Single(f => Path.GetFileName(f).Contains(uid));
                Assert.Equal(await DicomContent.DumpAsync(source), await DicomContent.DumpAsync(received));
            }
        }
        finally
        {
            storescp.Kill();
            await storescp.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task EchoToAClosedPortFailsWithExitCode1()
    {
        var r = await DoseWatchAsync("echo", "127.0.0.1", PeerProcess.FreePort().ToString());
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("echo failed", r.StdErr);
    }
}
