using System.Net;
using System.Text.Json;
using DoseWatch.Tests;

namespace DoseWatch.Web.Tests;

/// <summary>The scale-out configuration: DoseWatch's tables and Hangfire's job store in one real PostgreSQL database.</summary>
public sealed class PostgreSqlHostingFacts(PostgresServerFixture postgres) : IClassFixture<PostgresServerFixture>
{
    [Fact]
    public async Task Boots_on_postgresql_with_migrations_applied_and_a_job_server_on_the_postgresql_store()
    {
        var connectionString = await postgres.Server.CreateDatabaseAsync("web");
        await using var app = await DoseWatchApp.StartAsync(new Dictionary<string, string?>
        {
            ["DoseWatch:Database:Provider"] = "PostgreSql",
            ["DoseWatch:Database:ConnectionString"] = connectionString,
        });
        using var client = app.CreateHttpClient();

        using var response = await client.GetAsync("/health");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("PostgreSql", body.GetProperty("database").GetProperty("provider").GetString());
        Assert.Equal(body.GetProperty("database").GetProperty("expectedVersion").GetInt32(), body.GetProperty("database").GetProperty("migratedVersion").GetInt32());
        Assert.True(body.GetProperty("jobServer").GetProperty("aliveServers").GetInt32() >= 1);
        Assert.False(File.Exists(Path.Combine(app.DataDirectory, "hangfire.db")));
        Assert.False(File.Exists(Path.Combine(app.DataDirectory, "dosewatch.db")));
    }

    [Fact]
    public async Task Postgresql_without_a_connection_string_stops_start_up_naming_the_key()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => DoseWatchApp.StartAsync(new Dictionary<string, string?>
        {
            ["DoseWatch:Database:Provider"] = "PostgreSql",
            ["DoseWatch:Database:ConnectionString"] = "",
        }));

        Assert.Contains("DoseWatch:Database:ConnectionString", e.ToString());
    }
}
