using System.Data.Common;
using Npgsql;

namespace DoseWatch.Data;

public sealed class PostgreSqlConnectionFactory(string connectionString) : IDbConnectionFactory, IAsyncDisposable
{
    static PostgreSqlConnectionFactory() => DapperTypeHandlers.EnsureRegistered();

    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(connectionString);

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
