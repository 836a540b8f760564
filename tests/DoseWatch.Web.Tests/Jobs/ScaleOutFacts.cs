using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using DoseWatch.Core.Abstractions;
using DoseWatch.Data;
using DoseWatch.Tests;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DoseWatch.Web.Tests.Jobs;

/// <summary>
/// Several app nodes on one PostgreSQL database (DoseWatch tables and Hangfire's queue) and one shared data folder
/// (the inbox every node writes to and reads from, see docs/deploy.md).
/// </summary>
public sealed partial class ScaleOutFacts(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    private async Task<Dictionary<string, string?>> NodeSettingsAsync(DirectoryInfo shared, string prefix) => new()
    {
        ["DoseWatch:Database:Provider"] = "PostgreSql",
        ["DoseWatch:Database:ConnectionString"] = await postgres.Server.CreateDatabaseAsync(prefix),
        ["DoseWatch:DataDirectory"] = shared.FullName,
        ["DoseWatch:Jobs:QueuePollInterval"] = "00:00:00.200",
    };

    [Fact]
    public async Task Two_nodes_share_one_queue_and_extract_each_instance_once()
    {
        var shared = Directory.CreateTempSubdirectory("dosewatch-shared-");
        var extraction = new ScriptedDoseExtraction();
        var settings = await NodeSettingsAsync(shared, "scaleout");
        settings["DoseWatch:Jobs:WorkerCount"] = "3";
        try
        {
            await using var nodeA = await DoseWatchApp.StartAsync(settings, s => s.AddSingleton<IDoseExtraction>(extraction));
            await using var nodeB = await DoseWatchApp.StartAsync(settings, s => s.AddSingleton<IDoseExtraction>(extraction));
            var uids = Enumerable.Range(0, 30).Select(_ => InboxFacts.NewUid()).ToList();

            await Task.WhenAll(uids.Select((uid, i) => InboxSeam.StoreAsync(i % 2 == 0 ? nodeA : nodeB, "DOSEWATCH", uid)));
            foreach (var uid in uids) await InboxSeam.WaitForStatusAsync(nodeA, uid, "extracted");
            await Task.Delay(500); // room for a duplicated job to show itself

            Assert.All(uids, uid => Assert.Single(extraction.Calls(uid)));
            // Both job servers announce themselves in the one shared store.
            var health = await nodeB.WaitUntilHealthyAsync();
            Assert.Equal(2, health.GetProperty("jobServer").GetProperty("aliveServers").GetInt32());
        }
        finally
        {
            shared.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Nodes_started_together_on_a_fresh_database_apply_each_migration_once()
    {
        var shared = Directory.CreateTempSubdirectory("dosewatch-shared-");
        var settings = await NodeSettingsAsync(shared, "together");
        var onDisk = Directory.GetFiles(Path.Combine(SharedSamples.RepositoryRoot, "migrations"), "*.sql")
            .Where(p => !p.EndsWith(".sqlite.sql", StringComparison.Ordinal))
            .Select(p => long.Parse(Path.GetFileName(p)[..4])).Distinct().Order().ToList();
        var nodes = new List<DoseWatchApp>();
        try
        {
            var starts = Enumerable.Range(0, 3).Select(_ => Task.Run(() => DoseWatchApp.StartAsync(settings))).ToList();
            try
            {
                await Task.WhenAll(starts);
            }
            finally
            {
                nodes.AddRange(starts.Where(s => s.IsCompletedSuccessfully).Select(s => s.Result));
            }

            await using var connection = new NpgsqlConnection(settings["DoseWatch:Database:ConnectionString"]);
            var journal = (await connection.QueryAsync<long>("SELECT version FROM schema_migrations ORDER BY version")).ToList();
            Assert.Equal(onDisk, journal);
            foreach (var node in nodes)
            {
                var health = await node.WaitUntilHealthyAsync();
                Assert.Equal(onDisk.Max(), health.GetProperty("database").GetProperty("migratedVersion").GetInt64());
            }
            Assert.Equal(3, (await nodes[0].WaitUntilHealthyAsync()).GetProperty("jobServer").GetProperty("aliveServers").GetInt32());
        }
        finally
        {
            foreach (var node in nodes) await node.DisposeAsync();
            shared.Delete(recursive: true);
        }
    }

    [SamplesFact]
    public async Task An_rdsr_received_by_one_node_is_extracted_by_another()
    {
        var sample = SharedSamples.Path_("openrem/CT-RDSR-Siemens-Multi-1.dcm");
        var studyUid = await Dcmtk.ReadUidAsync(sample, "0020,000d");
        var sopInstanceUid = await Dcmtk.ReadUidAsync(sample, "0008,0018");
        var expectedEvents = IrradiationEventUid().Matches(await Dcmtk.RunAsync("dsrdump", "+Pc", sample)).Count;
        var shared = Directory.CreateTempSubdirectory("dosewatch-shared-");
        var settings = await NodeSettingsAsync(shared, "receiver");
        var receiverPort = DoseWatchApp.FreeTcpPort();
        try
        {
            // Node A only receives (no job server); node B only extracts (its Store SCP gets nothing in this test).
            // B first: a node without a job server is healthy only once another node's server is alive.
            await using var extractor = await DoseWatchApp.StartAsync(new Dictionary<string, string?>(settings) { ["DoseWatch:Jobs:WorkerCount"] = "2" });
            await using var receiver = await DoseWatchApp.StartAsync(new Dictionary<string, string?>(settings)
            {
                ["Dicom:Port"] = receiverPort.ToString(),
                ["DoseWatch:Jobs:WorkerCount"] = "0",
            });

            await Dcmtk.RunAsync("storescu", "-aec", "DOSEWATCH", "127.0.0.1", receiverPort.ToString(), sample);
            await InboxSeam.WaitForStatusAsync(extractor, sopInstanceUid, "extracted");

            using var client = receiver.CreateHttpClient();
            using var response = await client.GetAsync($"/api/v1/studies/{studyUid}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var study = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(expectedEvents, study.GetProperty("events").GetArrayLength());
            var health = await extractor.WaitUntilHealthyAsync();
            Assert.Equal(1, health.GetProperty("jobServer").GetProperty("aliveServers").GetInt32());
            Assert.Single(Directory.GetFiles(Path.Combine(shared.FullName, "inbox"), "*.dcm"));
        }
        finally
        {
            shared.Delete(recursive: true);
        }
    }

    [GeneratedRegex(@"UIDREF:\(113769,DCM,")]
    private static partial Regex IrradiationEventUid();
}
