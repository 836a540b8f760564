using Dapper;

namespace DoseWatch.Data.Accounts;

/// <summary>An API key as listed: never the key itself, only its prefix.</summary>
public sealed record ApiKeyRecord(long Id, string Name, string Prefix, string Role, string CreatedBy, DateTimeOffset CreatedAt,
    DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt, string? RevokedBy)
{
    public bool IsActive => RevokedAt is null;
}

/// <summary>API keys (migration 0007), stored as <see cref="ApiKeySecret.Hash"/>; a key is found by its hash.</summary>
public sealed class ApiKeyRepository(IDbConnectionFactory connections)
{
    /// <summary>Stores a new key; false when an active key already has this name.</summary>
    public async Task<bool> CreateAsync(string name, ApiKeySecret key, string role, string createdBy, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition("""
            INSERT INTO api_keys (name, prefix, key_hash, role, created_by, created_at)
            VALUES (@name, @prefix, @hash, @role, @createdBy, @now)
            ON CONFLICT DO NOTHING
            RETURNING id
            """, new { name, prefix = key.Prefix, hash = key.Hash, role, createdBy, now }, cancellationToken: cancellationToken));
        return id is not null;
    }

    /// <summary>The active key with this hash, if any.</summary>
    public async Task<ApiKeyRecord?> FindActiveByHashAsync(string hash, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ApiKeyRow>(new CommandDefinition(
            Select + " WHERE key_hash = @hash AND revoked_at IS NULL", new { hash }, cancellationToken: cancellationToken));
        return row?.ToRecord();
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<ApiKeyRow>(new CommandDefinition(Select + " ORDER BY name, id", cancellationToken: cancellationToken));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    /// <summary>Revokes the active key of that name; false when there is none.</summary>
    public async Task<bool> RevokeAsync(string name, string revokedBy, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_keys SET revoked_at = @now, revoked_by = @revokedBy WHERE name = @name AND revoked_at IS NULL",
            new { name, revokedBy, now }, cancellationToken: cancellationToken)) > 0;
    }

    /// <summary>Last-used time, written at most once a minute per key so that a busy client does not turn every request into a write.</summary>
    public async Task TouchAsync(long id, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_keys SET last_used_at = @now WHERE id = @id AND (last_used_at IS NULL OR last_used_at < @staleBefore)",
            new { id, now, staleBefore = now.AddMinutes(-1) }, cancellationToken: cancellationToken));
    }

    private const string Select = """
        SELECT id AS Id, name AS Name, prefix AS Prefix, role AS Role, created_by AS CreatedBy, created_at AS CreatedAt,
               last_used_at AS LastUsedAt, revoked_at AS RevokedAt, revoked_by AS RevokedBy
        FROM api_keys
        """;

    private sealed class ApiKeyRow
    {
        public long Id { get; init; }
        public string Name { get; init; } = "";
        public string Prefix { get; init; } = "";
        public string Role { get; init; } = "";
        public string CreatedBy { get; init; } = "";
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset? LastUsedAt { get; init; }
        public DateTimeOffset? RevokedAt { get; init; }
        public string? RevokedBy { get; init; }

        public ApiKeyRecord ToRecord() => new(Id, Name, Prefix, Role, CreatedBy, CreatedAt, LastUsedAt, RevokedAt, RevokedBy);
    }
}
