using System.Net;
using System.Web;
using DoseWatch.Core.Access;
using DoseWatch.Web.Access;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace DoseWatch.Web.Tests.Access;

/// <summary>
/// OpenID Connect when configured. No identity provider can run here, so this is the one mock of the access tests: a
/// loopback server that serves only a discovery document and an empty key set. The test checks that the sign-in page
/// offers single sign-on and that the challenge sends the browser to the authority's authorization endpoint with the
/// authorization code flow, PKCE and our callback.
/// </summary>
[Collection(nameof(SharedApp))]
public sealed class SingleSignOnFacts
{
    [Fact]
    public async Task The_configured_challenge_redirects_to_the_authoritys_authorize_endpoint_with_code_flow_and_pkce()
    {
        await using var discovery = await DiscoveryServer.StartAsync();
        await using var app = await DoseWatchApp.StartAsync(new Dictionary<string, string?>
        {
            ["DoseWatch:Auth:OpenIdConnect:Authority"] = discovery.Authority,
            ["DoseWatch:Auth:OpenIdConnect:ClientId"] = "dosewatch-test",
            ["DoseWatch:Auth:OpenIdConnect:ClientSecret"] = "not-used-before-the-callback",
            ["DoseWatch:Auth:OpenIdConnect:RequireHttpsMetadata"] = "false",
            ["DoseWatch:Auth:OpenIdConnect:DisplayName"] = "Test hospital sign-on",
        });
        using var client = app.CreateHttpClient(role: null, followRedirects: false);

        var signIn = await client.GetStringAsync("/signin?ReturnUrl=%2Fct");
        Assert.Contains("Test hospital sign-on", signIn);
        Assert.Contains("account/sso?returnUrl=%2Fct", signIn);

        using var challenge = await client.GetAsync("/account/sso?returnUrl=%2Fct");
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        var location = challenge.Headers.Location!;
        Assert.Equal($"{discovery.Authority}/authorize", location.GetLeftPart(UriPartial.Path));
        var query = HttpUtility.ParseQueryString(location.Query);
        Assert.Equal("dosewatch-test", query["client_id"]);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.False(string.IsNullOrEmpty(query["code_challenge"]));
        Assert.Equal(new Uri(app.BaseAddress, "/signin-oidc").ToString(), query["redirect_uri"]);
        Assert.Contains("openid", query["scope"]!.Split(' '));
        Assert.Equal(1, discovery.DiscoveryRequests);
        // The sign-in page's form may post to the authority when single sign-on is on.
        Assert.Contains(discovery.Authority, challenge.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task Without_configuration_there_is_no_single_sign_on()
    {
        var shared = new Dictionary<string, string?>();
        await using var app = await DoseWatchApp.StartAsync(shared);
        using var client = app.CreateHttpClient(role: null, followRedirects: false);
        using var sso = await client.GetAsync("/account/sso");
        Assert.Equal(HttpStatusCode.NotFound, sso.StatusCode);
        Assert.DoesNotContain("account/sso", await client.GetStringAsync("/signin"));
    }

    [Fact]
    public void Claim_values_map_to_roles_through_the_map_or_by_name_and_unknown_values_are_dropped()
    {
        var map = new Dictionary<string, string> { ["dose-physicists"] = Roles.Physicist, ["it-admins"] = Roles.Administrator, ["typo"] = "Physicistt" };
        Assert.Equal([Roles.Physicist, Roles.Viewer], SingleSignOnRoles.From(["dose-physicists", "Viewer", "nurses", "typo"], map));
        Assert.Equal([Roles.Administrator, Roles.Qa], SingleSignOnRoles.From(["[\"it-admins\",\"QA\"]"], map));
        Assert.Empty(SingleSignOnRoles.From(["viewer"], map)); // role names are case-sensitive, as stored
    }

    /// <summary>The mock identity provider: discovery document and an empty JWKS on a loopback port.</summary>
    private sealed class DiscoveryServer : IAsyncDisposable
    {
        private WebApplication _app = null!;
        private int _discoveryRequests;

        public string Authority { get; private set; } = "";
        public int DiscoveryRequests => _discoveryRequests;

        public static async Task<DiscoveryServer> StartAsync()
        {
            var server = new DiscoveryServer();
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            server._app = builder.Build();
            server._app.MapGet("/.well-known/openid-configuration", () =>
            {
                Interlocked.Increment(ref server._discoveryRequests);
                return Results.Json(new Dictionary<string, object>
                {
                    ["issuer"] = server.Authority,
                    ["authorization_endpoint"] = $"{server.Authority}/authorize",
                    ["token_endpoint"] = $"{server.Authority}/token",
                    ["jwks_uri"] = $"{server.Authority}/jwks",
                    ["response_types_supported"] = new[] { "code" },
                    ["subject_types_supported"] = new[] { "public" },
                    ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
                    ["code_challenge_methods_supported"] = new[] { "S256" },
                });
            });
            server._app.MapGet("/jwks", () => Results.Json(new { keys = Array.Empty<object>() }));
            await server._app.StartAsync();
            server.Authority = server._app.Urls.First().TrimEnd('/');
            return server;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
