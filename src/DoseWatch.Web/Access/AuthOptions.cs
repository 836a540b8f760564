namespace DoseWatch.Web.Access;

/// <summary>Configuration section <c>DoseWatch:Auth</c> (docs/security.md).</summary>
public sealed class AuthOptions
{
    public const string Section = "DoseWatch:Auth";

    public LockoutOptions Lockout { get; set; } = new();

    /// <summary>Created at start when no user of that name exists (first installation); the password is never updated from here.</summary>
    public InitialAdministratorOptions InitialAdministrator { get; set; } = new();

    /// <summary>Keys for unattended installs, stored hashed at start (a changed key under the same name replaces the old one).</summary>
    public List<ProvisionedApiKeyOptions> ProvisionedApiKeys { get; set; } = [];

    /// <summary>Single sign-on; off while <see cref="OpenIdConnectOptions.Authority"/> is empty.</summary>
    public SingleSignOnOptions OpenIdConnect { get; set; } = new();

    /// <summary>How long a browser session lasts without activity (sliding).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);
}

public sealed class LockoutOptions
{
    /// <summary>Consecutive failed sign-ins (wrong password or wrong code) that lock the account.</summary>
    public int MaxFailedAttempts { get; set; } = 5;

    public TimeSpan Duration { get; set; } = TimeSpan.FromMinutes(15);
}

public sealed class InitialAdministratorOptions
{
    public string? UserName { get; set; }

    public string? Password { get; set; }
}

public sealed class ProvisionedApiKeyOptions
{
    public string? Name { get; set; }

    public string? Key { get; set; }

    public string? Role { get; set; }
}

public sealed class SingleSignOnOptions
{
    /// <summary>The issuer, e.g. <c>https://login.example.org/realms/hospital</c>; its discovery document is read from there.</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>Label of the sign-in button.</summary>
    public string DisplayName { get; set; } = "Hospital single sign-on";

    /// <summary>The claim that carries the user's groups or roles.</summary>
    public string RoleClaim { get; set; } = "roles";

    /// <summary>Claim value to DoseWatch role, e.g. <c>"dose-physicists": "Physicist"</c>. A value that is itself a role name maps to it.</summary>
    public Dictionary<string, string> RoleMap { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Allowed for a test or a development identity provider only; production authorities must use HTTPS.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority) && !string.IsNullOrWhiteSpace(ClientId);
}
