namespace DoseWatch.Data;

public static class DbConnectionFactory
{
    public const string SqliteFileName = "dosewatch.db";

    /// <summary>The factory for <paramref name="options"/>; an SQLite database without a connection string lives in <paramref name="dataDirectory"/>.</summary>
    public static IDbConnectionFactory Create(DatabaseOptions options, string dataDirectory) => options.Provider switch
    {
        DatabaseProvider.Sqlite => new SqliteConnectionFactory(SqlitePath(options, dataDirectory)),
        DatabaseProvider.PostgreSql when !string.IsNullOrWhiteSpace(options.ConnectionString) =>
            new PostgreSqlConnectionFactory(options.ConnectionString),
        DatabaseProvider.PostgreSql => throw new InvalidOperationException(
            $"{DatabaseOptions.Section}:ConnectionString is required when the provider is PostgreSql."),
        _ => throw new InvalidOperationException($"Unknown database provider {options.Provider}."),
    };

    private static string SqlitePath(DatabaseOptions options, string dataDirectory)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString)) return Path.Combine(dataDirectory, SqliteFileName);
        var dataSource = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(options.ConnectionString).DataSource;
        return Path.IsPathRooted(dataSource) ? dataSource : Path.Combine(dataDirectory, dataSource);
    }
}
