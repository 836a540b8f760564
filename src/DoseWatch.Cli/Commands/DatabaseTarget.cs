using DoseWatch.Data;
using DoseWatch.Data.Migrations;

namespace DoseWatch.Cli.Commands;

/// <summary>
/// The database the web app uses, found the way the app finds it: <c>--data DIR</c> or <c>DoseWatch__DataDirectory</c>
/// (default ./data) for SQLite; <c>DoseWatch__Database__Provider=PostgreSql</c> and <c>DoseWatch__Database__ConnectionString</c>
/// (or <c>--connection-string</c>) for PostgreSQL. Migrations are applied first, so this works before the app's first start.
/// </summary>
internal static class DatabaseTarget
{
    public const string Usage = "[--data DIR | --connection-string CS]";

    public static async Task<IDbConnectionFactory> OpenAsync(NetworkArguments a, CancellationToken cancellationToken = default)
    {
        var options = new DatabaseOptions();
        var provider = Environment.GetEnvironmentVariable("DoseWatch__Database__Provider");
        if (!string.IsNullOrWhiteSpace(provider))
            options.Provider = Enum.TryParse<DatabaseProvider>(provider, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
                ? parsed : throw new ArgumentException($"DoseWatch__Database__Provider '{provider}' is not Sqlite or PostgreSql");
        options.ConnectionString = a.Has("--connection-string") ? a.Get("--connection-string", "") : Environment.GetEnvironmentVariable("DoseWatch__Database__ConnectionString");
        if (a.Has("--connection-string") && provider is null) options.Provider = DatabaseProvider.PostgreSql;
        var dataDirectory = a.Get("--data", Environment.GetEnvironmentVariable("DoseWatch__DataDirectory") is { Length: > 0 } d ? d : "./data");
        if (options.Provider == DatabaseProvider.Sqlite) Directory.CreateDirectory(dataDirectory);

        var connections = DbConnectionFactory.Create(options, Path.GetFullPath(dataDirectory));
        await new MigrationRunner(connections, MigrationCatalog.Embedded(connections.Provider)).MigrateAsync(cancellationToken);
        return connections;
    }
}
