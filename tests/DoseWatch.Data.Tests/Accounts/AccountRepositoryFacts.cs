using DoseWatch.Core.Access;
using DoseWatch.Data.Accounts;
using DoseWatch.Tests;

namespace DoseWatch.Data.Tests.Accounts;

public abstract class AccountRepositoryFacts(ITestDatabases databases) : MigratedDatabaseFacts(databases)
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_user_is_found_by_name_in_any_case_with_roles_and_a_password_hash_that_verifies()
    {
        var users = new UserRepository(Factory);
        var hash = LocalPasswords.Hash("Alice", "correct horse battery");

        Assert.True(await users.CreateAsync("Alice", hash, [Roles.Physicist, Roles.Qa], T0));
        Assert.False(await users.CreateAsync("ALICE", null, [Roles.Viewer], T0));
        var alice = await users.FindAsync("alice");

        Assert.NotNull(alice);
        Assert.Equal("Alice", alice.UserName);
        Assert.Equal([Roles.Physicist, Roles.Qa], alice.Roles.Order(StringComparer.Ordinal));
        Assert.DoesNotContain("correct horse", alice.PasswordHash);
        Assert.True(LocalPasswords.Verify("alice", alice.PasswordHash!, "correct horse battery", out _));
        Assert.False(LocalPasswords.Verify("alice", alice.PasswordHash!, "correct horse batterY", out _));
        Assert.Equal(T0, alice.CreatedAt);
        Assert.Single(await users.ListAsync());
    }

    [Fact]
    public async Task Failures_lock_the_account_at_the_limit_and_success_clears_the_count()
    {
        var users = new UserRepository(Factory);
        await users.CreateAsync("bob", null, [Roles.Viewer], T0);
        var id = (await users.FindAsync("bob"))!.Id;
        var until = T0.AddMinutes(15);

        Assert.False(await users.RecordFailureAsync(id, 3, until));
        Assert.False(await users.RecordFailureAsync(id, 3, until));
        Assert.Equal(2, (await users.FindAsync("bob"))!.FailedSignIns);
        Assert.True(await users.RecordFailureAsync(id, 3, until));
        var locked = (await users.FindAsync("bob"))!;
        Assert.Equal(until, locked.LockedUntil);
        Assert.True(locked.IsLockedAt(T0));
        Assert.False(locked.IsLockedAt(until));

        await users.RecordFailureAsync(id, 3, until);
        await users.RecordSuccessAsync(id, T0.AddMinutes(20));
        var after = (await users.FindAsync("bob"))!;
        Assert.Equal((0, null, T0.AddMinutes(20)), (after.FailedSignIns, after.LockedUntil, after.LastSignIn));
    }

    [Fact]
    public async Task A_totp_step_is_claimed_once_and_never_an_older_one()
    {
        var users = new UserRepository(Factory);
        await users.CreateAsync("carol", null, [Roles.Qa], T0);
        var id = (await users.FindAsync("carol"))!.Id;
        await users.SetTotpSecretAsync(id, "JBSWY3DPEHPK3PXP");

        Assert.True(await users.ClaimTotpStepAsync(id, 1000));
        Assert.False(await users.ClaimTotpStepAsync(id, 1000));
        Assert.False(await users.ClaimTotpStepAsync(id, 999));
        Assert.True(await users.ClaimTotpStepAsync(id, 1001));
        Assert.Equal("JBSWY3DPEHPK3PXP", (await users.FindAsync("carol"))!.TotpSecret);
    }

    [Fact]
    public async Task An_api_key_is_stored_as_its_hash_found_by_it_and_gone_once_revoked()
    {
        var keys = new ApiKeyRepository(Factory);
        var key = ApiKeySecret.Generate();

        Assert.True(await keys.CreateAsync("pacs-export", key, Roles.Physicist, "admin", T0));
        Assert.False(await keys.CreateAsync("pacs-export", ApiKeySecret.Generate(), Roles.Viewer, "admin", T0));
        var found = await keys.FindActiveByHashAsync(ApiKeySecret.HashOf(key.Key));
        Assert.NotNull(found);
        Assert.Equal(("pacs-export", Roles.Physicist, key.Prefix), (found.Name, found.Role, found.Prefix));
        Assert.StartsWith(found.Prefix, key.Key);
        Assert.True(found.Prefix.Length < key.Key.Length / 2);

        await keys.TouchAsync(found.Id, T0.AddMinutes(5));
        await keys.TouchAsync(found.Id, T0.AddMinutes(5.5)); // within the minute: not written again
        Assert.Equal(T0.AddMinutes(5), (await keys.ListAsync()).Single().LastUsedAt);

        Assert.True(await keys.RevokeAsync("pacs-export", "admin", T0.AddHours(1)));
        Assert.Null(await keys.FindActiveByHashAsync(key.Hash));
        Assert.False(await keys.RevokeAsync("pacs-export", "admin", T0.AddHours(1)));
        // The name is free again; the revoked key stays listed.
        Assert.True(await keys.CreateAsync("pacs-export", ApiKeySecret.Generate(), Roles.Physicist, "admin", T0.AddHours(2)));
        var all = await keys.ListAsync();
        Assert.Equal(2, all.Count);
        Assert.Single(all, k => k.IsActive);
    }

    [Fact]
    public async Task The_stored_hash_is_the_sha256_of_the_key_as_python_computes_it()
    {
        var key = ApiKeySecret.Generate();
        var python = new System.Diagnostics.ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "-c", "import hashlib,sys; print(hashlib.sha256(sys.argv[1].encode()).hexdigest())", key.Key }) python.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(python)!;
        var expected = (await process.StandardOutput.ReadToEndAsync()).Trim();
        await process.WaitForExitAsync();
        Assert.Equal(expected, key.Hash);
    }
}

public sealed class SqliteAccountRepositoryFacts() : AccountRepositoryFacts(new SqliteTestDatabases());

public sealed class PostgreSqlAccountRepositoryFacts(PostgresServerFixture postgres)
    : AccountRepositoryFacts(new PostgreSqlTestDatabases(postgres.Server)), IClassFixture<PostgresServerFixture>;
