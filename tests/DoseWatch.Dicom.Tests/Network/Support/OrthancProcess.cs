using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace DoseWatch.Tests.Network;

/// <summary>
/// A throwaway Orthanc (Debian package) on free ports with its storage in a temp folder and no plugins. It has no
/// bind-address option, so it is only ever sent traffic on 127.0.0.1.
/// </summary>
public sealed class OrthancProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TempDirectory _dir = new();

    private OrthancProcess(Process process, int httpPort, int dicomPort)
    {
        _process = process;
        HttpPort = httpPort;
        DicomPort = dicomPort;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public const string AeTitle = "ORTHANC";

    public int HttpPort { get; }
    public int DicomPort { get; }
    public HttpClient Http { get; }

    /// <param name="modalities">name → (AE title, port on 127.0.0.1) of the peers Orthanc may send to.</param>
    public static async Task<OrthancProcess> StartAsync(IReadOnlyDictionary<string, (string AeTitle, int Port)>? modalities = null)
    {
        var dir = new TempDirectory();
        var http = PeerProcess.FreePort();
        var dicom = PeerProcess.FreePort();
        var config = new Dictionary<string, object>
        {
            ["Name"] = "DoseWatch test",
            ["StorageDirectory"] = dir.File("storage"),
            ["IndexDirectory"] = dir.File("index"),
            ["HttpPort"] = http,
            ["DicomPort"] = dicom,
            ["DicomAet"] = AeTitle,
            ["RemoteAccessAllowed"] = false,
            ["AuthenticationEnabled"] = false,
            ["Plugins"] = Array.Empty<string>(),
            ["DicomCheckCalledAet"] = false,
            ["DicomAlwaysAllowStore"] = true,
            ["DicomModalities"] = (modalities ?? new Dictionary<string, (string, int)>())
                .ToDictionary(m => m.Key, m => (object)new object[] { m.Value.AeTitle, "127.0.0.1", m.Value.Port }),
        };
        var configPath = dir.File("orthanc.json");
        await File.WriteAllTextAsync(configPath, JsonSerializer.Serialize(config));
        var process = PeerProcess.Start("/usr/sbin/Orthanc", [configPath], dir.Path);
        process.StandardOutput.ReadToEndAsync().ContinueWith(_ => { }, TaskScheduler.Default).GetAwaiter();
        process.StandardError.ReadToEndAsync().ContinueWith(_ => { }, TaskScheduler.Default).GetAwaiter();
        var orthanc = new OrthancProcess(process, http, dicom);
        orthanc._dir.Dispose();
        orthanc._owned = dir;
        await orthanc.WaitReadyAsync();
        return orthanc;
    }

    private TempDirectory? _owned;

    private async Task WaitReadyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"Orthanc exited with {_process.ExitCode}");
            try
            {
                if ((await Http.GetAsync("system")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline) { }
            await Task.Delay(100);
        }
    }

    public async Task<string[]> InstanceIdsAsync() => await Http.GetFromJsonAsync<string[]>("instances") ?? [];

    public async Task<string> UploadAsync(string path)
    {
        using var content = new ByteArrayContent(await File.ReadAllBytesAsync(path));
        var response = await Http.PostAsync("instances", content);
        response.EnsureSuccessStatusCode();
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        return json.GetProperty("ID").GetString()!;
    }

    public async Task DownloadAsync(string instanceId, string path) =>
        await File.WriteAllBytesAsync(path, await Http.GetByteArrayAsync($"instances/{instanceId}/file"));

    public async ValueTask DisposeAsync()
    {
        try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        await _process.WaitForExitAsync();
        _process.Dispose();
        Http.Dispose();
        _owned?.Dispose();
    }
}
