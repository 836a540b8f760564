using DoseWatch.Core.Abstractions;
using DoseWatch.Core.Access;
using DoseWatch.Data.Accounts;

namespace DoseWatch.Web.Access;

/// <summary>The changes the Users &amp; API keys page makes, each audited with the administrator who made it.</summary>
public sealed class AccountAdministration(UserRepository users, ApiKeyRepository apiKeys, AccountProvisioning provisioning, IAuditTrail audit, TimeProvider clock)
{
    public Task<IReadOnlyList<UserAccount>> UsersAsync(CancellationToken cancellationToken = default) => users.ListAsync(cancellationToken);

    public Task<IReadOnlyList<ApiKeyRecord>> ApiKeysAsync(CancellationToken cancellationToken = default) => apiKeys.ListAsync(cancellationToken);

    public async Task<string?> AddUserAsync(string actor, string userName, string password, string role, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(userName)) return "A user name is required.";
        if (password.Length < LocalPasswords.MinimumLength) return $"A password needs at least {LocalPasswords.MinimumLength} characters.";
        switch (await provisioning.AddUserAsync(userName, password, [role], cancellationToken))
        {
            case ProvisioningOutcome.AlreadyExists: return $"A user named {userName.Trim()} exists already.";
            case ProvisioningOutcome.UnknownRole: return $"Unknown role {role}.";
        }
        await audit.AppendAsync(new AuditEvent(actor, "user.create", userName.Trim(), $"role {role}"), cancellationToken);
        return null;
    }

    public async Task SetRoleAsync(string actor, UserAccount user, string role, CancellationToken cancellationToken = default)
    {
        if (!Roles.IsKnown(role)) throw new ArgumentException($"Unknown role {role}.", nameof(role));
        await users.SetRolesAsync(user.Id, [role], cancellationToken);
        await audit.AppendAsync(new AuditEvent(actor, "user.update", user.UserName, $"roles {string.Join(",", user.Roles)} -> {role}"), cancellationToken);
    }

    public async Task<string?> ResetPasswordAsync(string actor, UserAccount user, string password, CancellationToken cancellationToken = default)
    {
        if (password.Length < LocalPasswords.MinimumLength) return $"A password needs at least {LocalPasswords.MinimumLength} characters.";
        await users.SetPasswordHashAsync(user.Id, LocalPasswords.Hash(user.UserName, password), cancellationToken);
        await users.RecordSuccessAsync(user.Id, user.LastSignIn ?? user.CreatedAt, cancellationToken); // clears a lockout
        await audit.AppendAsync(new AuditEvent(actor, "user.password-reset", user.UserName), cancellationToken);
        return null;
    }

    /// <summary>A new TOTP secret for the user; the caller shows it (and its otpauth URI) once.</summary>
    public async Task<string> SetUpSecondFactorAsync(string actor, UserAccount user, CancellationToken cancellationToken = default)
    {
        var secret = Totp.NewSecret();
        await users.SetTotpSecretAsync(user.Id, secret, cancellationToken);
        await audit.AppendAsync(new AuditEvent(actor, "user.totp-set", user.UserName), cancellationToken);
        return secret;
    }

    public async Task RemoveSecondFactorAsync(string actor, UserAccount user, CancellationToken cancellationToken = default)
    {
        await users.SetTotpSecretAsync(user.Id, null, cancellationToken);
        await audit.AppendAsync(new AuditEvent(actor, "user.totp-removed", user.UserName), cancellationToken);
    }

    public async Task SetDisabledAsync(string actor, UserAccount user, bool disabled, CancellationToken cancellationToken = default)
    {
        await users.SetDisabledAsync(user.Id, disabled, cancellationToken);
        await audit.AppendAsync(new AuditEvent(actor, disabled ? "user.disable" : "user.enable", user.UserName), cancellationToken);
    }

    public async Task DeleteUserAsync(string actor, UserAccount user, CancellationToken cancellationToken = default)
    {
        await users.DeleteAsync(user.Id, cancellationToken);
        await audit.AppendAsync(new AuditEvent(actor, "user.delete", user.UserName, $"roles {string.Join(",", user.Roles)}"), cancellationToken);
    }

    /// <summary>Creates a key and returns it (shown once), or an error message.</summary>
    public async Task<(ApiKeySecret? Key, string? Error)> CreateApiKeyAsync(string actor, string name, string role, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(name)) return (null, "An API key needs a name.");
        var key = ApiKeySecret.Generate();
        switch (await provisioning.AddApiKeyAsync(name, key, role, actor, cancellationToken))
        {
            case ProvisioningOutcome.AlreadyExists: return (null, $"An active key named {name.Trim()} exists already: revoke it first.");
            case ProvisioningOutcome.UnknownRole: return (null, $"Unknown role {role}.");
        }
        await audit.AppendAsync(new AuditEvent(actor, "apikey.create", name.Trim(), $"role {role}, prefix {key.Prefix}"), cancellationToken);
        return (key, null);
    }

    public async Task<bool> RevokeApiKeyAsync(string actor, string name, CancellationToken cancellationToken = default)
    {
        if (!await apiKeys.RevokeAsync(name, actor, clock.GetUtcNow(), cancellationToken)) return false;
        await audit.AppendAsync(new AuditEvent(actor, "apikey.revoke", name), cancellationToken);
        return true;
    }
}
