using Microsoft.AspNetCore.Identity;

namespace DoseWatch.Data.Accounts;

/// <summary>ASP.NET Core Identity's password hasher (PBKDF2 with a per-password salt, versioned format) without Identity's stores.</summary>
public static class LocalPasswords
{
    public const int MinimumLength = 10;

    private static readonly PasswordHasher<string> Hasher = new();

    /// <summary>The one password policy (user creation, change, reset): the reason a password is refused, or null when it is acceptable.</summary>
    public static string? PolicyViolation(string password) =>
        password.Length < MinimumLength ? $"A password needs at least {MinimumLength} characters." : null;

    public static string Hash(string userName, string password)
    {
        if (PolicyViolation(password) is { } violation) throw new ArgumentException(violation, nameof(password));
        return Hasher.HashPassword(Normalized(userName), password);
    }

    /// <summary>True when <paramref name="password"/> matches; <paramref name="rehash"/> is set when the stored hash uses older parameters.</summary>
    public static bool Verify(string userName, string storedHash, string password, out string? rehash)
    {
        rehash = null;
        var result = Hasher.VerifyHashedPassword(Normalized(userName), storedHash, password);
        if (result == PasswordVerificationResult.SuccessRehashNeeded) rehash = Hasher.HashPassword(Normalized(userName), password);
        return result != PasswordVerificationResult.Failed;
    }

    private static string Normalized(string userName) => UserRepository.Normalize(userName);
}
