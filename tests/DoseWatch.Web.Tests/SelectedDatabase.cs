using DoseWatch.Data;
using DoseWatch.Data.Migrations;
using DoseWatch.Tests;

namespace DoseWatch.Web.Tests;

/// <summary>
/// Databases for fixtures that build parts of the app without <see cref="DoseWatchApp"/>: SQLite in the given
/// directory, or a fresh database on the shared PostgreSQL server when <see cref="TestDatabaseEngine"/> selects it.
/// </summary>
public static class SelectedDatabase
{
    /// <summary>A migrated database; dispose it (PostgreSQL data source) when done.</summary>
    public static async Task<IDbConnectionFactory> NewMigratedAsync(string directory)
    {
        IDbConnectionFactory factory = TestDatabaseEngine.IsPostgres
            ? new PostgreSqlConnectionFactory(await TestDatabaseEngine.NewPostgresDatabaseAsync("fixture"))
            : new SqliteConnectionFactory(Path.Combine(directory, DbConnectionFactory.SqliteFileName));
        await new MigrationRunner(factory, MigrationCatalog.Embedded(factory.Provider)).MigrateAsync();
        return factory;
    }

    /// <summary>
    /// The configuration keys that point an app at the selected engine, for apps that must share one database across
    /// restarts or processes: empty for SQLite (the file in the data directory), a fresh PostgreSQL database otherwise.
    /// </summary>
    public static async Task<Dictionary<string, string?>> SettingsAsync() => TestDatabaseEngine.IsPostgres
        ? new()
        {
            ["DoseWatch:Database:Provider"] = "PostgreSql",
            ["DoseWatch:Database:ConnectionString"] = await TestDatabaseEngine.NewPostgresDatabaseAsync("web"),
        }
        : new() { ["DoseWatch:Database:Provider"] = "Sqlite" };
}
