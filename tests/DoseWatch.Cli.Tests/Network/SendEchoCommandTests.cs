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
        await using var storescp = await StorescpProcess.StartAsync(Directory.CreateDirectory(temp.File("out")).FullName);
        var port = storescp.Port.ToString();
        var echo = await DoseWatchAsync("echo", "127.0.0.1", port, "--aec", StorescpProcess.AeTitle);
        Assert.True(echo.ExitCode == 0, echo.All);
        Assert.Contains("0x0000", echo.StdOut);

        var send = await DoseWatchAsync("send", "127.0.0.1", port, folder, "--aet", "CLI_TEST", "--aec", StorescpProcess.AeTitle);
        Assert.Equal(1, send.ExitCode);  // the text file is reported and counted as not sent
        Assert.Contains("notes.txt: not sent", send.StdErr);
        Assert.Contains("2 of 3 sent", send.StdOut);
        await storescp.AssertReceivedAsync(samples.Select(SharedSamples.Path_));
    }

    [Fact]
    public async Task EchoToAClosedPortFailsWithExitCode1()
    {
        var r = await DoseWatchAsync("echo", "127.0.0.1", PeerProcess.FreePort().ToString());
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("echo failed", r.StdErr);
    }
}
