using System.Diagnostics;
using System.Net.Sockets;
using DoseWatch.Core.Abstractions;
using DoseWatch.Data.Repositories;
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
            var database = await ReceiveOnKilledNodeAsync(dataDirectory.FullName, sample);

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

    /// <summary>
    /// Issue #22 item 8: a worker killed in the middle of an extraction leaves its row <c>extracting</c> with a fresh
    /// claim (and the Hangfire job it was running fetched). The node here is a real process killed with SIGKILL after
    /// it received the instance; its worker's claim is then taken on the shared database exactly as
    /// <see cref="DoseWatch.Data.Repositories.InstanceRepository.TryClaimAsync"/> takes it, because a real process cannot
    /// be stopped reliably inside an extraction that lasts milliseconds. The restarted app, with the default stale limit,
    /// must extract it within a minute (the sweep used to refresh the claim instead of handing it back, so no job could
    /// ever claim it again).
    /// </summary>
    [SamplesFact]
    public async Task An_instance_whose_worker_died_mid_extraction_is_extracted_within_a_minute_of_restart()
    {
        var sample = SharedSamples.Path_("openrem/CT-RDSR-Siemens-Multi-2.dcm");
        var sopInstanceUid = await Dcmtk.ReadUidAsync(sample, "0008,0018");
        var dataDirectory = Directory.CreateTempSubdirectory("dosewatch-crash-");
        try
        {
            var database = await ReceiveOnKilledNodeAsync(dataDirectory.FullName, sample);
            var options = new DoseWatch.Data.DatabaseOptions
            {
                Provider = database.TryGetValue("DoseWatch:Database:Provider", out var provider) && provider == "PostgreSql"
                    ? DoseWatch.Data.DatabaseProvider.PostgreSql : DoseWatch.Data.DatabaseProvider.Sqlite,
                ConnectionString = database.GetValueOrDefault("DoseWatch:Database:ConnectionString"),
            };
            var inbox = new DoseWatch.Data.Repositories.InstanceRepository(DoseWatch.Data.DbConnectionFactory.Create(options, dataDirectory.FullName));
            var row = (await inbox.ListAsync([], 0, 10)).Single(r => r.SopInstanceUid == sopInstanceUid);
            var diedAt = DateTimeOffset.UtcNow;
            Assert.True(await inbox.TryClaimAsync(row.Id, diedAt, diedAt - TimeSpan.FromSeconds(30)));

            var extraction = new ScriptedDoseExtraction();
            var restartedAt = DateTime.UtcNow;
            await using var restarted = await DoseWatchApp.StartAsync(new Dictionary<string, string?>(database)
            {
                ["DoseWatch:DataDirectory"] = dataDirectory.FullName,
                ["DoseWatch:Jobs:QueuePollInterval"] = "00:00:00.200",
            }, services => services.AddSingleton<IDoseExtraction>(extraction));
            var status = "";
            while (DateTime.UtcNow - restartedAt < TimeSpan.FromSeconds(60) && status != "extracted")
            {
                await Task.Delay(250);
                status = (await inbox.GetAsync(row.Id))!.Status.ToName();
            }

            Assert.Equal("extracted", status);
            Assert.Single(extraction.Calls(sopInstanceUid));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            dataDirectory.Delete(recursive: true);
        }
    }

    /// <summary>
    /// A node as a real process receives <paramref name="sample"/> with storescu and is killed (SIGKILL); returns the
    /// database settings, which outlive the process (the same database for the killed node and the restarted app).
    /// </summary>
    private static async Task<Dictionary<string, string?>> ReceiveOnKilledNodeAsync(string dataDirectory, string sample)
    {
        var dicomPort = DoseWatchApp.FreeTcpPort();
        var database = await SelectedDatabase.SettingsAsync();
        // WorkerCount=0: this node receives but runs no jobs, so the instance is certainly still waiting when it dies.
        using var node = StartAppProcess(dataDirectory, dicomPort, ["--DoseWatch:Jobs:WorkerCount=0", .. database.Select(s => $"--{s.Key}={s.Value}")]);
        await WaitForPortAsync(dicomPort, node);
        await Dcmtk.RunAsync("storescu", "-aec", "DOSEWATCH", "127.0.0.1", dicomPort.ToString(), sample);
        node.Kill(entireProcessTree: true);
        await node.WaitForExitAsync();
        return database;
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
