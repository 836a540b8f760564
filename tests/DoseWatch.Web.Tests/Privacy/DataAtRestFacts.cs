using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DoseWatch.Core.Access;
using DoseWatch.Tests;
using DoseWatch.Web.Tests.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DoseWatch.Web.Tests.Privacy;

/// <summary>
/// Issue #22's "done when" for data at rest: a real RDSR with a known patient (name and ID as pydicom reads them from the
/// sent file) goes through storescu into the running app; afterwards no byte of any file under the data directory (the
/// inbox object, the SQLite database, its WAL and shared memory, the job store, keys aside) holds the name or the ID, no
/// log line does, every directory is 0700 and every file 0600, and the identity still reaches a physicist intact.
/// </summary>
public sealed class DataAtRestFacts : IAsyncLifetime
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("dosewatch-at-rest-");
    private readonly int _port = DoseWatchApp.FreeTcpPort();
    private readonly LogCapture _logs = new();
    private DoseWatchApp _app = null!;

    public async Task InitializeAsync() => _app = await DoseWatchApp.StartAsync(new Dictionary<string, string?>
    {
        // The file scan is the point: SQLite whatever engine the run selected (PostgreSQL's files are not ours to read).
        ["DoseWatch:Database:Provider"] = "Sqlite",
        ["Dicom:AeTitle"] = "ATREST",
        ["Dicom:Port"] = _port.ToString(CultureInfo.InvariantCulture),
        ["DoseWatch:Jobs:QueuePollInterval"] = "00:00:00.200",
    }, services => services.AddSingleton<ILoggerProvider>(_logs));

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _directory.Delete(recursive: true);
    }

    [SamplesFact]
    public async Task No_file_under_the_data_directory_nor_the_log_holds_the_patients_name_or_id()
    {
        var file = Path.Combine(_directory.FullName, "rdsr.dcm");
        File.Copy(SharedSamples.Path_("openrem/CT-RDSR-Siemens-Multi-1.dcm"), file);
        var suffix = Random.Shared.Next(100000, 999999).ToString(CultureInfo.InvariantCulture);
        await Dcmtk.RunAsync("dcmodify", "-nb", "-i", $"(0010,0010)=Quorrinsky^Zebedeus{suffix}", "-i", $"(0010,0020)=QX{suffix}", "-i", "(0010,0030)=19520317", file);
        var sent = IndependentPython.Run(new { path = file }, "-c", """
            import sys, json, pydicom
            ds = pydicom.dcmread(json.load(sys.stdin)['path'])
            print(json.dumps({'name': str(ds.PatientName), 'id': str(ds.PatientID), 'birth': str(ds.PatientBirthDate), 'study': str(ds.StudyInstanceUID)}))
            """);
        var (name, id, studyUid) = ((string)sent["name"]!, (string)sent["id"]!, (string)sent["study"]!);

        await Dcmtk.RunAsync("storescu", "-aec", "ATREST", "127.0.0.1", _port.ToString(CultureInfo.InvariantCulture), file);
        var patient = await WaitForPatientAsync(studyUid);
        Assert.Equal(name, patient.GetProperty("name").GetString());
        Assert.Equal(id, patient.GetProperty("id").GetString());
        Assert.Equal("1952-03-17", patient.GetProperty("birthDate").GetString());

        var needles = new[] { id, suffix }.Concat(name.Split('^')).Where(n => n.Length >= 3).Distinct().ToList();
        var scanned = new List<string>();
        foreach (var path in Directory.EnumerateFiles(_app.DataDirectory, "*", SearchOption.AllDirectories))
        {
            byte[] bytes;
            try
            {
                bytes = await File.ReadAllBytesAsync(path);
            }
            catch (FileNotFoundException)
            {
                continue; // a temporary file gone between listing and reading
            }
            scanned.Add(Path.GetRelativePath(_app.DataDirectory, path));
            foreach (var needle in needles)
            {
                Assert.False(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0, $"{path} holds '{needle}' in the clear");
                Assert.False(bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(needle)) >= 0, $"{path} holds '{needle}' as UTF-16");
            }
        }
        Assert.Contains("dosewatch.db", scanned);
        Assert.Contains(scanned, s => s.StartsWith("inbox" + Path.DirectorySeparatorChar, StringComparison.Ordinal) && s.EndsWith(".dcm", StringComparison.Ordinal));
        Assert.Contains("dosewatch.db-wal", scanned); // the write-ahead log, where freshly written pages live first

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(Core.Privacy.OwnerOnlyFiles.DirectoryMode, File.GetUnixFileMode(_app.DataDirectory));
            foreach (var d in Directory.EnumerateDirectories(_app.DataDirectory, "*", SearchOption.AllDirectories))
                Assert.True(File.GetUnixFileMode(d) == Core.Privacy.OwnerOnlyFiles.DirectoryMode, $"{d} is {File.GetUnixFileMode(d)}");
            foreach (var f in Directory.EnumerateFiles(_app.DataDirectory, "*", SearchOption.AllDirectories))
                if (File.Exists(f)) Assert.True(File.GetUnixFileMode(f) == Core.Privacy.OwnerOnlyFiles.FileMode, $"{f} is {File.GetUnixFileMode(f)}");
        }

        var lines = _logs.Lines.ToList();
        Assert.NotEmpty(lines);
        foreach (var needle in needles)
            Assert.DoesNotContain(lines, l => l.Contains(needle, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Health_shows_the_database_location_only_to_a_signed_in_caller()
    {
        using var anonymous = _app.CreateHttpClient(role: null);
        using var administrator = _app.CreateHttpClient(Roles.Administrator);
        var open = await anonymous.GetStringAsync("/health");
        var signedIn = await administrator.GetStringAsync("/health");

        Assert.DoesNotContain("location", open, StringComparison.Ordinal);
        Assert.DoesNotContain(_app.DataDirectory, open, StringComparison.Ordinal);
        Assert.Contains("\"status\": \"Healthy\"", open, StringComparison.Ordinal);
        Assert.Contains(JsonEncodedText.Encode(_app.DataDirectory).ToString(), signedIn, StringComparison.Ordinal);
    }

    private async Task<JsonElement> WaitForPatientAsync(string studyUid)
    {
        using var physicist = _app.CreateHttpClient(Roles.Physicist);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var response = await physicist.GetAsync($"/api/v1/studies/{studyUid}");
            if (response.IsSuccessStatusCode) return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("patient");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"study {studyUid} not stored 30 s after storescu");
            await Task.Delay(100);
        }
    }

    /// <summary>Every formatted log message and exception text the app writes, at every level.</summary>
    private sealed class LogCapture : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose() { }

        private sealed class Logger(LogCapture owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Lines.Enqueue(formatter(state, exception) + (exception is null ? "" : " " + exception));
        }
    }
}
