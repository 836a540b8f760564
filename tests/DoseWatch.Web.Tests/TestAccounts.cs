using DoseWatch.Core.Access;
using DoseWatch.Data.Accounts;
using Microsoft.Extensions.DependencyInjection;

namespace DoseWatch.Web.Tests;

/// <summary>
/// One API key and one local user per role for every app the tests start. Keys go in through the product's own
/// provisioning from configuration (<c>DoseWatch:Auth:ProvisionedApiKeys</c>), users through the same code the CLI uses.
/// The same secrets serve every app of a test run, so nodes sharing one database agree on them.
/// </summary>
public static class TestAccounts
{
    public static readonly string Password = $"pw-{Guid.NewGuid():N}";

    private static readonly Dictionary<string, string> Keys =
        Roles.All.ToDictionary(r => r, r => $"dwk_test{r.ToLowerInvariant()}_{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24))}");

    public static string ApiKey(string role) => Keys[role];

    public static string ApiKeyName(string role) => $"tests-{role.ToLowerInvariant()}";

    public static string UserName(string role) => $"test-{role.ToLowerInvariant()}";

    public static IEnumerable<KeyValuePair<string, string?>> ApiKeySettings()
    {
        for (var i = 0; i < Roles.All.Count; i++)
        {
            var role = Roles.All[i];
            yield return new($"DoseWatch:Auth:ProvisionedApiKeys:{i}:Name", ApiKeyName(role));
            yield return new($"DoseWatch:Auth:ProvisionedApiKeys:{i}:Key", Keys[role]);
            yield return new($"DoseWatch:Auth:ProvisionedApiKeys:{i}:Role", role);
        }
    }

    public static async Task AddUsersAsync(IServiceProvider services)
    {
        var provisioning = services.GetRequiredService<AccountProvisioning>();
        foreach (var role in Roles.All) await provisioning.AddUserAsync(UserName(role), Password, [role]);
    }
}
