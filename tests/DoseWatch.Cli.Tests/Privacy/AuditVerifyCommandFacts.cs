using DoseWatch.Cli.Commands;
using DoseWatch.Core.Abstractions;
using DoseWatch.Data;
using DoseWatch.Data.Audit;
using DoseWatch.Data.Migrations;
using DoseWatch.Dicom.Tests.IO;

namespace DoseWatch.Cli.Tests.Privacy;

/// <summary><c>dosewatch audit verify</c> on a real SQLite data directory, tampered with by the sqlite3 shell.</summary>
public sealed class AuditVerifyCommandFacts : IAsyncLifetime
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("dosewatch-audit-cli-");
    private string DatabasePath => Path.Combine(_data.FullName, DbConnectionFactory.SqliteFileName);

    public async Task InitializeAsync()
    {
        var connections = new SqliteConnectionFactory(DatabasePath);
        await new MigrationRunner(connections, MigrationCatalog.Embedded(DatabaseProvider.Sqlite)).MigrateAsync();
        var log = new AuditLog(connections);
        for (var i = 1; i <= 5; i++) await log.AppendAsync(new AuditEvent("alice", "rule.update", $"rule {i}", $"threshold {i * 10}"));
    }

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Delete(recursive: true);
        return Task.CompletedTask;
    }

    private async Task<(int Exit, string Output)> VerifyAsync()
    {
        var output = new StringWriter();
        var exit = await AuditCommand.RunAsync(["verify", "--data", _data.FullName], output, new StringWriter());
        return (exit, output.ToString());
    }

    private void Sqlite3(string sql)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        ExternalTool.Run("sqlite3", [DatabasePath, sql]);
    }

    [Fact]
    public async Task An_intact_log_exits_zero()
    {
        var (exit, output) = await VerifyAsync();

        Assert.Equal(0, exit);
        Assert.Contains("OK, 5 rows", output);
    }

    [Fact]
    public async Task An_edited_detail_exits_non_zero_naming_that_row()
    {
        Sqlite3("UPDATE audit_log SET detail = 'threshold 999' WHERE id = 3;");

        var (exit, output) = await VerifyAsync();

        Assert.Equal(1, exit);
        Assert.Contains("BROKEN at row 3:", output);
    }

    [Fact]
    public async Task A_deleted_row_is_detected_too()
    {
        Sqlite3("DELETE FROM audit_log WHERE id = 2;");

        var (exit, output) = await VerifyAsync();

        Assert.Equal(1, exit);
        Assert.Contains("BROKEN at row 3:", output);
    }

    [Fact]
    public async Task A_missing_database_is_a_usage_error()
    {
        var exit = await AuditCommand.RunAsync(["verify", "--data", Path.Combine(_data.FullName, "nowhere")], new StringWriter(), new StringWriter());

        Assert.Equal(2, exit);
    }
}
