using DoseWatch.Data;
using DoseWatch.Tests;

namespace DoseWatch.Data.Tests;

/// <summary>Gives each test a fresh, empty database on one provider; everything it made is removed on dispose.</summary>
public interface ITestDatabases : IAsyncDisposable
{
    DatabaseProvider Provider { get; }

    Task<IDbConnectionFactory> NewDatabaseAsync();
}

/// <summary>
/// Repository facts either name both engines (an abstract class with a <c>Sqlite…</c> and a <c>PostgreSql…</c>
/// subclass, run in every pass) or take <see cref="Selected"/>, which follows <see cref="TestDatabaseEngine"/>: SQLite in
/// the first pass of scripts/test.sh, PostgreSQL in the second.
/// </summary>
public static class TestDatabases
{
    public static ITestDatabases Selected() => TestDatabaseEngine.IsPostgres ? new SelectedPostgreSqlTestDatabases() : new SqliteTestDatabases();

    /// <summary>PostgreSQL on the process-wide shared server, for facts that are not given a class fixture.</summary>
    private sealed class SelectedPostgreSqlTestDatabases : ITestDatabases
    {
        private PostgreSqlTestDatabases? _inner;

        public DatabaseProvider Provider => DatabaseProvider.PostgreSql;

        public async Task<IDbConnectionFactory> NewDatabaseAsync()
        {
            _inner ??= new PostgreSqlTestDatabases(await PostgresServerFixture.SharedServerAsync());
            return await _inner.NewDatabaseAsync();
        }

        public ValueTask DisposeAsync() => _inner?.DisposeAsync() ?? ValueTask.CompletedTask;
    }
}

public sealed class SqliteTestDatabases : ITestDatabases
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("dosewatch-sqlite-");

    public DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public Task<IDbConnectionFactory> NewDatabaseAsync() =>
        Task.FromResult<IDbConnectionFactory>(new SqliteConnectionFactory(Path.Combine(_directory.FullName, $"{Guid.NewGuid():N}.db")));

    public ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
        return ValueTask.CompletedTask;
    }
}

public sealed class PostgreSqlTestDatabases(PostgresServer server) : ITestDatabases
{
    private readonly List<PostgreSqlConnectionFactory> _factories = [];

    public DatabaseProvider Provider => DatabaseProvider.PostgreSql;

    public async Task<IDbConnectionFactory> NewDatabaseAsync()
    {
        var factory = new PostgreSqlConnectionFactory(await server.CreateDatabaseAsync());
        _factories.Add(factory);
        return factory;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var f in _factories) await f.DisposeAsync();
    }
}

/// <summary>Base of repository facts: each test gets a fresh database on the subclass's provider, migrated to the latest version.</summary>
public abstract class MigratedDatabaseFacts(ITestDatabases databases) : IAsyncLifetime
{
    protected IDbConnectionFactory Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Factory = await databases.NewDatabaseAsync();
        await new global::DoseWatch.Data.Migrations.MigrationRunner(Factory, global::DoseWatch.Data.Migrations.MigrationCatalog.Embedded(databases.Provider)).MigrateAsync();
    }

    public async Task DisposeAsync() => await databases.DisposeAsync();
}
