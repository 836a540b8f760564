using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using DoseWatch.Tests;

namespace DoseWatch.Cli.Tests.Support;

/// <summary>
/// The real DoseWatch web app run as its own process (<c>dotnet DoseWatch.Web.dll</c>, built through this project's
/// build-order reference), as an operator would run it, on free loopback ports with a temporary data directory.
/// A process rather than WebApplicationFactory: the CLI and the web app both have a top-level Program class.
/// </summary>
public sealed class RunningDoseWatch : IAsyncLifetime
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("dosewatch-cli-app-");
    private readonly List<string> _log = [];
    private Process? _process;

    public string AeTitle { get; } = $"DW{Random.Shared.Next(100000, 999999)}";
    public int DicomPort { get; } = FreeTcpPort();
    public int HttpPort { get; } = FreeTcpPort();
    /// <summary>Authenticated as an administrator with <see cref="ApiKey"/>.</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>An administrator key, provisioned through the app's configuration as an unattended install would.</summary>
    public string ApiKey { get; } = $"dwk_clitests_{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24))}";

    public string DataDirectory => _data.FullName;

    /// <summary>A client of the running app with <paramref name="bearerKey"/> (null: anonymous).</summary>
    public HttpClient CreateClient(string? bearerKey)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}"), Timeout = TimeSpan.FromSeconds(30) };
        if (bearerKey is not null) client.DefaultRequestHeaders.Authorization = new("Bearer", bearerKey);
        return client;
    }

    public async Task InitializeAsync()
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(WebAssembly());
        foreach (var setting in new[]
        {
            $"--urls=http://127.0.0.1:{HttpPort}", $"--DoseWatch:DataDirectory={_data.FullName}", "--Dicom:BindAddress=127.0.0.1",
            $"--Dicom:Port={DicomPort}", $"--Dicom:AeTitle={AeTitle}", "--DoseWatch:Jobs:QueuePollInterval=00:00:00.200",
            "--DoseWatch:Auth:ProvisionedApiKeys:0:Name=cli-tests", $"--DoseWatch:Auth:ProvisionedApiKeys:0:Key={ApiKey}",
            "--DoseWatch:Auth:ProvisionedApiKeys:0:Role=Administrator",
        }) info.ArgumentList.Add(setting);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, e) => Log(e.Data);
        _process.ErrorDataReceived += (_, e) => Log(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Client = CreateClient(ApiKey);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"DoseWatch exited {_process.ExitCode}:\n{LogText()}");
            try
            {
                using var response = await Client.GetAsync("/health");
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"DoseWatch not healthy after 60 s:\n{LogText()}");
            await Task.Delay(200);
        }
    }

    /// <summary>The study once it has at least <paramref name="events"/> events (extraction runs in a background job).</summary>
    public async Task<JsonElement> WaitForStudyAsync(string studyUid, int events = 1, double seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            using var response = await Client.GetAsync($"/api/v1/studies/{studyUid}");
            if (response.IsSuccessStatusCode)
            {
                var study = await response.Content.ReadFromJsonAsync<JsonElement>();
                if (study.GetProperty("events").GetArrayLength() >= events) return study;
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"study {studyUid} with {events} events not queryable after {seconds} s:\n{LogText()}");
            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        try { _data.Delete(recursive: true); } catch (IOException) { }
    }

    private void Log(string? line)
    {
        if (line is null) return;
        lock (_log)
        {
            _log.Add(line);
            if (_log.Count > 200) _log.RemoveAt(0);
        }
    }

    private string LogText()
    {
        lock (_log) return string.Join('\n', _log);
    }

    private static string WebAssembly()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var path = Path.Combine(SharedSamples.RepositoryRoot, "src", "DoseWatch.Web", "bin", configuration, "net10.0", "DoseWatch.Web.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("build DoseWatch.Web first (the test project's build does)", path);
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
