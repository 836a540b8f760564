using System.Net;
using System.Text.Json;
using DoseWatch.Cli.Commands;
using DoseWatch.Cli.Tests.Support;
using DoseWatch.Dicom.Tests.IO;

namespace DoseWatch.Cli.Tests.Accounts;

/// <summary>
/// <c>dosewatch users</c> and <c>dosewatch apikey</c> on a real SQLite file, read back by Debian's Python (sqlite3,
/// hashlib): the key is stored only as its SHA-256, the password only as an Identity v3 PBKDF2 hash that Python verifies.
/// Then against the running app: a key made by the CLI opens the API until the CLI revokes it.
/// </summary>
public sealed class AccountCommandFacts(RunningDoseWatch app) : IClassFixture<RunningDoseWatch>
{
    private static (int Exit, string Out, string Err) Run(Func<TextWriter, TextWriter, Task<int>> command)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = command(output, error).GetAwaiter().GetResult();
        return (exit, output.ToString(), error.ToString());
    }

    private static JsonElement Sql(string database, string query)
    {
        var python = ExternalTool.Run(ExternalTool.DebianPython, ["-c", """
            import json, sqlite3, sys
            c = sqlite3.connect(sys.argv[1])
            c.row_factory = sqlite3.Row
            print(json.dumps([dict(r) for r in c.execute(sys.argv[2])]))
            """, database, query]);
        Assert.True(python.ExitCode == 0, python.StdErr);
        return JsonDocument.Parse(python.StdOut).RootElement;
    }

    [Fact]
    public void Apikey_create_prints_the_key_once_stores_its_sha256_and_revoke_ends_it()
    {
        using var data = new TempDirectory();
        var db = Path.Combine(data.Path, "dosewatch.db");

        var created = Run((o, e) => AccountCommands.ApiKeyAsync(["create", "nightly-export", "--role", "physicist", "--data", data.Path], o, e));
        Assert.True(created.Exit == 0, created.Err);
        var key = created.Out.Trim();
        var row = Sql(db, "SELECT name, prefix, key_hash, role, revoked_at FROM api_keys")[0];
        var sha = ExternalTool.Run(ExternalTool.DebianPython, ["-c", "import hashlib,sys; print(hashlib.sha256(sys.argv[1].encode()).hexdigest())", key]).StdOut.Trim();

        Assert.Equal(("nightly-export", "Physicist", sha), (row.GetProperty("name").GetString(), row.GetProperty("role").GetString(), row.GetProperty("key_hash").GetString()));
        Assert.StartsWith(row.GetProperty("prefix").GetString()!, key);
        Assert.DoesNotContain(key, File.ReadAllText(db, System.Text.Encoding.Latin1));
        Assert.Equal(1, Run((o, e) => AccountCommands.ApiKeyAsync(["create", "nightly-export", "--role", "Viewer", "--data", data.Path], o, e)).Exit);
        Assert.Equal(2, Run((o, e) => AccountCommands.ApiKeyAsync(["create", "x", "--role", "Janitor", "--data", data.Path], o, e)).Exit);

        Assert.Equal(0, Run((o, e) => AccountCommands.ApiKeyAsync(["revoke", "nightly-export", "--data", data.Path], o, e)).Exit);
        Assert.Equal(JsonValueKind.String, Sql(db, "SELECT revoked_at FROM api_keys")[0].GetProperty("revoked_at").ValueKind);
        Assert.Equal(1, Run((o, e) => AccountCommands.ApiKeyAsync(["revoke", "nightly-export", "--data", data.Path], o, e)).Exit);
        var audit = Sql(db, "SELECT action, target FROM audit_log ORDER BY id").EnumerateArray().Select(r => $"{r.GetProperty("action").GetString()} {r.GetProperty("target").GetString()}");
        Assert.Equal(["apikey.create nightly-export", "apikey.revoke nightly-export"], audit);
    }

    [Fact]
    public void Users_add_stores_an_identity_pbkdf2_hash_that_python_verifies_and_the_role()
    {
        using var data = new TempDirectory();
        var db = Path.Combine(data.Path, "dosewatch.db");
        const string password = "first administrator's password";

        var added = Run((o, e) => AccountCommands.UsersAsync(["add", "Ada", "--role", "Administrator", "--password-stdin", "--data", data.Path], new StringReader(password + "\n"), o, e));
        Assert.True(added.Exit == 0, added.Err);
        Assert.DoesNotContain(password, added.Out);
        var user = Sql(db, "SELECT u.user_name, u.password_hash, r.role FROM users u JOIN user_roles r ON r.user_id = u.id")[0];
        Assert.Equal(("Ada", "Administrator"), (user.GetProperty("user_name").GetString(), user.GetProperty("role").GetString()));

        // ASP.NET Core Identity v3 format: 0x01, PRF, iterations, salt length (big-endian uint32 each), salt, PBKDF2 subkey.
        var verify = ExternalTool.Run(ExternalTool.DebianPython, ["-c", """
            import base64, hashlib, struct, sys
            b = base64.b64decode(sys.argv[1])
            prf, iterations, salt_len = struct.unpack('>III', b[1:13])
            salt, subkey = b[13:13 + salt_len], b[13 + salt_len:]
            algo = {0: 'sha1', 1: 'sha256', 2: 'sha512'}[prf]
            for pw in sys.argv[2:]:
                print(b[0] == 1 and hashlib.pbkdf2_hmac(algo, pw.encode(), salt, iterations, len(subkey)) == subkey, iterations >= 100000)
            """, user.GetProperty("password_hash").GetString()!, password, password + "x"]);
        Assert.Equal(["True True", "False True"], verify.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(1, Run((o, e) => AccountCommands.UsersAsync(["add", "ADA", "--role", "Viewer", "--password-stdin", "--data", data.Path], new StringReader(password + "\n"), o, e)).Exit);
        var generated = Run((o, e) => AccountCommands.UsersAsync(["add", "Bo", "--role", "QA", "--totp", "--data", data.Path], new StringReader(""), o, e));
        Assert.Equal(0, generated.Exit);
        Assert.Matches(@"password: \S{16,}", generated.Out);
        Assert.Matches("totp: otpauth://totp/DoseWatch:Bo\\?secret=[A-Z2-7]{32}&", generated.Out);
    }

    [Fact]
    public async Task A_key_made_by_the_cli_opens_the_running_apps_api_until_the_cli_revokes_it()
    {
        var created = Run((o, e) => AccountCommands.ApiKeyAsync(["create", "monitoring", "--role", "Viewer", "--data", app.DataDirectory], o, e));
        Assert.True(created.Exit == 0, created.Err);
        using var client = app.CreateClient(created.Out.Trim());

        using (var studies = await client.GetAsync("/api/v1/studies")) Assert.Equal(HttpStatusCode.OK, studies.StatusCode);
        using (var instances = await client.GetAsync("/api/v1/instances")) Assert.Equal(HttpStatusCode.Forbidden, instances.StatusCode);
        var listed = Run((o, e) => AccountCommands.ApiKeyAsync(["list", "--data", app.DataDirectory], o, e)).Out;
        var line = listed.Split('\n').Single(l => l.StartsWith("monitoring\t", StringComparison.Ordinal));
        Assert.Contains("\tViewer\tactive\t", line);
        Assert.DoesNotContain("last used never", line); // the requests above were recorded

        Assert.Equal(0, Run((o, e) => AccountCommands.ApiKeyAsync(["revoke", "monitoring", "--data", app.DataDirectory], o, e)).Exit);
        using var after = await client.GetAsync("/api/v1/studies");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        using var anonymous = app.CreateClient(null);
        using (var none = await anonymous.GetAsync("/api/v1/studies")) Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
    }
}
