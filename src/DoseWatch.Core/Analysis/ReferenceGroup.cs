using System.Globalization;
using System.Text;

namespace DoseWatch.Core.Analysis;

/// <summary>
/// The studies a reference is learned from (issue #15): a standard protocol on the device (every raw name mapped to it,
/// so a name's history counts toward the standard protocol from the moment it is mapped) or, while a name maps to
/// nothing, the device's own history of that raw name. Checks work the same against either; the alert says which.
/// </summary>
public sealed record ReferenceGroup(string Name, bool IsStandardProtocol, string Key)
{
    /// <summary>The group of a resolved protocol; null when the event has no name at all.</summary>
    public static ReferenceGroup? Of(ProtocolResolution resolution) =>
        resolution.Standard is { } standard ? new(standard.Name, true, "standard\n" + standard.Name.ToUpperInvariant())
        : resolution.RawName is { } raw && RawNameKey(raw) is { Length: > 0 } key ? new(raw.Trim(), false, "raw\n" + key)
        : null;

    /// <summary>
    /// The key a raw name is grouped by: lower case, every run of characters that are not letters or digits one space.
    /// Lighter than <see cref="ProtocolNameSimilarity.Normalise"/> on purpose: that one drops digit tokens and expands
    /// abbreviations to suggest a mapping, which would merge "t1_tse_sag" with "t2_tse_sag", two sequences whose SAR differ.
    /// </summary>
    public static string RawNameKey(string? raw)
    {
        var text = new StringBuilder();
        foreach (var c in (raw ?? "").ToLower(CultureInfo.InvariantCulture))
        {
            if (char.IsLetterOrDigit(c)) text.Append(c);
            else if (text.Length > 0 && text[^1] != ' ') text.Append(' ');
        }
        return text.ToString().Trim();
    }

    /// <summary>How the alert names the reference: "standard protocol CT Head" or "raw protocol name 'HEAD ROUTINE'".</summary>
    public string Description => IsStandardProtocol ? $"standard protocol {Name}" : $"raw protocol name '{Name}' (not mapped yet)";

    /// <summary>The evidence's statement of where the reference came from and from how many earlier studies.</summary>
    public (string Name, string Value)[] Facts(int studies) =>
        [("referenceLearnedFrom", IsStandardProtocol ? "standard protocol" : "raw protocol name"), ("referenceStudies", studies.ToString(CultureInfo.InvariantCulture))];
}
