using System.Diagnostics;
using System.Net.Sockets;
using DoseWatch.Core.Abstractions;
using DoseWatch.Data.Repositories;
using DoseWatch.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace DoseWatch.Web.Tests.Jobs;

/// <summary>
/// The app as a real process is killed (SIGKILL) after it answered a C-STORE and before anything extracted the
/// instance; the app started again on the same data directory extracts it exactly once. Success is answered once the
/// file is durable; the inbox row and the job follow in a batch (issue #18), so a kill may land before the row (the
/// start-up scan registers the file), between the row and its job (the sweep enqueues it within StaleAfter + 15 s) or
/// after both.
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
            // Killed between the row and its job, the instance waits for the sweep: 30 s stale limit + a 15 s schedule.
            var row = await InboxSeam.WaitForStatusAsync(restarted, sopInstanceUid, "extracted", TimeSpan.FromSeconds(60));
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
            InstanceRepository? inbox = null;
            var database = await ReceiveOnKilledNodeAsync(dataDirectory.FullName, sample, beforeKill: async settings =>
            {
                // The row follows Success in a batch: this case is the worker dying after it, so the kill waits for it.
                inbox = InboxOf(settings, dataDirectory.FullName);
                await WaitForRowAsync(inbox, sopInstanceUid);
            });
            var row = (await inbox!.ListAsync([], 0, 10)).Single(r => r.SopInstanceUid == sopInstanceUid);
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
    /// Issue #18: Success is answered before the inbox row exists. A node whose intake holds its batch for ten minutes
    /// answers Success for two instances (a report and a CT image), has no row for either, and is killed (SIGKILL); the
    /// app started again finds both files without a row before it listens, registers them with the header read from the
    /// files (checked against dcmdump's reading) and extracts each exactly once.
    /// </summary>
    [SamplesFact]
    public async Task Instances_answered_success_but_killed_before_their_rows_are_registered_and_extracted_once_after_restart()
    {
        var report = SharedSamples.Path_("openrem/CT-RDSR-Siemens-Multi-2.dcm");
        var image = SharedSamples.Path_("openrem/CT-SC-Philips_Brilliance16P.dcm");
        string[] samples = [report, image];
        var uids = new List<string>();
        foreach (var sample in samples) uids.Add(await Dcmtk.ReadUidAsync(sample, "0008,0018"));
        var dataDirectory = Directory.CreateTempSubdirectory("dosewatch-crash-");
        try
        {
            var database = await ReceiveOnKilledNodeAsync(dataDirectory.FullName, samples, ["--DoseWatch:Inbox:IntakeBatchWindow=00:10:00"],
                beforeKill: async settings =>
                {
                    // The kill lands between Success and the row: each file is in the inbox, no row names it.
                    var known = await InboxOf(settings, dataDirectory.FullName).KnownSopInstanceUidsAsync(uids);
                    Assert.Empty(known);
                    foreach (var uid in uids) Assert.True(File.Exists(Path.Combine(dataDirectory.FullName, "inbox", uid + ".dcm")), uid);
                });

            var extraction = new ScriptedDoseExtraction();
            await using var restarted = await DoseWatchApp.StartAsync(new Dictionary<string, string?>(database)
            {
                ["DoseWatch:DataDirectory"] = dataDirectory.FullName,
                ["DoseWatch:Jobs:QueuePollInterval"] = "00:00:00.200",
            }, services => services.AddSingleton<IDoseExtraction>(extraction));
            foreach (var (sample, uid) in samples.Zip(uids))
            {
                var row = await InboxSeam.WaitForStatusAsync(restarted, uid, "extracted");
                Assert.Equal(await Dcmtk.ReadUidAsync(sample, "0020,000d"), row.StudyInstanceUid);
                Assert.Equal(await Dcmtk.ReadUidAsync(sample, "0008,0016"), row.SopClassUid);
                Assert.Equal("STORESCU", row.CallingAeTitle);
            }
            await Task.Delay(500); // room for a wrongly duplicated job to show itself

            foreach (var uid in uids) Assert.Single(extraction.Calls(uid));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            dataDirectory.Delete(recursive: true);
        }
    }

    private static InstanceRepository InboxOf(IReadOnlyDictionary<string, string?> database, string dataDirectory)
    {
        var options = new DoseWatch.Data.DatabaseOptions
        {
            Provider = database.TryGetValue("DoseWatch:Database:Provider", out var provider) && provider == "PostgreSql"
                ? DoseWatch.Data.DatabaseProvider.PostgreSql : DoseWatch.Data.DatabaseProvider.Sqlite,
            ConnectionString = database.GetValueOrDefault("DoseWatch:Database:ConnectionString"),
        };
        return new InstanceRepository(DoseWatch.Data.DbConnectionFactory.Create(options, dataDirectory));
    }

    private static async Task WaitForRowAsync(InstanceRepository inbox, string sopInstanceUid)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await inbox.KnownSopInstanceUidsAsync([sopInstanceUid])).Count == 0)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{sopInstanceUid} got no inbox row within 20 s");
            await Task.Delay(50);
        }
    }

    private static Task<Dictionary<string, string?>> ReceiveOnKilledNodeAsync(string dataDirectory, string sample,
        Func<IReadOnlyDictionary<string, string?>, Task>? beforeKill = null) =>
        ReceiveOnKilledNodeAsync(dataDirectory, [sample], [], beforeKill);

    /// <summary>
    /// A node as a real process receives <paramref name="samples"/> with storescu (Success for each, or storescu fails)
    /// and is killed (SIGKILL), after <paramref name="beforeKill"/> has looked at the database; returns the database
    /// settings, which outlive the process (the same database for the killed node and the restarted app).
    /// </summary>
    private static async Task<Dictionary<string, string?>> ReceiveOnKilledNodeAsync(string dataDirectory, IReadOnlyList<string> samples,
        IReadOnlyList<string> extraArguments, Func<IReadOnlyDictionary<string, string?>, Task>? beforeKill)
    {
        var dicomPort = DoseWatchApp.FreeTcpPort();
        var database = await SelectedDatabase.SettingsAsync();
        // WorkerCount=0: this node receives but runs no jobs, so the instance is certainly still waiting when it dies.
        using var node = StartAppProcess(dataDirectory, dicomPort, ["--DoseWatch:Jobs:WorkerCount=0", .. extraArguments, .. database.Select(s => $"--{s.Key}={s.Value}")]);
        await WaitForPortAsync(dicomPort, node);
        await Dcmtk.RunAsync("storescu", ["-aec", "DOSEWATCH", "127.0.0.1", dicomPort.ToString(), .. samples]);
        try
        {
            if (beforeKill is not null) await beforeKill(database);
        }
        finally
        {
            node.Kill(entireProcessTree: true);
        }
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
