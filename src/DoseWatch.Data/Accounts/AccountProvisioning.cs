using DoseWatch.Core.Access;

namespace DoseWatch.Data.Accounts;

public enum ProvisioningOutcome { Created, AlreadyExists, UnknownRole }

/// <summary>Creating users and API keys, shared by the CLI, the start-up provisioning from configuration and the admin page.</summary>
public sealed class AccountProvisioning(UserRepository users, ApiKeyRepository apiKeys, TimeProvider clock)
{
    /// <param name="passwordChangeRequired">The password is chosen for the user (the admin page): the user replaces it at
    /// the first sign-in. The CLI and configuration provision the operator's own accounts and leave it off.</param>
    public async Task<ProvisioningOutcome> AddUserAsync(string userName, string? password, IReadOnlyCollection<string> roles,
        CancellationToken cancellationToken = default, bool passwordChangeRequired = false)
    {
        if (string.IsNullOrWhiteSpace(userName)) throw new ArgumentException("A user name is required.", nameof(userName));
        if (roles.Any(r => !Roles.IsKnown(r))) return ProvisioningOutcome.UnknownRole;
        var hash = password is null ? null : LocalPasswords.Hash(userName, password);
        return await users.CreateAsync(userName, hash, roles, clock.GetUtcNow(), cancellationToken, passwordChangeRequired)
            ? ProvisioningOutcome.Created : ProvisioningOutcome.AlreadyExists;
    }

    /// <summary>Stores <paramref name="key"/> under <paramref name="name"/>; the caller shows <see cref="ApiKeySecret.Key"/> once.</summary>
    public async Task<ProvisioningOutcome> AddApiKeyAsync(string name, ApiKeySecret key, string role, string createdBy,
        CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("An API key needs a name.", nameof(name));
        if (!Roles.IsKnown(role)) return ProvisioningOutcome.UnknownRole;
        return await apiKeys.CreateAsync(name.Trim(), key, role, createdBy, clock.GetUtcNow(), cancellationToken)
            ? ProvisioningOutcome.Created : ProvisioningOutcome.AlreadyExists;
    }
}
