using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace DoseWatch.Core.Access;

/// <summary>
/// Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP): HMAC-SHA1, 30-second steps, 6 digits, the defaults every
/// authenticator app uses. The secret is exchanged in Base32 (RFC 4648) inside an <c>otpauth://</c> URI.
/// </summary>
public static class Totp
{
    public const int StepSeconds = 30;
    public const int Digits = 6;

    /// <summary>A new 160-bit secret (the HMAC-SHA1 block-size recommendation of RFC 4226), Base32 without padding.</summary>
    public static string NewSecret() => Base32.Encode(RandomNumberGenerator.GetBytes(20));

    public static long StepAt(DateTimeOffset time) => time.ToUnixTimeSeconds() / StepSeconds;

    public static string Code(string base32Secret, long step)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        var mac = HMACSHA1.HashData(Base32.Decode(base32Secret), counter);
        var offset = mac[^1] & 0x0f; // dynamic truncation, RFC 4226 section 5.3
        var binary = BinaryPrimitives.ReadInt32BigEndian(mac.AsSpan(offset, 4)) & 0x7fffffff;
        return (binary % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The step whose code matches <paramref name="code"/>, allowing one step of clock drift either way (RFC 6238 section 6),
    /// or null. The caller refuses a step already used, so a code works once.
    /// </summary>
    public static long? MatchingStep(string base32Secret, string? code, DateTimeOffset now)
    {
        code = code?.Replace(" ", "", StringComparison.Ordinal);
        if (code is not { Length: Digits } || !code.All(char.IsAsciiDigit)) return null;
        var current = StepAt(now);
        for (var step = current - 1; step <= current + 1; step++)
            if (CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Code(base32Secret, step)), Encoding.ASCII.GetBytes(code)))
                return step;
        return null;
    }

    /// <summary>The URI an authenticator app reads (usually from a QR code): issuer, account and secret.</summary>
    public static string ProvisioningUri(string issuer, string account, string base32Secret) =>
        $"otpauth://totp/{Uri.EscapeDataString(issuer)}:{Uri.EscapeDataString(account)}?secret={base32Secret}&issuer={Uri.EscapeDataString(issuer)}&algorithm=SHA1&digits={Digits}&period={StepSeconds}";
}

/// <summary>RFC 4648 Base32 (upper case, no padding on output; padding, spaces and lower case accepted on input).</summary>
public static class Base32
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder((bytes.Length * 8 + 4) / 5);
        int buffer = 0, bits = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5) text.Append(Alphabet[(buffer >> (bits -= 5)) & 31]);
        }
        if (bits > 0) text.Append(Alphabet[(buffer << (5 - bits)) & 31]);
        return text.ToString();
    }

    public static byte[] Decode(string text)
    {
        var clean = text.Replace(" ", "", StringComparison.Ordinal).TrimEnd('=').ToUpperInvariant();
        var bytes = new List<byte>(clean.Length * 5 / 8);
        int buffer = 0, bits = 0;
        foreach (var c in clean)
        {
            var value = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (value < 0) throw new FormatException($"'{c}' is not a Base32 character.");
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8) bytes.Add((byte)(buffer >> (bits -= 8)));
        }
        return [.. bytes];
    }
}
