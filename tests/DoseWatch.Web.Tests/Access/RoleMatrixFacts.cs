using System.Net;
using DoseWatch.Core.Access;
using DoseWatch.Web.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.StaticAssets;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace DoseWatch.Web.Tests.Access;

/// <summary>
/// Issue #7's acceptance matrix, generated from the app's own route table (EndpointDataSource): every endpoint (Blazor
/// pages, API, account, Hangfire, framework endpoints) must have a line in <see cref="Expected"/>, its declared
/// authorization metadata must say the same, and a real request as each role and as nobody must be let in or turned away
/// accordingly. A new endpoint without a line fails <see cref="Every_endpoint_has_a_declared_expectation"/>.
/// </summary>
[Collection(nameof(SharedApp))]
public sealed class RoleMatrixFacts(SharedApp shared, ITestOutputHelper output)
{
    /// <summary>Who may call an endpoint: nobody signed in needed, any signed-in user, or the roles of one policy.</summary>
    public sealed record Access(string Name, IReadOnlySet<string>? Roles)
    {
        public static readonly Access Public = new("public", null);
        public static readonly Access AnyUser = new("any signed-in user", new HashSet<string>(Core.Access.Roles.All));

        public static Access Policy(string policy) => new(policy, new HashSet<string>(AccessPolicies.RolesOf[policy]));

        public bool Allows(string role) => Roles is null || Roles.Contains(role);
    }

    private static readonly Access Administration = Access.Policy(AccessPolicies.Administration);
    private static readonly Access Clinical = Access.Policy(AccessPolicies.Clinical);
    private static readonly Access Alerts = Access.Policy(AccessPolicies.Alerts);
    private static readonly Access Dashboards = Access.Policy(AccessPolicies.Dashboards);

