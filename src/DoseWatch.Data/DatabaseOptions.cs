namespace DoseWatch.Data;

public enum DatabaseProvider
{
    /// <summary>The embedded default: one file in the data directory, no server to run.</summary>
    Sqlite,

    /// <summary>Scale-out: several app nodes share one PostgreSQL database.</summary>
    PostgreSql,
}

/// <summary>Configuration section <c>DoseWatch:Database</c>.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "DoseWatch:Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Required for PostgreSQL (an Npgsql connection string). For SQLite, empty means <c>dosewatch.db</c> in the data directory.</summary>
    public string? ConnectionString { get; set; }
}
