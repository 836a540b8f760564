using System.Security.Cryptography;
using DoseWatch.Core.Abstractions;
using DoseWatch.Core.Access;
using DoseWatch.Data;
using DoseWatch.Data.Accounts;
using DoseWatch.Data.Audit;
using DoseWatch.Data.Migrations;

namespace DoseWatch.Cli.Commands;

/// <summary>
/// <c>dosewatch users add</c> and <c>dosewatch apikey create|revoke|list</c>, on the app's database (<see cref="DatabaseTarget"/>),
/// for the first administrator and for scripts. Changes go to the audit trail with the actor <c>cli:OSUSER</c>.
/// Exit 0 on success, 1 when the change could not be made (name taken, no such key), 2 on usage errors.
/// </summary>
internal static class AccountCommands
{
    public const string UsersUsage = "users add NAME --role ROLE [--password-stdin] [--totp] " + DatabaseTarget.Usage + "   add a local user (without --password-stdin a password is generated and printed once)";
    public const string ApiKeyUsage = "apikey create NAME --role ROLE | apikey revoke NAME | apikey list  " + DatabaseTarget.Usage + "   API keys (a new key is printed once)";

    public static Task<int> UsersAsync(string[] args, TextReader input, TextWriter output, TextWriter error) =>
        RunAsync("users", UsersUsage, args, ["--password-stdin", "--totp"], error, async (verb, a, connections) => verb switch
        {
            "add" => await AddUserAsync(a, connections, input, output, error),
            _ => Usage("users", UsersUsage, error),
        });

    public static Task<int> ApiKeyAsync(string[] args, TextWriter output, TextWriter error) =>
        RunAsync("apikey", ApiKeyUsage, args, [], error, async (verb, a, connections) => verb switch
        {
            "create" => await CreateKeyAsync(a, connections, output, error),
            "revoke" => await RevokeKeyAsync(a, connections, output, error),
            "list" => await ListKeysAsync(connections, output),
            _ => Usage("apikey", ApiKeyUsage, error),
        });

    private static async Task<int> RunAsync(string command, string usage, string[] args, string[] flags, TextWriter error,
        Func<string, NetworkArguments, IDbConnectionFactory, Task<int>> run)
    {
        try
        {
            var a = new NetworkArguments(args, flags);
            if (a.Positional.Count == 0) return Usage(command, usage, error);
            var connections = await DatabaseTarget.OpenAsync(a);
            try { return await run(a.Positional[0], a, connections); }
            finally { Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools(); }
        }
        catch (ArgumentException e)
        {
            error.WriteLine($"{command}: {e.Message}\nusage: dosewatch {usage}");
            return 2;
        }
        catch (MigrationException e)
        {
            error.WriteLine($"{command}: the database cannot be used: {e.Message}");
            return 1;
        }
    }

    private static async Task<int> AddUserAsync(NetworkArguments a, IDbConnectionFactory connections, TextReader input, TextWriter output, TextWriter error)
    {
        var (name, role) = (Single(a, "users add NAME"), KnownRole(a));
        string password;
        if (a.Has("--password-stdin"))
            password = (await input.ReadLineAsync())?.TrimEnd('\r', '\n') ?? throw new ArgumentException("--password-stdin: no password on standard input");
        else
            password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(15));
        var provisioning = new AccountProvisioning(new UserRepository(connections), new ApiKeyRepository(connections), TimeProvider.System);
        if (await provisioning.AddUserAsync(name, password, [role]) != ProvisioningOutcome.Created)
        {
            error.WriteLine($"users: a user named {name} exists already");
            return 1;
        }
        await Audit(a, connections).AppendAsync(new AuditEvent(Actor, "user.create", name, $"role {role}"));
        output.WriteLine($"user {name} added ({role})");
        if (!a.Has("--password-stdin")) output.WriteLine($"password: {password}");
        if (a.Has("--totp"))
        {
            var users = new UserRepository(connections);
            var secret = Totp.NewSecret();
            await users.SetTotpSecretAsync((await users.FindAsync(name))!.Id, secret);
            await Audit(a, connections).AppendAsync(new AuditEvent(Actor, "user.totp-set", name));
            output.WriteLine($"totp: {Totp.ProvisioningUri("DoseWatch", name, secret)}");
        }
        return 0;
    }

    private static async Task<int> CreateKeyAsync(NetworkArguments a, IDbConnectionFactory connections, TextWriter output, TextWriter error)
    {
        var (name, role) = (Single(a, "apikey create NAME"), KnownRole(a));
        var key = ApiKeySecret.Generate();
        var provisioning = new AccountProvisioning(new UserRepository(connections), new ApiKeyRepository(connections), TimeProvider.System);
        if (await provisioning.AddApiKeyAsync(name, key, role, Actor) != ProvisioningOutcome.Created)
        {
            error.WriteLine($"apikey: an active key named {name} exists already (revoke it first)");
            return 1;
        }
        await Audit(a, connections).AppendAsync(new AuditEvent(Actor, "apikey.create", name, $"role {role}, prefix {key.Prefix}"));
        // The key alone on stdout, so that scripts can capture it; it is not shown again.
        output.WriteLine(key.Key);
        error.WriteLine($"apikey {name} created ({role}); store the key now: only its hash is kept");
        return 0;
    }

    private static async Task<int> RevokeKeyAsync(NetworkArguments a, IDbConnectionFactory connections, TextWriter output, TextWriter error)
    {
        var name = Single(a, "apikey revoke NAME");
        if (!await new ApiKeyRepository(connections).RevokeAsync(name, Actor, DateTimeOffset.UtcNow))
        {
            error.WriteLine($"apikey: no active key named {name}");
            return 1;
        }
        await Audit(a, connections).AppendAsync(new AuditEvent(Actor, "apikey.revoke", name));
        output.WriteLine($"apikey {name} revoked");
        return 0;
    }

    private static async Task<int> ListKeysAsync(IDbConnectionFactory connections, TextWriter output)
    {
        foreach (var k in await new ApiKeyRepository(connections).ListAsync())
            output.WriteLine($"{k.Name}\t{k.Prefix}…\t{k.Role}\t{(k.IsActive ? "active" : "revoked")}\tlast used {k.LastUsedAt?.ToString("u") ?? "never"}");
        return 0;
    }

    private static string Actor => $"cli:{Environment.UserName}";

    /// <summary>The app's audit log with its key (configuration or audit.key beside the data, as the app resolves it).</summary>
    private static AuditLog Audit(NetworkArguments a, IDbConnectionFactory connections) => new(connections, DatabaseTarget.AuditKey(a));

    private static string Single(NetworkArguments a, string usage) =>
        a.Positional.Count == 2 && !string.IsNullOrWhiteSpace(a.Positional[1]) ? a.Positional[1] : throw new ArgumentException($"usage: {usage}");

    private static string KnownRole(NetworkArguments a)
    {
        var role = a.Get("--role", "");
        return Roles.All.FirstOrDefault(r => string.Equals(r, role, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"--role must be one of {string.Join(", ", Roles.All)}");
    }

    private static int Usage(string command, string usage, TextWriter error)
    {
        error.WriteLine($"usage: dosewatch {usage}");
        return 2;
    }
}
