using DoseWatch.Cli.Commands;
using DoseWatch.Cli.Tests.Support;
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

    private byte[] AuditKey => Core.Privacy.KeyFile.LoadOrCreate(Path.Combine(_data.FullName, Core.Audit.AuditChain.KeyFileName));

    public async Task InitializeAsync()
    {
        var connections = new SqliteConnectionFactory(DatabasePath);
        await new MigrationRunner(connections, MigrationCatalog.Embedded(DatabaseProvider.Sqlite)).MigrateAsync();
        var log = new AuditLog(connections, AuditKey); // the key the CLI finds beside the data
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
        ExternalTool.Run("sqlite3", [.. SqliteShell.WaitForLocks, DatabasePath, sql]);
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
    public async Task An_edit_with_every_later_hash_recomputed_by_python_without_the_key_exits_non_zero()
    {
        // The attacker rebuilds rows 3..5 with Python's hashlib over the documented encoding (unkeyed): the chain links
        // up again, but the keyed hashes cannot be rebuilt without audit.key.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        DoseWatch.Tests.IndependentPython.Run(new { db = DatabasePath }, "-c", """
            import sys, json, sqlite3, hashlib
            db = sqlite3.connect(json.load(sys.stdin)['db'])
            def enc(v): return '~;' if v is None else f"{len(v.encode())}:{v};"
            prev = db.execute('SELECT hash FROM audit_log WHERE id = 2').fetchone()[0]
            for (i, at, actor, action, target, detail) in db.execute('SELECT id, at, actor, action, target, detail FROM audit_log WHERE id >= 3 ORDER BY id').fetchall():
                detail = 'threshold 999' if i == 3 else detail
                h = hashlib.sha256(('dosewatch-audit-v1' + enc(str(i)) + enc(at) + enc(actor) + enc(action) + enc(target) + enc(detail) + enc(prev)).encode()).hexdigest()
                db.execute('UPDATE audit_log SET detail = ?, prev_hash = ?, hash = ? WHERE id = ?', (detail, prev, h, i))
                prev = h
            db.commit()
            print(json.dumps({'ok': True}))
            """);

        var (exit, output) = await VerifyAsync();

        Assert.Equal(1, exit);
        Assert.Contains("BROKEN at row 3:", output);
    }

    [Fact]
    public async Task An_exported_head_reveals_rows_removed_from_the_end()
    {
        var headFile = Path.Combine(_data.FullName, "head.json");
        Assert.Equal(0, await AuditCommand.RunAsync(["head", "--out", headFile, "--data", _data.FullName], new StringWriter(), new StringWriter()));
        Assert.Contains("\"signature\"", await File.ReadAllTextAsync(headFile));
        Sqlite3("DELETE FROM audit_log WHERE id >= 4;");

        var (plainExit, _) = await VerifyAsync();
        var output = new StringWriter();
        var exit = await AuditCommand.RunAsync(["verify", "--head", headFile, "--data", _data.FullName], output, new StringWriter());

        Assert.Equal(0, plainExit); // rows 1..3 alone still form a valid chain
        Assert.Equal(1, exit);
        Assert.Contains("rows at the end were removed", output.ToString());
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
