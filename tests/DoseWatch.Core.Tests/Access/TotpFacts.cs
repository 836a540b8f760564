using DoseWatch.Core.Access;

namespace DoseWatch.Core.Tests.Access;

/// <summary>Our TOTP against RFC 6238 as Debian's Python computes it with hmac/struct/base64 (no code of ours involved).</summary>
public sealed class TotpFacts
{
    // RFC 6238 section 4 / RFC 4226 section 5.3, written out independently: HMAC-SHA1 over the big-endian step, dynamic truncation.
    private const string PythonTotp = """
        import base64, hmac, hashlib, struct, sys
        secret = base64.b32decode(sys.argv[1] + '=' * (-len(sys.argv[1]) % 8))
        for step in sys.argv[2:]:
            mac = hmac.new(secret, struct.pack('>Q', int(step)), hashlib.sha1).digest()
            o = mac[-1] & 0x0f
            print('%06d' % ((struct.unpack('>I', mac[o:o + 4])[0] & 0x7fffffff) % 1000000))
        """;

    [Fact]
    public void Codes_match_python_for_fresh_secrets_and_many_steps()
    {
        var secret = Totp.NewSecret();
        var now = Totp.StepAt(DateTimeOffset.UtcNow);
        long[] steps = [0, 1, now - 1, now, now + 1, 0x7fffffff, 0x1_0000_0000, Random.Shared.NextInt64(0, 1L << 40)];

        var expected = ExternalTool.Run("/usr/bin/python3", ["-c", PythonTotp, secret, .. steps.Select(s => s.ToString())])
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(steps.Length, expected.Length);
        Assert.Equal(expected, steps.Select(s => Totp.Code(secret, s)));
        Assert.Equal(32, secret.Length); // 160 bits in Base32
    }

    [Fact]
    public void A_code_matches_within_one_step_of_drift_and_not_beyond()
    {
        var secret = Totp.NewSecret();
        var now = DateTimeOffset.UtcNow;
        var step = Totp.StepAt(now);
        var codes = ExternalTool.Run("/usr/bin/python3", ["-c", PythonTotp, secret, $"{step - 2}", $"{step - 1}", $"{step}", $"{step + 1}"])
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(step - 1, Totp.MatchingStep(secret, codes[1], now));
        Assert.Equal(step, Totp.MatchingStep(secret, codes[2], now));
        Assert.Equal(step + 1, Totp.MatchingStep(secret, codes[3], now));
        // Two steps old: refused unless it happens to collide with a code in the window.
        if (!codes[1..].Contains(codes[0])) Assert.Null(Totp.MatchingStep(secret, codes[0], now));
        Assert.Null(Totp.MatchingStep(secret, "12345", now));
        Assert.Null(Totp.MatchingStep(secret, "abcdef", now));
        Assert.Null(Totp.MatchingStep(secret, null, now));
    }

    [Fact]
    public void Base32_round_trips_and_agrees_with_python()
    {
        var bytes = System.Security.Cryptography.RandomNumberGenerator.GetBytes(23);
        var ours = Base32.Encode(bytes);
        var python = ExternalTool.Run("/usr/bin/python3", ["-c", "import base64,sys; print(base64.b32encode(bytes.fromhex(sys.argv[1])).decode().rstrip('='))", Convert.ToHexString(bytes)]).Trim();

        Assert.Equal(python, ours);
        Assert.Equal(bytes, Base32.Decode(ours.ToLowerInvariant()));
        Assert.Throws<FormatException>(() => Base32.Decode("AB1C"));
    }
}
