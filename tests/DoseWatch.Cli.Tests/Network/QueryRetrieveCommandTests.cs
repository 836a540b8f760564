using DoseWatch.Data;
using DoseWatch.Data.Migrations;
using DoseWatch.Tests;
using DoseWatch.Tests.Network;

namespace DoseWatch.Cli.Tests.Network;

/// <summary><c>dosewatch qr find|move|backfill</c> as a child process against DCMTK dcmqrscp, moving to our Store SCP.</summary>
public class QueryRetrieveCommandTests
{
    private static Task<PeerProcess.Result> DoseWatchAsync(string workingDirectory, params string[] args) =>
        PeerProcess.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "dosewatch.dll"), .. args], TimeSpan.FromSeconds(90), workingDirectory);

    [SamplesFact]
    public async Task FindMoveAndBackfillFromDcmqrscp()
    {
        using var temp = new TempDirectory();
        var march = await SeededStudies.MakeAsync(temp, new DateOnly(2024, 3, 5), "CLI001", SharedSamples.Path_("openrem/CT-RDSR-Siemens-Multi-1.dcm"));
        var may = await SeededStudies.MakeAsync(temp, new DateOnly(2024, 5, 9), "CLI002", SharedSamples.Path_("openrem/MG-RDSR-Hologic_2D.dcm"));
        await using var scp = new LoopbackScp();
        await using var qr = await DcmqrscpProcess.StartAsync([.. march.Files, .. may.Files], new Dictionary<string, int> { ["DOSEWATCH"] = scp.Port });
        var port = qr.Port.ToString();
        var cwd = temp.Path;  // no appsettings.json: the CLI calls as DOSEWATCH

        var find = await DoseWatchAsync(cwd, "qr", "find", "127.0.0.1", port, "--aec", DcmqrscpProcess.AeTitle, "--from", "2024-03-01", "--to", "2024-03-31");
        Assert.True(find.ExitCode == 0, find.All);
        Assert.Contains($"2024-03-05 CLI001 - {march.StudyInstanceUid}", find.StdOut);
        Assert.DoesNotContain(may.StudyInstanceUid, find.StdOut);
        Assert.Contains("1 matches, C-FIND ended successfully", find.StdOut);

        var move = await DoseWatchAsync(cwd, "qr", "move", "127.0.0.1", port, "--aec", DcmqrscpProcess.AeTitle, "--study", may.StudyInstanceUid);
        Assert.True(move.ExitCode == 0, move.All);
        Assert.Contains("C-MOVE to DOSEWATCH ended successfully: 1 completed, 0 failed", move.StdOut);
        var moved = Path.Combine(scp.Directory, await DicomContent.SopInstanceUidAsync(may.Files[0]) + ".dcm");
        Assert.Equal(await DicomContent.DumpAsync(may.Files[0]), await DicomContent.DumpAsync(moved));

        var data = Directory.CreateDirectory(temp.File("data")).FullName;
        var connections = new SqliteConnectionFactory(Path.Combine(data, DbConnectionFactory.SqliteFileName));
        await new MigrationRunner(connections, MigrationCatalog.Embedded(DatabaseProvider.Sqlite)).MigrateAsync();
        var backfill = await DoseWatchAsync(cwd, "qr", "backfill", "127.0.0.1", port, "--aec", DcmqrscpProcess.AeTitle,
            "--from", "2024-03-01", "--to", "2024-03-31", "--per-second", "0", "--data", data);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Assert.True(backfill.ExitCode == 0, backfill.All);
        Assert.Contains($"2024-03-05 CLI001 {march.StudyInstanceUid}: Retrieved, 1 of 1 retrieved", backfill.StdOut);
        Assert.Contains("completed: 1 of 1 studies done, 1 instances retrieved, 0 failed", backfill.StdOut);
        Assert.True(File.Exists(Path.Combine(scp.Directory, await DicomContent.SopInstanceUidAsync(march.Files[0]) + ".dcm")));

        var refused = await DoseWatchAsync(cwd, "qr", "move", "127.0.0.1", port, "--aec", DcmqrscpProcess.AeTitle, "--study", may.StudyInstanceUid, "--dest", "NOSUCHAE");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("does not know the move destination AE title", refused.StdOut);
    }
}
