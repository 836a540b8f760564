using System.Data.Common;

namespace DoseWatch.Data;

/// <summary>Opens connections to the DoseWatch database, already configured for the provider.</summary>
public interface IDbConnectionFactory
{
    DatabaseProvider Provider { get; }

    /// <summary>Human-readable location for logs and the health report (never includes a password).</summary>
    string Description { get; }

    Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default);
}
