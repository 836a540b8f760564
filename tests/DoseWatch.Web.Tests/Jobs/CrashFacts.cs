using System.Diagnostics;
using System.Net.Sockets;
using DoseWatch.Core.Abstractions;
using DoseWatch.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace DoseWatch.Web.Tests.Jobs;

/// <summary>
/// The app as a real process is killed (SIGKILL) after it answered a C-STORE and before anything extracted the
/// instance; the app started again on the same data directory extracts it exactly once.
/// </summary>
public sealed class CrashFacts
{
    [SamplesFact]
    public async Task An_instance_received_before_a_kill_is_extracted_once_after_restart()
    {
        var sample = SharedSamples.Path_("openrem/CT-RDSR-Siemens-Multi-2.dcm");
        var sopInstanceUid = await Dcmtk.ReadUidAsync(sample, "0008,0018");
        var dataDirectory = Directory.CreateTempSubdirectory("dosewatch-crash-");
        try
        {
            var dicomPort = DoseWatchApp.FreeTcpPort();
            // The database outlives the process: the same one for the killed node and the restarted app, on either engine.
            var database = await SelectedDatabase.SettingsAsync();
            // WorkerCount=0: this node receives but runs no jobs, so the instance is certainly still waiting when it dies.
            using (var node = StartAppProcess(dataDirectory.FullName, dicomPort,
                       ["--DoseWatch:Jobs:WorkerCount=0", .. database.Select(s => $"--{s.Key}={s.Value}")]))
            {
                await WaitForPortAsync(dicomPort, node);
                await Dcmtk.RunAsync("storescu", "-aec", "DOSEWATCH", "127.0.0.1", dicomPort.ToString(), sample);
                node.Kill(entireProcessTree: true);
                await node.WaitForExitAsync();
            }

            var extraction = new ScriptedDoseExtraction();
            await using var restarted = await DoseWatchApp.StartAsync(new Dictionary<string, string?>(database)
            {
                ["DoseWatch:DataDirectory"] = dataDirectory.FullName,
                ["DoseWatch:Jobs:QueuePollInterval"] = "00:00:00.200",
            }, services => services.AddSingleton<IDoseExtraction>(extraction));
            var row = await InboxSeam.WaitForStatusAsync(restarted, sopInstanceUid, "extracted");
            await Task.Delay(500); // room for a wrongly duplicated job to show itself

            Assert.Single(extraction.Calls(sopInstanceUid));
            Assert.Equal(row.Id, extraction.Calls(sopInstanceUid)[0].InstanceId);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            dataDirectory.Delete(recursive: true);
        }
    }

    /// <summary>The web app built beside the tests, as its own process (content root found from the checkout, like dotnet run).</summary>
    private static Process StartAppProcess(string dataDirectory, int dicomPort, IReadOnlyList<string> extra)
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])[Path.Combine(AppContext.BaseDirectory, "DoseWatch.Web.dll"), "--urls", "http://127.0.0.1:0",
                     $"--DoseWatch:DataDirectory={dataDirectory}", $"--Dicom:Port={dicomPort}", "--Dicom:BindAddress=127.0.0.1", .. extra])
            info.ArgumentList.Add(a);
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitForPortAsync(int port, Process node)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (node.HasExited) throw new InvalidOperationException($"The app exited with {node.ExitCode} before listening on {port}");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(200);
            }
        }
        throw new TimeoutException($"The app did not listen on DICOM port {port} within 60 s");
    }
}