    /// <summary>The table this test maintains: "METHOD route pattern" to who may call it. Static files are checked apart.</summary>
    private static readonly Dictionary<string, Access> Expected = new(StringComparer.Ordinal)
    {
        // Blazor pages
        ["GET,POST /"] = Dashboards,
        ["GET,POST /ct"] = Dashboards,
        ["GET,POST /alerts"] = Alerts,
        // Viewing devices and their history is dose data; the page writes nothing (device records change only by extraction).
        ["GET,POST /devices"] = Dashboards,
        ["GET,POST /inbox"] = Clinical,
        ["GET,POST /admin/users"] = Administration,
        ["GET,POST /audit"] = Administration,
        ["GET,POST /alerts/{Id:long}"] = Alerts,
        ["GET,POST /studies"] = Dashboards,
        ["GET,POST /studies/{StudyInstanceUid}"] = Dashboards,
        ["GET,POST /fluoroscopy"] = Dashboards,
        ["GET,POST /radiography"] = Dashboards,
        ["GET,POST /mammography"] = Dashboards,
        ["GET,POST /nuclear"] = Dashboards,
        ["GET,POST /mr"] = Dashboards,
        ["GET,POST /ultrasound"] = Dashboards,
        ["GET,POST /protocols"] = Dashboards,
        ["GET,POST /rules"] = Clinical,
        // The mapping workflow's three pages (issue #21); the old single page redirects to the review queue.
        ["GET,POST /protocols/mapping"] = Clinical,
        ["GET,POST /protocols/review"] = Clinical,
        ["GET,POST /protocols/catalogue"] = Clinical,
        ["GET,POST /protocols/references"] = Clinical,
        ["GET,POST /rules"] = Clinical,
        ["GET,POST /signin"] = Access.Public,
        ["GET,POST /access-denied"] = Access.Public,
        ["GET,POST /Error"] = Access.Public,
        ["GET,POST /not-found"] = Access.Public,
        // Account
        ["POST /account/signin"] = Access.Public,
        ["POST /account/signout"] = Access.Public,
        ["GET /account/sso"] = Access.Public,
        // Issue #21: everyone changes their own password (the endpoint refuses sessions without one); resets are the administrator's.
        ["GET,POST /password"] = Access.AnyUser,
        ["POST /account/password"] = Access.AnyUser,
        ["POST /account/password-reset"] = Administration,
        // Operations
        ["* /health"] = Access.Public,
        // The health page for people (issue #21): the probe's checks in words, for anyone signed in, as the navigation offers it.
        ["GET,POST /status"] = Access.AnyUser,
        ["GET /openapi/{documentName}.json"] = Access.AnyUser,
        ["* /hangfire/{**path}"] = Administration,
        // API
        ["GET /api/v1/instances/"] = Clinical,
        ["GET /api/v1/instances/{id:long}"] = Clinical,
        ["POST /api/v1/instances/{id:long}/retry"] = Clinical,
        ["GET /api/v1/studies/"] = Dashboards,
        ["GET /api/v1/studies/{studyInstanceUid}"] = Dashboards,
        ["GET /api/v1/studies/export"] = Clinical,
        ["GET /api/v1/exports/deidentified"] = Access.Policy(AccessPolicies.Research),
        ["GET /api/v1/dashboards/ct/events.csv"] = Clinical,
        // The audit chain's signed head (issue #22): for the administrators who keep it outside DoseWatch.
        ["GET /api/v1/audit/head"] = Administration,
        // Back-fills query and retrieve from a clinical PACS: the PACS administrator's work (issue #17).
        ["POST /api/v1/backfills/"] = Administration,
        ["GET /api/v1/backfills/{id:long}"] = Administration,
        // Naming a device changes how every page labels it (issue #21): administrators only.
        ["PUT /api/v1/devices/display-name"] = Administration,
        ["GET,POST /admin/backfills"] = Administration,
        // Remote DICOM nodes (allow-list, PACS, C-ECHO) and the association log: the PACS administrator's too.
        ["GET,POST /admin/dicom-nodes"] = Administration,
        ["GET,POST /admin/associations"] = Administration,
        // Research export: the physicist's alone (the privacy work's decision), not the administrator's.
        ["GET /api/v1/exports/deidentified"] = new("Physicist only", new HashSet<string> { Roles.Physicist }),
        // FHIR (issue #19): the same dose data as /api/v1/studies, so the same roles; identity only for those that see it.
        ["GET /fhir/metadata"] = Dashboards,
        ["GET /fhir/Observation"] = Dashboards,
        ["GET /fhir/Observation/{id}"] = Dashboards,
        ["GET /fhir/ImagingStudy/{id}"] = Dashboards,
        ["GET /fhir/Composition/{id}"] = Dashboards,
        ["GET /fhir/Patient/{id}"] = Dashboards,
        ["GET /fhir/Device/{id}"] = Dashboards,
        // FHIR push (issue #19 item 3): a study's deliveries for its readers; the list and the retry are the administrator's.
        ["GET /api/v1/studies/{studyInstanceUid}/fhir-deliveries"] = Dashboards,
        ["GET /api/v1/fhir-deliveries/"] = Administration,
        ["POST /api/v1/fhir-deliveries/{id:long}/retry"] = Administration,
        ["GET,POST /admin/fhir-deliveries"] = Administration,
        ["GET /api/v1/alerts/"] = Alerts,
        ["GET /api/v1/alerts/counts"] = Alerts,
        ["POST /api/v1/alerts/acknowledge"] = Alerts,
        ["GET /api/v1/alerts/{id:long}"] = Alerts,
        ["POST /api/v1/alerts/{id:long}/acknowledge"] = Alerts,
        ["POST /api/v1/alerts/{id:long}/resolve"] = Alerts,
        ["POST /api/v1/alerts/{id:long}/assign"] = Alerts,
        ["GET /api/v1/alerts/subscriptions/"] = Clinical,
        ["POST /api/v1/alerts/subscriptions/"] = Clinical,
        ["DELETE /api/v1/alerts/subscriptions/{id:long}"] = Clinical,
        // Blazor's circuit hub and script bootstrap: the circuit needs the signed-in user.
        ["* /_blazor"] = Access.AnyUser,
        ["* /_blazor/negotiate"] = Access.AnyUser,
        ["* /_blazor/initializers/"] = Access.AnyUser,
        ["* /_blazor/disconnect/"] = Access.AnyUser,
        ["GET /_framework/opaque-redirect"] = Access.AnyUser,
        // Files outside the static asset manifest: only for signed-in users (the manifest's files are public, see below).
        ["GET /{**path:file}"] = Access.AnyUser,
    };

