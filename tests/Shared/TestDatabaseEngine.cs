namespace DoseWatch.Tests;

/// <summary>
/// Which database engine the fixtures that make databases and apps use when a test does not choose one itself:
/// environment variable <c>DOSEWATCH_TEST_DATABASE</c> = <c>sqlite</c> (default) or <c>postgres</c>. scripts/test.sh
/// runs the Data and Web test projects a second time with <c>postgres</c>; the PostgreSQL server is the one
/// <see cref="PostgresServerFixture"/> shares across the test process. Tests that are about one engine (SQLite file
/// layout, a PostgreSQL-only feature) name their engine explicitly and are not affected.
/// </summary>
public static class TestDatabaseEngine
{
    public const string Variable = "DOSEWATCH_TEST_DATABASE";

    public static bool IsPostgres { get; } = Parse(Environment.GetEnvironmentVariable(Variable));

    /// <summary>The value of <c>DoseWatch:Database:Provider</c> for the selected engine.</summary>
    public static string ProviderSetting => IsPostgres ? "PostgreSql" : "Sqlite";

    /// <summary>A fresh, empty database on the shared test server (PostgreSQL only).</summary>
    public static async Task<string> NewPostgresDatabaseAsync(string prefix = "test") =>
        await (await PostgresServerFixture.SharedServerAsync()).CreateDatabaseAsync(prefix);

    private static bool Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "sqlite" => false,
        "postgres" or "postgresql" => true,
        _ => throw new InvalidOperationException($"{Variable}={value}: expected sqlite or postgres."),
    };
}
