using DoseWatch.Core.Abstractions;
using DoseWatch.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace DoseWatch.Web.Tests.Jobs;

/// <summary>
/// Two app nodes on one PostgreSQL database (DoseWatch tables and Hangfire's queue) and one shared data folder, each
/// receiving instances: every instance is extracted exactly once, whichever node received it and whichever runs the job.
/// </summary>
public sealed class ScaleOutFacts(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    [Fact]
    public async Task Two_nodes_share_one_queue_and_extract_each_instance_once()
    {
        var shared = Directory.CreateTempSubdirectory("dosewatch-shared-");
        var extraction = new ScriptedDoseExtraction();
        var settings = new Dictionary<string, string?>
        {
            ["DoseWatch:Database:Provider"] = "PostgreSql",
            ["DoseWatch:Database:ConnectionString"] = await postgres.Server.CreateDatabaseAsync("scaleout"),
            ["DoseWatch:DataDirectory"] = shared.FullName,
            ["DoseWatch:Jobs:QueuePollInterval"] = "00:00:00.200",
            ["DoseWatch:Jobs:WorkerCount"] = "3",
        };
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
}