    private IReadOnlyList<RouteEndpoint> Endpoints() =>
        shared.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

    private static bool IsStaticFile(Endpoint endpoint) => endpoint.Metadata.GetMetadata<StaticAssetDescriptor>() is not null;

    private static string KeyOf(RouteEndpoint endpoint)
    {
        var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
        var method = methods is { Count: > 0 } ? string.Join(",", methods.Where(m => m != "HEAD").Order(StringComparer.Ordinal)) : "*";
        return $"{method} /{endpoint.RoutePattern.RawText?.TrimStart('/')}";
    }

    /// <summary>What the endpoint's metadata declares: anonymous, or the roles all its [Authorize] data let through.</summary>
    private static Access Declared(Endpoint endpoint)
    {
        if (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null) return Access.Public;
        var roles = new HashSet<string>(Roles.All);
        var names = new List<string>();
        foreach (var data in endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>())
        {
            if (data.Policy is { } policy) { roles.IntersectWith(AccessPolicies.RolesOf[policy]); names.Add(policy); }
            if (data.Roles is { } list) { roles.IntersectWith(list.Split(',', StringSplitOptions.TrimEntries)); names.Add(list); }
        }
        // Inline policies (RequireAuthorization(policy => ...)) carry their role requirements directly.
        foreach (var requirement in endpoint.Metadata.GetOrderedMetadata<AuthorizationPolicy>().SelectMany(p => p.Requirements)
                     .OfType<Microsoft.AspNetCore.Authorization.Infrastructure.RolesAuthorizationRequirement>())
        {
            roles.IntersectWith(requirement.AllowedRoles);
            names.Add(string.Join(",", requirement.AllowedRoles));
        }
        return new Access(names.Count == 0 ? Access.AnyUser.Name : string.Join("+", names), roles);
    }

    [Fact]
    public void Every_endpoint_has_a_declared_expectation_and_its_metadata_agrees()
    {
        var endpoints = Endpoints().Where(e => !IsStaticFile(e)).ToList();
        foreach (var e in endpoints) output.WriteLine($"{KeyOf(e)} | {e.DisplayName} | declared: {Declared(e).Name}");
        var missing = endpoints.Select(KeyOf).Where(k => !Expected.ContainsKey(k)).Distinct().ToList();
        Assert.True(missing.Count == 0, "Endpoints without a line in RoleMatrixFacts.Expected (give them a policy, then a line):\n" + string.Join("\n", missing));

        var disagreeing = endpoints.Where(e => !SameAccess(Expected[KeyOf(e)], Declared(e)))
            .Select(e => $"{KeyOf(e)}: table says {Expected[KeyOf(e)].Name}, metadata says {Declared(e).Name}").ToList();
        Assert.True(disagreeing.Count == 0, string.Join("\n", disagreeing));

        var stale = Expected.Keys.Except(endpoints.Select(KeyOf)).ToList();
        Assert.True(stale.Count == 0, "Lines for endpoints that no longer exist:\n" + string.Join("\n", stale));
    }

