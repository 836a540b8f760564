using DoseWatch.Core.Abstractions;
using DoseWatch.Core.Access;
using DoseWatch.Data.Accounts;
using Microsoft.Extensions.Options;

namespace DoseWatch.Web.Access;

public enum SignInOutcome { Succeeded, Failed, LockedOut, CodeRequired, PasswordChangeRequired, NewPasswordRefused }

/// <param name="Refusal">Why the new password was refused (<see cref="SignInOutcome.NewPasswordRefused"/>).</param>
public sealed record SignInAttempt(SignInOutcome Outcome, UserAccount? Account = null, PasswordRefusal? Refusal = null);

/// <summary>
/// Checks a local sign-in: password (Identity's hasher), then the TOTP code when the account has one. Wrong passwords and
/// wrong codes count towards the lockout; a locked account is refused without looking at the password. Every outcome is
/// audited. Unknown users and locked accounts cost a hash verification too, so the response time does not tell which
/// names exist; the sign-in page answers a lockout with the same message as a wrong password (<see cref="AccountEndpoints"/>).
/// A password an administrator set (migration 0042) signs in only together with its replacement: the right password
/// without one answers <see cref="SignInOutcome.PasswordChangeRequired"/> (no session, nothing counted), and the page asks
/// for the new password beside the old one. So no session ever runs on a password someone else knows.
/// </summary>
public sealed class LocalSignIn(UserRepository users, IAuditTrail audit, IOptions<AuthOptions> options, TimeProvider clock)
{
    // A hash of a random password: verifying against it costs what a real verification costs.
    private static readonly Lazy<string> DecoyHash = new(() => LocalPasswords.Hash("decoy", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24))));

    /// <param name="newPassword">The replacement of a password an administrator set; ignored for other accounts.</param>
    public async Task<SignInAttempt> AttemptAsync(string userName, string password, string? code, CancellationToken cancellationToken = default,
        string? newPassword = null)
    {
        var now = clock.GetUtcNow();
        var account = string.IsNullOrWhiteSpace(userName) ? null : await users.FindAsync(userName, cancellationToken);
        if (account is not { HasPassword: true, Disabled: false })
        {
            LocalPasswords.Verify("decoy", DecoyHash.Value, password, out _);
            await AuditAsync(userName, "auth.sign-in-failed", account is null ? "unknown user" : account.Disabled ? "account disabled" : "no local password", cancellationToken);
            return new SignInAttempt(SignInOutcome.Failed);
        }
        if (account.IsLockedAt(now))
        {
            // The same hash verification as every other refusal, so the response time does not single out locked accounts.
            LocalPasswords.Verify("decoy", DecoyHash.Value, password, out _);
            await AuditAsync(account.UserName, "auth.sign-in-refused", $"locked until {account.LockedUntil:O}", cancellationToken);
            return new SignInAttempt(SignInOutcome.LockedOut, account);
        }
        if (!LocalPasswords.Verify(account.UserName, account.PasswordHash!, password, out var rehash))
            return await FailAsync(account, "wrong password", now, cancellationToken);
        if (rehash is not null) await users.RehashPasswordAsync(account.Id, rehash, cancellationToken);
        if (account.PasswordChangeRequired)
        {
            // Asked before the one-time code, so that the code is used once, with the form that carries the new password.
            if (string.IsNullOrEmpty(newPassword)) return new SignInAttempt(SignInOutcome.PasswordChangeRequired, account);
            if (LocalPasswords.PolicyViolation(newPassword) is not null) return new SignInAttempt(SignInOutcome.NewPasswordRefused, account, PasswordRefusal.TooShort);
            if (newPassword == password) return new SignInAttempt(SignInOutcome.NewPasswordRefused, account, PasswordRefusal.SameAsCurrent);
        }

        if (account.HasSecondFactor)
        {
            if (string.IsNullOrWhiteSpace(code)) return new SignInAttempt(SignInOutcome.CodeRequired, account);
            var step = Totp.MatchingStep(account.TotpSecret!, code, now);
            if (step is null) return await FailAsync(account, "wrong one-time code", now, cancellationToken);
            if (!await users.ClaimTotpStepAsync(account.Id, step.Value, cancellationToken))
                return await FailAsync(account, "one-time code already used", now, cancellationToken);
        }

        if (account.PasswordChangeRequired)
        {
            await users.SetPasswordHashAsync(account.Id, LocalPasswords.Hash(account.UserName, newPassword!), changeRequired: false, cancellationToken);
            await AuditAsync(account.UserName, "user.password-change", "replaced the password an administrator set, at sign-in", cancellationToken);
        }
        await users.RecordSuccessAsync(account.Id, now, cancellationToken);
        await AuditAsync(account.UserName, "auth.sign-in", account.HasSecondFactor ? "password and one-time code" : "password", cancellationToken);
        return new SignInAttempt(SignInOutcome.Succeeded, account);
    }

    private async Task<SignInAttempt> FailAsync(UserAccount account, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var lockout = options.Value.Lockout;
        var lockedNow = await users.RecordFailureAsync(account.Id, lockout.MaxFailedAttempts, now + lockout.Duration, cancellationToken);
        await AuditAsync(account.UserName, "auth.sign-in-failed", reason, cancellationToken);
        if (!lockedNow) return new SignInAttempt(SignInOutcome.Failed, account);
        await AuditAsync(account.UserName, "auth.lockout", $"{lockout.MaxFailedAttempts} failed sign-ins; locked for {lockout.Duration}", cancellationToken);
        return new SignInAttempt(SignInOutcome.LockedOut, account);
    }

    // The actor of a failed sign-in is the name as typed (it may not exist); it is also the target.
    private Task AuditAsync(string userName, string action, string detail, CancellationToken cancellationToken)
    {
        var name = string.IsNullOrWhiteSpace(userName) ? "anonymous" : userName.Trim();
        return audit.AppendAsync(new AuditEvent(name, action, name, detail), cancellationToken);
    }
}
