using System.Data.Common;
using Npgsql;

namespace DoseWatch.Data;

public sealed class PostgreSqlConnectionFactory(string connectionString) : IDbConnectionFactory, IAsyncDisposable
{
    static PostgreSqlConnectionFactory() => DapperTypeHandlers.EnsureRegistered();

    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(WithoutJit(connectionString));

    /// <summary>
    /// The connection string with <c>-c jit=off</c> added to its Options, unless they already set jit. PostgreSQL
    /// compiles a plan whose estimated cost passes jit_above_cost; the dashboards' per-day walks are estimated in the
    /// millions (generate_series is assumed to return 1,000 rows, each day's walk a sort) and run in milliseconds, so
    /// each trend spent 0.4 s compiling for a 5 ms query, and a UNION ALL of 120 walks 3 s (docs/benchmarks.md).
    /// This app runs short indexed queries only; a site that wants JIT says so in Options.
    /// </summary>
    public static string WithoutJit(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.Options?.Contains("jit", StringComparison.OrdinalIgnoreCase) == true) return connectionString;
        builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? "-c jit=off" : builder.Options + " -c jit=off";
        return builder.ConnectionString;
    }

    public DatabaseProvider Provider => DatabaseProvider.PostgreSql;

    public string Description
    {
        get
        {
            var b = new NpgsqlConnectionStringBuilder(_dataSource.ConnectionString);
            return $"PostgreSQL {b.Host}:{b.Port}/{b.Database}";
        }
    }

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