    [Fact]
    public void Static_files_are_public_and_are_files_only()
    {
        var files = Endpoints().Where(IsStaticFile).ToList();
        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.NotNull(f.Metadata.GetMetadata<IAllowAnonymous>()));
        Assert.All(files, f => Assert.DoesNotContain("{", f.RoutePattern.RawText));
    }

    public static TheoryData<string> Callers() => new(Roles.All.Append("anonymous"));

    [Theory]
    [MemberData(nameof(Callers))]
    public async Task Each_endpoint_lets_in_exactly_the_roles_its_line_names(string caller)
    {
        var role = caller == "anonymous" ? null : caller;
        using var client = shared.App.CreateHttpClient(role, followRedirects: false);
        var wrong = new List<string>();
        var checkedCount = 0;
        foreach (var endpoint in Endpoints().Where(e => !IsStaticFile(e)).DistinctBy(KeyOf))
        {
            // An endpoint without a line fails Every_endpoint_has_a_declared_expectation_and_its_metadata_agrees.
            if (!Expected.TryGetValue(KeyOf(endpoint), out var access)) continue;
            using var request = new HttpRequestMessage(new HttpMethod(RequestMethod(endpoint)), Concrete(endpoint.RoutePattern));
            using var response = await client.SendAsync(request);
            var outcome = Outcome(response);
            var expected = access.Roles is null ? "in" : role is null ? "challenged" : access.Allows(role) ? "in" : "forbidden";
            output.WriteLine($"{caller,-13} {KeyOf(endpoint),-50} {(int)response.StatusCode} {outcome} (expected {expected})");
            if (outcome != expected) wrong.Add($"{KeyOf(endpoint)}: {(int)response.StatusCode} {response.Headers.Location} = {outcome}, expected {expected}");
            checkedCount++;
        }
        Assert.True(checkedCount >= Expected.Count - 2, $"only {checkedCount} endpoints requested");
        Assert.True(wrong.Count == 0, $"As {caller}:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public async Task Static_files_load_without_signing_in()
    {
        using var client = shared.App.CreateHttpClient(role: null, followRedirects: false);
        foreach (var path in new[] { "/css/app.css", "/_framework/blazor.web.js" })
        {
            using var response = await client.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
        }
    }

    /// <summary>
    /// "challenged": 401 (API, bearer) or a redirect to the sign-in page; "forbidden": 403 or a redirect to access-denied;
    /// anything else (200, 400 for a request without a body, 404 for an id that does not exist...) means the caller got in.
    /// </summary>
    private static string Outcome(HttpResponseMessage response)
    {
        var location = response.Headers.Location?.ToString() ?? "";
        return response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => "challenged",
            HttpStatusCode.Forbidden => "forbidden",
            HttpStatusCode.Redirect or HttpStatusCode.Found when location.Contains(AccountEndpoints.SignInPage, StringComparison.Ordinal) => "challenged",
            HttpStatusCode.Redirect or HttpStatusCode.Found when location.Contains(AccountEndpoints.AccessDeniedPage, StringComparison.Ordinal) => "forbidden",
            _ => "in",
        };
    }

    private static string RequestMethod(Endpoint endpoint) =>
        endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.FirstOrDefault(m => m != "HEAD") ?? "GET";

    /// <summary>The pattern with harmless values: ids that do not exist, a UID no study has, the default OpenAPI document.</summary>
    private static string Concrete(Microsoft.AspNetCore.Routing.Patterns.RoutePattern pattern)
    {
        var path = pattern.RawText ?? "/";
        foreach (var parameter in pattern.Parameters)
        {
            var value = parameter.Name switch
            {
                "id" => "987654321",
                "documentName" => "v1",
                "studyInstanceUid" or "StudyInstanceUid" => "2.25.1",
                "Id" => "987654321",
                "path" when pattern.RawText!.Contains(":file", StringComparison.Ordinal) => "no-such-file.txt",
                _ => "",
            };
            path = System.Text.RegularExpressions.Regex.Replace(path, @"\{\**" + parameter.Name + @"[^}]*\}", value);
        }
        return "/" + path.TrimStart('/');
    }

    private static bool SameAccess(Access a, Access b) =>
        a.Roles is null ? b.Roles is null : b.Roles is not null && a.Roles.SetEquals(b.Roles);
}
