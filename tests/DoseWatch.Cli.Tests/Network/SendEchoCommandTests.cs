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
    public async Task EchoCallsDoseWatchByDefault()
    {
        // Our Store SCP checks the called AE title; run from a folder without appsettings.json: the product default.
        await using var scp = new LoopbackScp();
        using var cwd = new TempDirectory();
        var r = await PeerProcess.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "dosewatch.dll"), "echo", "127.0.0.1", scp.Port.ToString()], TimeSpan.FromSeconds(60), cwd.Path);
        Assert.True(r.ExitCode == 0, r.All);
        Assert.Equal("DOSEWATCH", Assert.Single(await scp.WaitForRecordsAsync(1)).CalledAeTitle);
    }

    [Fact]
    public async Task EchoCallsTheAeTitleConfiguredInAppsettings()
    {
        await using var scp = new LoopbackScp(new DoseWatch.Dicom.Network.Acse.AcceptorPolicy { AeTitle = "SITE_DOSE" });
        using var cwd = new TempDirectory();
        File.WriteAllText(cwd.File("appsettings.json"), """
            {
              // as in the product's file: comments allowed
              "Dicom": { "Port": 104, "AeTitle": "SITE_DOSE" }
            }
            """);
        var r = await PeerProcess.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "dosewatch.dll"), "echo", "127.0.0.1", scp.Port.ToString()], TimeSpan.FromSeconds(60), cwd.Path);
        Assert.True(r.ExitCode == 0, r.All);
        Assert.Equal("SITE_DOSE", Assert.Single(await scp.WaitForRecordsAsync(1)).CalledAeTitle);
    }

    [Fact]
    public async Task ARejectedEchoIsExplainedInWords()
    {
        await using var scp = new LoopbackScp();
        var r = await DoseWatchAsync("echo", "127.0.0.1", scp.Port.ToString(), "--aec", "ANY-SCP");
        Assert.Equal(1, r.ExitCode);
        // PS3.8 Table 9-21: result 1 (permanent), source 1 (service user), reason 7 (called AE title not recognized).
        Assert.Contains("the peer is not called 'ANY-SCP'", r.StdErr);
        Assert.Contains("use the AE title the peer is configured with", r.StdErr);
        Assert.Contains("result 1, source 1, reason 7", r.StdErr);
    }

    [Fact]
    public async Task EchoToAClosedPortFailsWithExitCode1()
    {
        var r = await DoseWatchAsync("echo", "127.0.0.1", PeerProcess.FreePort().ToString());
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("echo failed", r.StdErr);
    }
}
