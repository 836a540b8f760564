using Dapper;

namespace DoseWatch.Data.Accounts;

/// <summary>A local or single-sign-on account; <see cref="PasswordHash"/> is null for accounts that only use single sign-on.</summary>
public sealed record UserAccount(long Id, string UserName, string? PasswordHash, string? TotpSecret, int FailedSignIns,
    DateTimeOffset? LockedUntil, bool Disabled, DateTimeOffset CreatedAt, DateTimeOffset? LastSignIn, IReadOnlyList<string> Roles)
{
    public bool HasPassword => PasswordHash is not null;

    public bool HasSecondFactor => TotpSecret is not null;

    public bool IsLockedAt(DateTimeOffset now) => LockedUntil is { } until && until > now;

    /// <summary>An administrator set the password (migration 0042): the user replaces it at the next sign-in.</summary>
    public bool PasswordChangeRequired { get; init; }
}

/// <summary>Users and their roles (migration 0007). User names compare case-insensitively.</summary>
public sealed class UserRepository(IDbConnectionFactory connections)
{
    public static string Normalize(string userName) => userName.Trim().ToUpperInvariant();

    public async Task<UserAccount?> FindAsync(string userName, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(
            SelectUsers + " WHERE normalized_user_name = @name", new { name = Normalize(userName) }, cancellationToken: cancellationToken));
        return row is null ? null : await WithRolesAsync(connection, row, cancellationToken);
    }

    public async Task<IReadOnlyList<UserAccount>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<UserRow>(new CommandDefinition(SelectUsers + " ORDER BY normalized_user_name", cancellationToken: cancellationToken));
        var roles = (await connection.QueryAsync<(long UserId, string Role)>(new CommandDefinition(
            "SELECT user_id, role FROM user_roles ORDER BY role", cancellationToken: cancellationToken))).ToLookup(r => r.UserId, r => r.Role);
        return rows.Select(r => r.ToAccount(roles[r.Id].ToList())).ToList();
    }

    /// <summary>Creates the user, or returns false when the name is taken. <paramref name="passwordChangeRequired"/>: the
    /// password is someone else's choice (an administrator's) and must be replaced at the first sign-in.</summary>
    public async Task<bool> CreateAsync(string userName, string? passwordHash, IReadOnlyCollection<string> roles, DateTimeOffset now,
        CancellationToken cancellationToken = default, bool passwordChangeRequired = false)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition("""
            INSERT INTO users (user_name, normalized_user_name, password_hash, created_at, password_change_required)
            VALUES (@userName, @normalized, @passwordHash, @now, @required)
            ON CONFLICT (normalized_user_name) DO NOTHING
            RETURNING id
            """, new { userName = userName.Trim(), normalized = Normalize(userName), passwordHash, now, required = passwordChangeRequired && passwordHash is not null ? 1 : 0 },
            transaction, cancellationToken: cancellationToken));
        if (id is null) return false;
        await InsertRolesAsync(connection, transaction, id.Value, roles, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task SetRolesAsync(long userId, IReadOnlyCollection<string> roles, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM user_roles WHERE user_id = @userId", new { userId }, transaction, cancellationToken: cancellationToken));
        await InsertRolesAsync(connection, transaction, userId, roles, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Replaces the password hash; the same password rehashed with newer parameters keeps the change flag as it is.</summary>
    public Task RehashPasswordAsync(long userId, string passwordHash, CancellationToken cancellationToken = default) =>
        ExecuteAsync("UPDATE users SET password_hash = @passwordHash WHERE id = @userId", new { userId, passwordHash }, cancellationToken);

    /// <summary>
    /// Sets a new password: <paramref name="changeRequired"/> when an administrator chose it (the user must replace it
    /// at the next sign-in), false when the user chose it.
    /// </summary>
    public Task SetPasswordHashAsync(long userId, string? passwordHash, bool changeRequired, CancellationToken cancellationToken = default) =>
        ExecuteAsync("UPDATE users SET password_hash = @passwordHash, password_change_required = @required WHERE id = @userId",
            new { userId, passwordHash, required = changeRequired ? 1 : 0 }, cancellationToken);

    /// <summary>Sets (or with null removes) the TOTP secret; the replay guard starts again.</summary>
    public Task SetTotpSecretAsync(long userId, string? secret, CancellationToken cancellationToken = default) =>
        ExecuteAsync("UPDATE users SET totp_secret = @secret, totp_last_step = NULL WHERE id = @userId", new { userId, secret }, cancellationToken);

    public Task SetDisabledAsync(long userId, bool disabled, CancellationToken cancellationToken = default) =>
        ExecuteAsync("UPDATE users SET disabled = @disabled WHERE id = @userId", new { userId, disabled = disabled ? 1 : 0 }, cancellationToken);

    public Task DeleteAsync(long userId, CancellationToken cancellationToken = default) =>
        ExecuteAsync("DELETE FROM users WHERE id = @userId", new { userId }, cancellationToken);

    /// <summary>
    /// Counts a failed sign-in in one statement (concurrent attempts cannot both read the old count); from
    /// <paramref name="maxFailures"/> on, the account is locked until <paramref name="lockUntil"/> and the count restarts.
    /// Returns true when this failure locked the account.
    /// </summary>
    public async Task<bool> RecordFailureAsync(long userId, int maxFailures, DateTimeOffset lockUntil, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var locked = await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            UPDATE users SET
                locked_until = CASE WHEN failed_sign_ins + 1 >= @maxFailures THEN @lockUntil ELSE locked_until END,
                failed_sign_ins = CASE WHEN failed_sign_ins + 1 >= @maxFailures THEN 0 ELSE failed_sign_ins + 1 END
            WHERE id = @userId
            RETURNING CASE WHEN failed_sign_ins = 0 THEN 1 ELSE 0 END
            """, new { userId, maxFailures, lockUntil }, cancellationToken: cancellationToken));
        return locked == 1;
    }

    public Task RecordSuccessAsync(long userId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        ExecuteAsync("UPDATE users SET failed_sign_ins = 0, locked_until = NULL, last_sign_in = @now WHERE id = @userId", new { userId, now }, cancellationToken);

    /// <summary>Claims a TOTP time step once: a code already used (or an older one) is refused, so an overheard code cannot be replayed.</summary>
    public async Task<bool> ClaimTotpStepAsync(long userId, long step, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET totp_last_step = @step WHERE id = @userId AND (totp_last_step IS NULL OR totp_last_step < @step)",
            new { userId, step }, cancellationToken: cancellationToken)) == 1;
    }

    private const string SelectUsers = """
        SELECT id AS Id, user_name AS UserName, password_hash AS PasswordHash, totp_secret AS TotpSecret, failed_sign_ins AS FailedSignIns,
               locked_until AS LockedUntil, disabled AS Disabled, created_at AS CreatedAt, last_sign_in AS LastSignIn,
               password_change_required AS PasswordChangeRequired
        FROM users
        """;

    private static async Task<UserAccount> WithRolesAsync(System.Data.Common.DbConnection connection, UserRow row, CancellationToken cancellationToken)
    {
        var roles = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT role FROM user_roles WHERE user_id = @id ORDER BY role", new { id = row.Id }, cancellationToken: cancellationToken));
        return row.ToAccount(roles.ToList());
    }

    private static async Task InsertRolesAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, long userId,
        IReadOnlyCollection<string> roles, CancellationToken cancellationToken)
    {
        foreach (var role in roles.Distinct(StringComparer.Ordinal))
            await connection.ExecuteAsync(new CommandDefinition("INSERT INTO user_roles (user_id, role) VALUES (@userId, @role)",
                new { userId, role }, transaction, cancellationToken: cancellationToken));
    }

    private async Task ExecuteAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
    }

    // Property-mapped: Dapper converts Int32/Int64 per engine for properties, not for record constructors.
    private sealed class UserRow
    {
        public long Id { get; init; }
        public string UserName { get; init; } = "";
        public string? PasswordHash { get; init; }
        public string? TotpSecret { get; init; }
        public long FailedSignIns { get; init; }
        public DateTimeOffset? LockedUntil { get; init; }
        public long Disabled { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset? LastSignIn { get; init; }
        public long PasswordChangeRequired { get; init; }

        public UserAccount ToAccount(IReadOnlyList<string> roles) =>
            new(Id, UserName, PasswordHash, TotpSecret, (int)FailedSignIns, LockedUntil, Disabled != 0, CreatedAt, LastSignIn, roles)
            {
                PasswordChangeRequired = PasswordChangeRequired != 0,
            };
    }
}
