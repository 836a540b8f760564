using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace DoseWatch.Data;

/// <summary>
/// SQLite with WAL (readers never block the writer), foreign keys enforced and a busy handler that waits for the write
/// lock in 1 ms steps, so the web app, the Store SCP's intake and the extraction workers can share one file.
/// </summary>
public sealed partial class SqliteConnectionFactory : IDbConnectionFactory
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
            // Not PRAGMA busy_timeout: SQLite's own handler sleeps 1, 2, 5, 10, 15, 20, 25 … 100 ms between tries, so a
            // writer can go on up to 100 ms after the lock is free. Under sustained ingest (issue #18: extraction workers,
            // the inbox intake and the analyses all write) a profile counted ~125 such sleeps a second. This one tries
            // again every millisecond.
            WaitForWriteLockWhenBusy(connection);
            // temp_store: sorts, DISTINCTs and statement journals in memory. On disk each is a file created and deleted
            // in /var/tmp (issue #18's profile: ~1 per 2 instances received), and on a filesystem without a journal every
            // deleted inode makes the next file creations nearby scan past it for a while, the received files' included.
            // cache_size: 32 MB of pages per connection, not 2 MB. The analyses' index walks over a database of tens of MB
            //   otherwise read most pages back from the OS at each statement (issue #18: extraction fell further behind
            //   as the database grew; 2 MB to 64 MB cut a 200 s run's backlog from 1,810 to 1,146).
            // synchronous: set on every open, since a pooled connection keeps the last flow's (see DerivedWrites).
            Execute(connection, DerivedWrites.Active ? DerivedPragmas : DurablePragmas);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private const string SessionPragmas = "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-32768; ";
    private const string DurablePragmas = SessionPragmas + "PRAGMA synchronous=FULL;";
    private const string DerivedPragmas = SessionPragmas + "PRAGMA synchronous=NORMAL;";

    // Each call sleeps at least 1 ms: this many calls is at least the busy timeout, after which SQLITE_BUSY reaches the caller.
    private static readonly int BusyRetries = (int)BusyTimeout.TotalMilliseconds;

    /// <summary>SQLite's busy handler (sqlite3_busy_handler): 1 to wait and try again, 0 to give up with SQLITE_BUSY.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int WaitForWriteLock(IntPtr argument, int calls)
    {
        if (calls >= BusyRetries) return 0;
        Thread.Sleep(1);
        return 1;
    }

    private static unsafe void WaitForWriteLockWhenBusy(SqliteConnection connection)
    {
        var rc = sqlite3_busy_handler(connection.Handle!.DangerousGetHandle(), &WaitForWriteLock, IntPtr.Zero);
        if (rc != 0) throw new InvalidOperationException($"SQLite refused the busy handler (error {rc})");
    }

    // The native library Microsoft.Data.Sqlite runs on (SourceGear.sqlite3's e_sqlite3); SQLitePCLRaw 3 has no busy_handler binding.
    [LibraryImport("e_sqlite3")]
    private static unsafe partial int sqlite3_busy_handler(IntPtr db, delegate* unmanaged[Cdecl]<IntPtr, int, int> handler, IntPtr argument);

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
