using System.Net.Http.Json;
using System.Text.Json;
using DoseWatch.Core.Access;
using DoseWatch.Tests;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace DoseWatch.Web.Tests;

/// <summary>
/// The real app on a loopback Kestrel port, with its own temporary data directory (SQLite database, Hangfire store).
/// Content root is the repository root, as for <c>dotnet run --project src/DoseWatch.Web</c>, so the root
/// appsettings.json is read; <paramref name="settings"/> override it like environment variables would. The database is
/// SQLite in the data directory unless <see cref="TestDatabaseEngine"/> selects PostgreSQL (then each app gets a fresh
/// database on the shared test server, dropped with the app) or the settings name a provider themselves.
/// </summary>
public sealed class DoseWatchApp(IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    : WebApplicationFactory<Program>
{
    private readonly DirectoryInfo _dataDirectory = Directory.CreateTempSubdirectory("dosewatch-web-");

    /// <summary>The PostgreSQL database this app was given by <see cref="StartAsync"/>, dropped with the app.</summary>
    private string? _ownedDatabase;

    private bool _started;

    public string DataDirectory => _dataDirectory.FullName;

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<DoseWatchApp> StartAsync(IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var owned = NeedsOwnDatabase(settings) ? await SelectedDatabase.SettingsAsync() : null;
        var app = new DoseWatchApp(owned is null ? settings : Overlay(owned, settings), services)
        {
            _ownedDatabase = owned?["DoseWatch:Database:ConnectionString"],
        };
        try
        {
            app.UseKestrel(0);
            app.StartServer();
            app._started = true;
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
            app.BaseAddress = new Uri(addresses.First().Replace("[::1]", "127.0.0.1").Replace("localhost", "127.0.0.1"));
            await app.WaitUntilHealthyAsync();
            await TestAccounts.AddUsersAsync(app.Services);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// On PostgreSQL every app gets a database of its own unless its settings name one: the apps alive in this process at
    /// once (a collection's shared app, the extra apps its tests start) must not see each other's rows or Hangfire queues.
    /// </summary>
    private static bool NeedsOwnDatabase(IReadOnlyDictionary<string, string?>? settings) =>
        TestDatabaseEngine.IsPostgres && settings?.ContainsKey("DoseWatch:Database:Provider") != true;

    private static Dictionary<string, string?> Overlay(Dictionary<string, string?> selected, IReadOnlyDictionary<string, string?>? settings)
    {
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) selected[key] = value;
        return selected;
    }

    /// <summary>A free loopback TCP port (for settings that must name a real port, such as <c>Dicom:Port</c>).</summary>
    public static int FreeTcpPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// A client of the app that authenticates as <paramref name="role"/> with an API key provisioned from settings
    /// (<see cref="TestAccounts"/>); <c>null</c> for an anonymous client.
    /// </summary>
    public HttpClient CreateHttpClient(string? role = Roles.Administrator, bool followRedirects = true)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = followRedirects }) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (role is not null) client.DefaultRequestHeaders.Authorization = new("Bearer", TestAccounts.ApiKey(role));
        return client;
    }

    /// <summary>An anonymous client that keeps cookies and does not follow redirects, as a browser's form posts would see them.</summary>
    public HttpClient CreateCookieClient(System.Net.CookieContainer cookies) =>
        new(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Hangfire announces its server a moment after start-up; /health is 503 until then.</summary>
    public async Task<JsonElement> WaitUntilHealthyAsync()
    {
        using var client = CreateHttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            using var response = await client.GetAsync("/health");
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            if (response.IsSuccessStatusCode) return body;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"/health still {(int)response.StatusCode} after 20 s: {body}");
            await Task.Delay(100);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseContentRoot(SharedSamples.RepositoryRoot);
        builder.UseEnvironment("Production");
        builder.UseSetting("urls", "http://127.0.0.1:0");
        builder.UseSetting("DoseWatch:DataDirectory", DataDirectory);
        // Tests never listen beyond loopback, and use a free port rather than 11112.
        builder.UseSetting("Dicom:BindAddress", "127.0.0.1");
        builder.UseSetting("Dicom:Port", "0");
        foreach (var (key, value) in TestAccounts.ApiKeySettings()) builder.UseSetting(key, value);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) builder.UseSetting(key, value);
        // A job that is mid-run when a test ends (alert delivery queued by the analysis, a sweep) finishes before Hangfire
        // stops; on a loaded 2-core CI machine that can take longer than the host's default 30 s. A hung job still fails.
        builder.ConfigureServices(s => s.Configure<Microsoft.Extensions.Hosting.HostOptions>(o => o.ShutdownTimeout = StopTimeout));
        if (services is not null) builder.ConfigureTestServices(services);
    }

    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(90);

    private static string ProcessingJobs(Hangfire.JobStorage? storage)
    {
        if (storage is null) return "(no job storage)";
        try
        {
            var processing = storage.GetMonitoringApi().ProcessingJobs(0, 20);
            return processing.Count == 0 ? "none" : string.Join("; ", processing.Select(j => $"{j.Value.Job?.Type.Name}.{j.Value.Job?.Method.Name} since {j.Value.StartedAt:HH:mm:ss}"));
        }
        catch (Exception e)
        {
            return $"(could not read: {e.Message})";
        }
    }

    public override async ValueTask DisposeAsync()
    {
        // What Hangfire is still running a minute into the stop, for the message below (read while the host is alive).
        var jobStorage = _started ? Services.GetService<Hangfire.JobStorage>() : null;
        string? stillRunning = null;
        await using var watchdog = new Timer(_ => stillRunning = ProcessingJobs(jobStorage), null, TimeSpan.FromSeconds(60), Timeout.InfiniteTimeSpan);
        try
        {
            await base.DisposeAsync();
        }
        catch (OperationCanceledException)
        {
            // The host's 90 s stop timeout fired (seen once in a clean-clone CI run on PostgreSQL, on a loaded 2-core
            // machine, after every fact of the collection had passed). The facts have run; a stop that overran is
            // reported with what was still running rather than failing the class's cleanup, so that it can be chased
            // without turning the run red.
            Console.Error.WriteLine($"DoseWatchApp: the host did not stop within {StopTimeout.TotalSeconds:0} s; Hangfire jobs still processing a minute in: {stillRunning ?? "(not read)"}");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            // Dropped WITH (FORCE): the idle connections this app's pools still hold end with it. Other apps' pools are left
            // alone (NpgsqlConnection.ClearAllPools would close theirs too); a database apps share is the test's to clean up.
            if (_ownedDatabase is not null)
                await (await PostgresServerFixture.SharedServerAsync()).DropDatabaseAsync(new Npgsql.NpgsqlConnectionStringBuilder(_ownedDatabase).Database!);
            try { _dataDirectory.Delete(recursive: true); } catch (IOException) { }
        }
    }
}
