using System.Text.Json;
using DoseWatch.Core.Access;

namespace DoseWatch.Web.Access;

/// <summary>Identity provider group or role values to DoseWatch roles, through the configured map.</summary>
public static class SingleSignOnRoles
{
    public static IReadOnlyList<string> From(IEnumerable<string> claimValues, IReadOnlyDictionary<string, string> map)
    {
        var roles = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var value in claimValues.SelectMany(Values))
        {
            if (map.TryGetValue(value, out var mapped) && Roles.IsKnown(mapped)) roles.Add(mapped);
            else if (Roles.IsKnown(value)) roles.Add(value);
        }
        return [.. roles];
    }

    // Some providers send a multi-valued claim as one JSON array.
    private static IEnumerable<string> Values(string value)
    {
        if (!value.StartsWith('[')) return [value];
        try { return JsonSerializer.Deserialize<string[]>(value) ?? []; }
        catch (JsonException) { return [value]; }
    }
}
