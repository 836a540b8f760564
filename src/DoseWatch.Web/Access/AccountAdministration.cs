using DoseWatch.Core.Abstractions;
using DoseWatch.Core.Access;
using DoseWatch.Data.Accounts;

namespace DoseWatch.Web.Access;

/// <summary>The changes the Users &amp; API keys page makes, each audited with the administrator who made it.</summary>
public sealed class AccountAdministration(UserRepository users, ApiKeyRepository apiKeys, AccountProvisioning provisioning, IAuditTrail audit,
    Microsoft.Extensions.Options.IOptions<AuthOptions> authOptions, TimeProvider clock)
{
    public Task<IReadOnlyList<UserAccount>> UsersAsync(CancellationToken cancellationToken = default) => users.ListAsync(cancellationToken);

    public Task<IReadOnlyList<ApiKeyRecord>> ApiKeysAsync(CancellationToken cancellationToken = default) => apiKeys.ListAsync(cancellationToken);

    public async Task<string?> AddUserAsync(string actor, string userName, string password, string role, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(userName)) return "A user name is required.";
        if (LocalPasswords.PolicyViolation(password) is { } violation) return violation;
        // The administrator chose the password: the user replaces it at the first sign-in, as after a reset.
        switch (await provisioning.AddUserAsync(userName, password, [role], cancellationToken, passwordChangeRequired: true))
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

    /// <summary>
    /// An administrator sets another user's password (for a forgotten one) and tells the user. The administrator knows
    /// it, so the user must replace it at the next sign-in before any page opens (migration 0042; <see cref="LocalSignIn"/>).
    /// An administrator's own password goes through <see cref="ChangeOwnPasswordAsync"/>, which asks for the current one.
    /// </summary>
    public async Task<PasswordRefusal?> ResetPasswordAsync(string actor, string userName, string password, CancellationToken cancellationToken = default)
    {
        var user = string.IsNullOrWhiteSpace(userName) ? null : await users.FindAsync(userName, cancellationToken);
        if (user is null) return PasswordRefusal.UnknownUser;
        if (string.Equals(UserRepository.Normalize(actor), UserRepository.Normalize(user.UserName), StringComparison.Ordinal)) return PasswordRefusal.OwnAccount;
        if (LocalPasswords.PolicyViolation(password) is not null) return PasswordRefusal.TooShort;
        await users.SetPasswordHashAsync(user.Id, LocalPasswords.Hash(user.UserName, password), changeRequired: true, cancellationToken);
        await users.RecordSuccessAsync(user.Id, user.LastSignIn ?? user.CreatedAt, cancellationToken); // clears a lockout
        await audit.AppendAsync(new AuditEvent(actor, "user.password-reset", user.UserName, user.HasPassword ? "" : "first local password"), cancellationToken);
        return null;
    }

    /// <summary>
    /// A signed-in local user changes their own password: the current one is required, so a session left open is not
    /// enough to take the account over. A wrong current password counts towards the sign-in lockout like a wrong sign-in.
    /// </summary>
    public async Task<PasswordRefusal?> ChangeOwnPasswordAsync(long userId, string userName, string currentPassword, string newPassword,
        CancellationToken cancellationToken = default)
    {
        var user = await users.FindAsync(userName, cancellationToken);
        if (user is not { HasPassword: true } || user.Id != userId) return PasswordRefusal.NoLocalPassword;
        if (user.IsLockedAt(clock.GetUtcNow())) return PasswordRefusal.LockedOut;
        if (!LocalPasswords.Verify(user.UserName, user.PasswordHash!, currentPassword, out _))
        {
            var lockout = authOptions.Value.Lockout;
            await users.RecordFailureAsync(user.Id, lockout.MaxFailedAttempts, clock.GetUtcNow() + lockout.Duration, cancellationToken);
            await audit.AppendAsync(new AuditEvent(user.UserName, "user.password-change-failed", user.UserName, "wrong current password"), cancellationToken);
            return PasswordRefusal.WrongCurrentPassword;
        }
        if (LocalPasswords.PolicyViolation(newPassword) is not null) return PasswordRefusal.TooShort;
        if (newPassword == currentPassword) return PasswordRefusal.SameAsCurrent;
        await users.SetPasswordHashAsync(user.Id, LocalPasswords.Hash(user.UserName, newPassword), changeRequired: false, cancellationToken);
        await audit.AppendAsync(new AuditEvent(user.UserName, "user.password-change", user.UserName), cancellationToken);
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

/// <summary>Why a password change or reset was refused; codes travel in the redirect, the page words them (<see cref="Describe"/>).</summary>
public enum PasswordRefusal { NoLocalPassword, LockedOut, WrongCurrentPassword, TooShort, SameAsCurrent, ConfirmationDiffers, UnknownUser, OwnAccount }

public static class PasswordRefusals
{
    public static string Describe(this PasswordRefusal refusal) => refusal switch
    {
        PasswordRefusal.NoLocalPassword => "This session did not sign in with a DoseWatch password (single sign-on or an API key): there is no password to change here.",
        PasswordRefusal.LockedOut => "Too many wrong passwords: try again later or ask an administrator.",
        PasswordRefusal.WrongCurrentPassword => "The current password is wrong.",
        PasswordRefusal.TooShort => LocalPasswords.PolicyViolation("")!,
        PasswordRefusal.SameAsCurrent => "The new password is the current one: choose another.",
        PasswordRefusal.ConfirmationDiffers => "The new password and its confirmation differ.",
        PasswordRefusal.UnknownUser => "There is no such user.",
        PasswordRefusal.OwnAccount => "Change your own password on the Change password page: it asks for the current one.",
        _ => refusal.ToString(),
    };
}
