using System.Net;
using System.Text.Json;
using DoseWatch.Core.Abstractions;
using DoseWatch.Tests;
using DoseWatch.Web.Tests.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace DoseWatch.Web.Tests;

public sealed class SharedApp : IAsyncLifetime
{
    /// <summary>Values the tests configure and then expect to see; random so a stale default cannot pass.</summary>
    public string AeTitle { get; } = $"DW{Random.Shared.Next(100000, 999999)}";

    public int DicomPort { get; } = DoseWatchApp.FreeTcpPort();

    /// <summary>Stands in for the dose extractor, which is another module's (see Jobs/InboxFacts).</summary>
    public ScriptedDoseExtraction Extraction { get; } = new();

    public DoseWatchApp App { get; private set; } = null!;

    public async Task InitializeAsync() => App = await DoseWatchApp.StartAsync(new Dictionary<string, string?>
    {
        ["Dicom:AeTitle"] = AeTitle,
        ["Dicom:Port"] = DicomPort.ToString(),
        ["DoseWatch:Jobs:QueuePollInterval"] = "00:00:00.200",
    }, services => services.AddSingleton<IDoseExtraction>(Extraction));

    public async Task DisposeAsync() => await App.DisposeAsync();
}

[CollectionDefinition(nameof(SharedApp))]
public sealed class SharedAppCollection : ICollectionFixture<SharedApp>;

[Collection(nameof(SharedApp))]
public sealed class HostingFacts(SharedApp shared)
{
    private static int LatestMigrationOnDisk() =>
        Directory.GetFiles(Path.Combine(SharedSamples.RepositoryRoot, "migrations"), "*.sql").Max(p => int.Parse(Path.GetFileName(p)[..4]));

    [Fact]
    public async Task Health_is_200_with_the_migrated_version_and_a_live_job_server()
    {
        using var client = shared.App.CreateHttpClient();

        using var response = await client.GetAsync("/health");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        var database = body.GetProperty("database");
        Assert.True(database.GetProperty("reachable").GetBoolean());
        Assert.Equal(LatestMigrationOnDisk(), database.GetProperty("migratedVersion").GetInt32());
        Assert.Equal(TestDatabaseEngine.ProviderSetting, database.GetProperty("provider").GetString());
        if (!TestDatabaseEngine.IsPostgres) Assert.Contains(shared.App.DataDirectory, database.GetProperty("location").GetString());
        Assert.True(body.GetProperty("jobServer").GetProperty("aliveServers").GetInt32() >= 1);
    }

    [Fact]
    public async Task Database_job_store_and_data_protection_keys_live_in_the_configured_data_directory()
    {
        using var client = shared.App.CreateHttpClient();
        await client.GetStringAsync("/"); // a page with a form needs the antiforgery key

        // On PostgreSQL (DOSEWATCH_TEST_DATABASE=postgres) both stores are in the server, and no file is made for them.
        Assert.Equal(!TestDatabaseEngine.IsPostgres, File.Exists(Path.Combine(shared.App.DataDirectory, "dosewatch.db")));
        Assert.Equal(!TestDatabaseEngine.IsPostgres, File.Exists(Path.Combine(shared.App.DataDirectory, "hangfire.db")));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(shared.App.DataDirectory, "keys"), "key-*.xml"));
    }

    [Fact]
    public async Task Hangfire_dashboard_answers_local_requests()
    {
        using var client = shared.App.CreateHttpClient();

        using var response = await client.GetAsync("/hangfire");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("DoseWatch jobs", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Overview_empty_state_shows_the_configured_ae_title_port_and_this_host()
    {
        using var client = shared.App.CreateHttpClient();

        var html = await client.GetStringAsync("/");

        Assert.Contains($"data-field=\"ae-title\">{shared.AeTitle}<", html);
        Assert.Contains($"data-field=\"port\">{shared.DicomPort}<", html);
        Assert.Contains($"data-field=\"host\">{Dns.GetHostName()}<", html);
    }

    [Theory]
    [InlineData("/_framework/blazor.web.js", "text/javascript")]
    [InlineData("/css/app.css", "text/css")]
    [InlineData("/favicon.svg", "image/svg+xml")]
    public async Task Framework_and_root_wwwroot_assets_are_served(string path, string mediaType)
    {
        using var client = shared.App.CreateHttpClient();

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        if (path.StartsWith("/css/") || path.StartsWith("/favicon"))
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(SharedSamples.RepositoryRoot, "wwwroot", path.TrimStart('/'))),
                await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Plotly_full_bundle_with_box_traces_is_served_locally()
    {
        using var client = shared.App.CreateHttpClient();

        var bundle = await client.GetStringAsync("/_content/Plotly.Blazor/plotly-3.7.0.min.js");

        // The basic bundle registers no box trace module; the full one does.
        Assert.Contains("moduleType:\"trace\",name:\"box\"", bundle.Replace(" ", ""));
    }
}
