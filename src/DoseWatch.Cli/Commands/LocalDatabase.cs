using DoseWatch.Data;

namespace DoseWatch.Cli.Commands;

/// <summary>
/// The DoseWatch database and data directory for commands that work on them directly (audit, de-identified export):
/// <c>--data DIR</c> (else DoseWatch__DataDirectory, else ./data) and, for PostgreSQL, <c>--postgres CONNECTION</c>
/// (else DoseWatch__Database__Provider=PostgreSql with DoseWatch__Database__ConnectionString), the same settings the app reads.
/// </summary>
internal sealed class LocalDatabase
{
    public const string Usage = "[--data DIR] [--postgres CONNECTION]";

    private LocalDatabase(string dataDirectory, DatabaseOptions options)
    {
        DataDirectory = Path.GetFullPath(dataDirectory);
        Options = options;
    }

    public string DataDirectory { get; }

    public DatabaseOptions Options { get; }

    public static LocalDatabase From(NetworkArguments a)
    {
        var data = a.Get("--data", Environment.GetEnvironmentVariable("DoseWatch__DataDirectory") is { Length: > 0 } env ? env : "./data");
        var options = new DatabaseOptions();
        if (a.Has("--postgres"))
        {
            options.Provider = DatabaseProvider.PostgreSql;
            options.ConnectionString = a.Get("--postgres", "");
        }
        else if (string.Equals(Environment.GetEnvironmentVariable("DoseWatch__Database__Provider"), nameof(DatabaseProvider.PostgreSql), StringComparison.OrdinalIgnoreCase))
        {
            options.Provider = DatabaseProvider.PostgreSql;
            options.ConnectionString = Environment.GetEnvironmentVariable("DoseWatch__Database__ConnectionString");
        }
        if (options.Provider == DatabaseProvider.Sqlite && !File.Exists(Path.Combine(data, DbConnectionFactory.SqliteFileName)))
            throw new ArgumentException($"no DoseWatch database in {Path.GetFullPath(data)} (give --data DIR or --postgres CONNECTION)");
        return new LocalDatabase(data, options);
    }

    public IDbConnectionFactory Open() => DbConnectionFactory.Create(Options, DataDirectory);
}
