using DoseWatch.Data;
using DoseWatch.Data.Migrations;

namespace DoseWatch.Cli.Commands;

/// <summary>
/// The database the web app uses, found the way the app finds it: <c>--data DIR</c> or <c>DoseWatch__DataDirectory</c>
/// (default ./data) for SQLite; <c>DoseWatch__Database__Provider=PostgreSql</c> and <c>DoseWatch__Database__ConnectionString</c>
/// (or <c>--postgres CONNECTION</c>) for PostgreSQL, as <see cref="LocalDatabase"/> reads them; unlike it, a missing SQLite file
/// is created and migrations are applied first, so the first administrator can be added before the app's first start.
/// </summary>
internal static class DatabaseTarget
{
    public const string Usage = LocalDatabase.Usage;

    public static async Task<IDbConnectionFactory> OpenAsync(NetworkArguments a, CancellationToken cancellationToken = default)
    {
        var options = new DatabaseOptions();
        var provider = Environment.GetEnvironmentVariable("DoseWatch__Database__Provider");
        if (!string.IsNullOrWhiteSpace(provider))
            options.Provider = Enum.TryParse<DatabaseProvider>(provider, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
                ? parsed : throw new ArgumentException($"DoseWatch__Database__Provider '{provider}' is not Sqlite or PostgreSql");
        options.ConnectionString = a.Has("--postgres") ? a.Get("--postgres", "") : Environment.GetEnvironmentVariable("DoseWatch__Database__ConnectionString");
        if (a.Has("--postgres")) options.Provider = DatabaseProvider.PostgreSql;
        var dataDirectory = DataDirectory(a);
        if (options.Provider == DatabaseProvider.Sqlite) Directory.CreateDirectory(dataDirectory);

        var connections = DbConnectionFactory.Create(options, Path.GetFullPath(dataDirectory));
        await new MigrationRunner(connections, MigrationCatalog.Embedded(connections.Provider)).MigrateAsync(cancellationToken);
        return connections;
    }

    private static string DataDirectory(NetworkArguments a) =>
        a.Get("--data", Environment.GetEnvironmentVariable("DoseWatch__DataDirectory") is { Length: > 0 } d ? d : "./data");

    /// <summary>The audit chain's key as the app resolves it: configuration (environment), else audit.key beside the data.</summary>
    public static byte[] AuditKey(NetworkArguments a) => LocalDatabase.PrivacyFromEnvironment().ResolveAuditKey(Path.GetFullPath(DataDirectory(a)));
}
