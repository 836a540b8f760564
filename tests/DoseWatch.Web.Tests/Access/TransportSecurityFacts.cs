using System.Text.RegularExpressions;

namespace DoseWatch.Web.Tests.Access;

/// <summary>Security headers on every response, the import map's CSP nonce, and HSTS only over (forwarded) HTTPS.</summary>
[Collection(nameof(SharedApp))]
public sealed partial class TransportSecurityFacts(SharedApp shared)
{
    [Theory]
    [InlineData("/signin")]
    [InlineData("/")]
    [InlineData("/api/v1/studies")]
    [InlineData("/health")]
    public async Task Every_response_carries_the_security_headers(string path)
    {
        using var client = shared.App.CreateHttpClient(role: DoseWatch.Core.Access.Roles.Viewer);
        using var response = await client.GetAsync(path);

        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("same-origin", Header(response, "Referrer-Policy"));
        var csp = Header(response, "Content-Security-Policy");
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("object-src 'none'", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.DoesNotContain("script-src 'self' 'unsafe-inline'", csp);
    }

    [Fact]
    public async Task The_inline_import_map_carries_the_nonce_its_own_response_allows_and_it_changes_per_response()
    {
        using var client = shared.App.CreateHttpClient(role: null);
        var nonces = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            using var response = await client.GetAsync("/signin");
            var html = await response.Content.ReadAsStringAsync();
            var allowed = NonceInPolicy().Match(Header(response, "Content-Security-Policy"));
            var used = ImportMapNonce().Match(html);
            Assert.True(allowed.Success && used.Success, html[..Math.Min(html.Length, 600)]);
            Assert.Equal(allowed.Groups[1].Value, used.Groups[1].Value);
            Assert.Single(Regex.Matches(html, "<script(?![^>]*\\ssrc=)")); // the import map is the only inline script
            nonces.Add(used.Groups[1].Value);
        }
        Assert.NotEqual(nonces[0], nonces[1]);
    }

    [Fact]
    public async Task Forwarded_https_gets_hsts_only_when_a_proxy_is_declared()
    {
        using var untrusted = await SendForwardedHttpsAsync(shared.App);
        Assert.False(untrusted.Headers.Contains("Strict-Transport-Security"));

        await using var proxied = await DoseWatchApp.StartAsync(new Dictionary<string, string?> { ["DoseWatch:Https:BehindProxy"] = "true" });
        using var trusted = await SendForwardedHttpsAsync(proxied);
        Assert.Contains("max-age=31536000", Header(trusted, "Strict-Transport-Security"));
    }

    /// <summary>What a TLS-terminating proxy on this machine sends: the original scheme and a public host name.</summary>
    private static async Task<HttpResponseMessage> SendForwardedHttpsAsync(DoseWatchApp app)
    {
        using var client = app.CreateHttpClient(role: null, followRedirects: false);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health");
        request.Headers.Host = "dosewatch.hospital.example";
        request.Headers.Add("X-Forwarded-Proto", "https");
        return await client.SendAsync(request);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(",", values) : throw new Xunit.Sdk.XunitException($"no {name} header on {response.RequestMessage?.RequestUri}");

    [GeneratedRegex("script-src 'self' 'nonce-([A-Za-z0-9+/=]+)'")]
    private static partial Regex NonceInPolicy();

    [GeneratedRegex("<script type=\"importmap\" nonce=\"([A-Za-z0-9+/=]+)\"")]
    private static partial Regex ImportMapNonce();
}
