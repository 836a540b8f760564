namespace DoseWatch.Cli.Tests.Support;

/// <summary>The sqlite3 shell as the tests' independent reader of a database file.</summary>
public static class SqliteShell
{
    /// <summary>
    /// The shell's busy timeout is 0: it fails at once with "database is locked" when the file is briefly locked, as
    /// when the product's last pooled connection closes and checkpoints the WAL (a clean-clone CI run failed so). The
    /// product itself waits (SqliteConnectionFactory.BusyTimeout); so does its reader here.
    /// </summary>
    public static readonly string[] WaitForLocks = ["-cmd", ".timeout 10000"];
}
