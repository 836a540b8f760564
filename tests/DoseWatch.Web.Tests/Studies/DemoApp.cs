using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Data.Common;
using DoseWatch.Data;
using DoseWatch.Tests;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DoseWatch.Web.Tests.Studies;

/// <summary>
/// An app of its own filled by <c>dosewatch demo</c> (the CLI's own DLL, C-STOREd to the app's Store SCP like a
/// modality), waited on until every study is extracted and analysed. Shared by the study browser's browser tests.
/// </summary>
public sealed class DemoApp : IAsyncLifetime
{
    public const int Studies = 40;

    public string AeTitle { get; } = $"DW{Random.Shared.Next(100000, 999999)}";

    public int DicomPort { get; } = DoseWatchApp.FreeTcpPort();

    public DoseWatchApp App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = await DoseWatchApp.StartAsync(new Dictionary<string, string?>
        {
            ["Dicom:AeTitle"] = AeTitle,
            ["Dicom:Port"] = DicomPort.ToString(CultureInfo.InvariantCulture),
            ["DoseWatch:Jobs:QueuePollInterval"] = "00:00:00.200",
        });
        await RunDemoAsync();
        using var client = App.CreateHttpClient();
        await WaitAsync(async () => (await client.GetFromJsonAsync<JsonElement>("/api/v1/studies?pageSize=1")).GetProperty("total").GetInt64() == Studies, "studies extracted");
        // Analysis follows extraction: settled when every instance is extracted and the alert count stops moving.
        var last = -1L;
        await WaitAsync(async () =>
        {
            var now = (await client.GetFromJsonAsync<JsonElement>("/api/v1/alerts?pageSize=1")).GetProperty("total").GetInt64();
            var settled = now == last && Scalar("SELECT COUNT(*) FROM instances WHERE status <> 'extracted'") == 0;
            last = now;
            if (!settled) await Task.Delay(700);
            return settled;
        }, "alerts settled");
    }

    public async Task DisposeAsync()
    {
        try
        {
            await App.DisposeAsync();
        }
        catch (OperationCanceledException)
        {
            // Hangfire's dispatcher reports the host's stop as a cancellation when a job (alert digests, sweeps) was
            // still waiting; the app is stopped either way, and nothing of this test depends on it.
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(App.DataDirectory, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>
    /// Independent counting: the test's own SQL straight on the app's database, through a connection of the test's own
    /// (read-only on the SQLite file; the app's PostgreSQL database when <see cref="TestDatabaseEngine"/> selects it).
    /// </summary>
    public long Scalar(string sql, params (string Name, object Value)[] parameters) => Convert.ToInt64(Execute(sql, parameters), CultureInfo.InvariantCulture);

    public string? Text(string sql, params (string Name, object Value)[] parameters) => Execute(sql, parameters) as string;

    /// <summary>Every value of the first column, in the order the query gives.</summary>
    public IReadOnlyList<string> Column(string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = Open();
        using var command = Command(connection, sql, parameters);
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read()) values.Add(reader.GetString(0));
        return values;
    }

    private object? Execute(string sql, (string Name, object Value)[] parameters)
    {
        using var connection = Open();
        using var command = Command(connection, sql, parameters);
        return command.ExecuteScalar();
    }

    private DbConnection Open()
    {
        var database = App.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        DbConnection connection = database.Provider == DatabaseProvider.PostgreSql
            ? new NpgsqlConnection(database.ConnectionString)
            : new SqliteConnection($"Data Source={Path.Combine(App.DataDirectory, DbConnectionFactory.SqliteFileName)};Mode=ReadOnly;Pooling=False");
        connection.Open();
        return connection;
    }

    private static DbCommand Command(DbConnection connection, string sql, (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    private async Task RunDemoAsync()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var cli = Path.Combine(SharedSamples.RepositoryRoot, "src", "DoseWatch.Cli", "bin", configuration, "net10.0", "dosewatch.dll");
        if (!File.Exists(cli)) throw new FileNotFoundException("build DoseWatch.Cli first (this test project's build does)", cli);
        await Jobs.Dcmtk.RunAsync("dotnet", cli, "demo", "--studies", Studies.ToString(CultureInfo.InvariantCulture), "--seed", "11",
            "--host", "127.0.0.1", "--port", DicomPort.ToString(CultureInfo.InvariantCulture), "--aec", AeTitle);
    }

    private static async Task WaitAsync(Func<Task<bool>> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!await done())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what}: not after 90 s");
            await Task.Delay(200);
        }
    }
}

[CollectionDefinition(nameof(DemoApp))]
public sealed class DemoAppCollection : ICollectionFixture<DemoApp>;
