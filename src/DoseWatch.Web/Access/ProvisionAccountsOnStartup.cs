using DoseWatch.Core.Abstractions;
using DoseWatch.Core.Access;
using DoseWatch.Data.Accounts;
using DoseWatch.Web.Hosting;
using Microsoft.Extensions.Options;

namespace DoseWatch.Web.Access;

/// <summary>
/// First administrator and API keys from configuration, after the migrations (registered after them). The administrator
/// is created only when no user of that name exists: changing the configured password later changes nothing.
/// A fresh installation with nothing configured (no user, no key) gets an administrator <c>admin</c> with a generated
/// password written to <see cref="FirstAdministratorFileName"/> in the data directory (owner-only), so that the one
/// run command gives a product someone can sign in to; the password never goes to the log.
/// </summary>
public sealed class ProvisionAccountsOnStartup(IOptions<AuthOptions> options, AccountProvisioning provisioning, UserRepository users,
    ApiKeyRepository apiKeys, DataDirectory dataDirectory, IAuditTrail audit, ILogger<ProvisionAccountsOnStartup> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var admin = options.Value.InitialAdministrator;
        if (!string.IsNullOrWhiteSpace(admin.UserName) && !string.IsNullOrEmpty(admin.Password)
            && await provisioning.AddUserAsync(admin.UserName, admin.Password, [Roles.Administrator], cancellationToken) == ProvisioningOutcome.Created)
        {
            log.LogInformation("Created the initial administrator {UserName} from configuration", admin.UserName);
            await audit.AppendAsync(new AuditEvent("system", "user.create", admin.UserName, "initial administrator from configuration"), cancellationToken);
        }

        foreach (var configured in options.Value.ProvisionedApiKeys.Where(k => !string.IsNullOrWhiteSpace(k.Name) && !string.IsNullOrWhiteSpace(k.Key)))
            await ProvisionAsync(configured.Name!.Trim(), ApiKeySecret.FromExisting(configured.Key!), configured.Role!, cancellationToken);

        if ((await users.ListAsync(cancellationToken)).Count == 0 && (await apiKeys.ListAsync(cancellationToken)).Count == 0)
            await CreateFirstAdministratorAsync(cancellationToken);
    }

    public const string FirstAdministratorFileName = "initial-administrator.txt";
    public const string FirstAdministratorUserName = "admin";

    private async Task CreateFirstAdministratorAsync(CancellationToken cancellationToken)
    {
        var password = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');
        // Nodes starting together on one fresh database: only the node whose insert wins writes its password.
        if (await provisioning.AddUserAsync(FirstAdministratorUserName, password, [Roles.Administrator], cancellationToken) != ProvisioningOutcome.Created) return;
        var path = Path.Combine(dataDirectory.Path, FirstAdministratorFileName);
        var file = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) file.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using (var writer = new StreamWriter(path, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), file))
            await writer.WriteAsync($"user: {FirstAdministratorUserName}\npassword: {password}\n");
        await audit.AppendAsync(new AuditEvent("system", "user.create", FirstAdministratorUserName, "first administrator of a fresh installation"), cancellationToken);
        log.LogWarning("No user or API key yet: created the administrator '{UserName}'; its password is in {Path}. Sign in at /signin, "
            + "create named accounts on the Users page, then delete that file.", FirstAdministratorUserName, path);
    }

    private async Task ProvisionAsync(string name, ApiKeySecret key, string role, CancellationToken cancellationToken)
    {
        var existing = (await apiKeys.ListAsync(cancellationToken)).FirstOrDefault(k => k.IsActive && k.Name == name);
        if (existing is not null && existing.Role == role && await apiKeys.FindActiveByHashAsync(key.Hash, cancellationToken) is { } same && same.Id == existing.Id) return;
        // A changed key or role in configuration replaces the key of that name.
        if (existing is not null) await apiKeys.RevokeAsync(name, "configuration", DateTimeOffset.UtcNow, cancellationToken);
        if (await provisioning.AddApiKeyAsync(name, key, role, "configuration", cancellationToken) != ProvisioningOutcome.Created)
        {
            // Nodes starting together on one database: another node stored this very key a moment ago.
            if (await apiKeys.FindActiveByHashAsync(key.Hash, cancellationToken) is { } stored && stored.Name == name) return;
            throw new InvalidOperationException($"DoseWatch:Auth:ProvisionedApiKeys: the key for '{name}' is already stored under another name.");
        }
        log.LogInformation("Provisioned API key {Name} ({Prefix}…, role {Role}) from configuration", name, key.Prefix, role);
        await audit.AppendAsync(new AuditEvent("system", "apikey.create", name, $"role {role}, from configuration"), cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
