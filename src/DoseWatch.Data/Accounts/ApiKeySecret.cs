using System.Security.Cryptography;
using System.Text;

namespace DoseWatch.Data.Accounts;

/// <summary>
/// An API key: <c>dwk_</c>, 8 characters of prefix, <c>_</c>, then 32 random bytes in Base64url. Only <see cref="Hash"/>
/// (hex SHA-256 of the whole key) is stored. A fast hash is enough here, unlike for passwords: the key carries 256 random
/// bits, so there is no dictionary to try and no brute force within reach, and a fast hash lets each request find its key
/// through an index instead of testing a slow hash against every key.
/// </summary>
public sealed class ApiKeySecret
{
    private const string Marker = "dwk_";
    private const int PrefixLength = 8;

    private ApiKeySecret(string key)
    {
        Key = key;
        Hash = HashOf(key);
    }

    /// <summary>The whole key: shown once at creation, never stored.</summary>
    public string Key { get; }

    public string Hash { get; }

    /// <summary>Shown in listings to tell keys apart (it identifies, it does not authenticate).</summary>
    public string Prefix => Key[..Math.Min(Key.Length, Marker.Length + PrefixLength)];

    public static ApiKeySecret Generate()
    {
        var prefix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(PrefixLength / 2));
        return new ApiKeySecret($"{Marker}{prefix}_{Base64Url(RandomNumberGenerator.GetBytes(32))}");
    }

    /// <summary>A key given by an operator (provisioned from configuration); at least 32 characters so it cannot be guessed.</summary>
    public static ApiKeySecret FromExisting(string key)
    {
        if (string.IsNullOrWhiteSpace(key) || key.Trim().Length < 32)
            throw new ArgumentException("An API key must have at least 32 characters (use `dosewatch apikey create` to make one).", nameof(key));
        return new ApiKeySecret(key.Trim());
    }

    public static string HashOf(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
