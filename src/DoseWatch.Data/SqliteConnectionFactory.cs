using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace DoseWatch.Data;

/// <summary>
/// SQLite with WAL (readers never block the writer), foreign keys enforced and a busy timeout, so the web app,
/// the Store SCP and Hangfire workers can share one file.
/// </summary>
public sealed class SqliteConnectionFactory : IDbConnectionFactory
{
    static SqliteConnectionFactory() => DapperTypeHandlers.EnsureRegistered();

    private static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);
    private readonly string _connectionString;

    public SqliteConnectionFactory(string databasePath)
    {
        DatabasePath = Path.GetFullPath(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            ForeignKeys = true,
            Pooling = true,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        }.ToString();
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        // journal_mode is stored in the file: setting it once is enough for every later connection.
        Execute(connection, "PRAGMA journal_mode=WAL;");
    }

    public string DatabasePath { get; }

    public DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public string Description => $"SQLite {DatabasePath}";

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            // temp_store: sorts, DISTINCTs and statement journals in memory. On disk each is a file created and deleted
            // in /var/tmp (issue #18's profile: ~1 per 2 instances received), and on a filesystem without a journal every
            // deleted inode makes the next file creations nearby scan past it for a while, the received files' included.
            Execute(connection, $"PRAGMA busy_timeout={(int)BusyTimeout.TotalMilliseconds}; PRAGMA temp_store=MEMORY;");
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
