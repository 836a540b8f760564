using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace DoseWatch.Tests;

/// <summary>
/// A throwaway PostgreSQL cluster for one test run: initdb in a temp folder owned by <c>postgres</c>, started on a
/// free loopback port with fsync off, stopped and deleted on dispose. Needs only the Debian server binaries (no NuGet
/// dependency, so every test project can compile this file). Each test should take its own database from
/// <see cref="CreateDatabaseAsync"/>.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _root;
    private int _stopped;

    private PostgresServer(string bin, string root, int port)
    {
        _bin = bin;
        _root = root;
        Port = port;
    }

    public int Port { get; }

    public string Host => "127.0.0.1";

    // Idle connections close within seconds: every test database has its own pool, and finished apps leave theirs behind.
    public string ConnectionString(string database = "postgres") =>
        $"Host={Host};Port={Port};Username=postgres;Database={database};Pooling=true;Include Error Detail=true;Connection Idle Lifetime=5;Connection Pruning Interval=1";

    public static string? FindBinDirectory() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => d, StringComparer.Ordinal)
                .FirstOrDefault()
            : null;

    public static async Task<PostgresServer> StartAsync()
    {
        var bin = FindBinDirectory()
            ?? throw new InvalidOperationException("PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql; scripts/install-test-deps.sh does it).");
        RemoveAbandonedClusters();
        var root = Directory.CreateTempSubdirectory("dosewatch-pg-").FullName;
        var port = FreeTcpPort();
        var server = new PostgresServer(bin, root, port);
        try
        {
            if (IsRoot) await RunAsync("chown", ["postgres:postgres", root]);
            var data = Path.Combine(root, "data");
            await server.RunPgAsync("initdb", ["-D", data, "-A", "trust", "-E", "UTF8", "--no-sync", "-U", "postgres"]);
            await server.RunPgAsync("pg_ctl", ["-D", data, "-l", Path.Combine(root, "server.log"), "-w", "-t", "30",
                "-o", $"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300",
                "start"]);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Creates an empty database with a unique name and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "test")
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)].ToLowerInvariant();
        await PsqlAsync($"CREATE DATABASE \"{name}\"");
        return ConnectionString(name);
    }

    private Task PsqlAsync(string command) =>
        RunAsync(Path.Combine(_bin, "psql"), ["-h", Host, "-p", Port.ToString(), "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-q", "-c", command]);

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, ending the sessions still connected to it.</summary>
    public Task DropDatabaseAsync(string name) => PsqlAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");

    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }

    private void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        // Stopped and deleted by a detached shell: at process exit the test host may be ended before a delete finishes.
        var data = Path.Combine(_root, "data");
        var script = $"'{Path.Combine(_bin, "pg_ctl")}' -D '{data}' -m immediate -w stop >/dev/null 2>&1; rm -rf '{_root}'";
        var info = IsRoot ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", "sh", "-c", script]) : new ProcessStartInfo("sh", ["-c", script]);
        info.UseShellExecute = false;
        using var process = Process.Start(info);
        process?.WaitForExit(TimeSpan.FromSeconds(10));
    }

    /// <summary>Clusters of earlier test runs whose process was killed: no running server, older than ten minutes.</summary>
    private static void RemoveAbandonedClusters()
    {
        foreach (var dir in Directory.GetDirectories(Path.GetTempPath(), "dosewatch-pg-*"))
        {
            var old = Directory.GetLastWriteTimeUtc(dir) < DateTime.UtcNow.AddMinutes(-10);
            if (!old || File.Exists(Path.Combine(dir, "data", "postmaster.pid"))) continue;
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static bool IsRoot => Environment.UserName == "root";

    private Task RunPgAsync(string tool, IReadOnlyList<string> arguments)
    {
        var path = Path.Combine(_bin, tool);
        // PostgreSQL refuses to run as root: run its tools as the postgres user.
        return IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", path, .. arguments]) : RunAsync(path, arguments);
    }

    private static async Task RunAsync(string fileName, IReadOnlyList<string> arguments)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Cannot start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited {process.ExitCode}: {await stderr}{await stdout}");
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// xunit fixture giving access to one PostgreSQL server shared by every test class of the test process (started on
/// first use, stopped when the process exits): a cluster costs a second or more to start on a loaded machine. Tests
/// isolate themselves with <see cref="PostgresServer.CreateDatabaseAsync"/>.
/// </summary>
public sealed class PostgresServerFixture : IAsyncLifetime
{
    private static readonly Lazy<Task<PostgresServer>> Shared = new(PostgresServer.StartAsync);
    private PostgresServer? _server;

    public PostgresServer Server => _server ?? throw new InvalidOperationException("PostgreSQL fixture not started");

    /// <summary>The process-wide server, for fixtures that are not xunit class fixtures (see <see cref="TestDatabaseEngine"/>).</summary>
    public static Task<PostgresServer> SharedServerAsync() => Shared.Value;

    public async Task InitializeAsync() => _server = await Shared.Value;

    public Task DisposeAsync() => Task.CompletedTask;
}
