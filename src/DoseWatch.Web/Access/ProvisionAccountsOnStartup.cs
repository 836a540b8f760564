using DoseWatch.Core.Abstractions;
using DoseWatch.Core.Access;
using DoseWatch.Data.Accounts;
using Microsoft.Extensions.Options;

namespace DoseWatch.Web.Access;

/// <summary>
/// First administrator and API keys from configuration, after the migrations (registered after them). The administrator
/// is created only when no user of that name exists: changing the configured password later changes nothing.
/// </summary>
internal sealed class ProvisionAccountsOnStartup(IOptions<AuthOptions> options, AccountProvisioning provisioning, ApiKeyRepository apiKeys,
    IAuditTrail audit, ILogger<ProvisionAccountsOnStartup> log) : IHostedService
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
