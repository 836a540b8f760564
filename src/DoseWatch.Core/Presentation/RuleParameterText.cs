using DoseWatch.Core.Analysis;

namespace DoseWatch.Core.Presentation;

/// <summary>
/// A rule's parameters in words for the rules table (issue #21: no internal keys reach a person): "check=kvp,
/// minimumSampleSize=20" reads "Checks the tube voltage (kVp) · history of at least 20 studies". The words are
/// <see cref="RuleParameterCatalogue"/>'s, which the editor's fields use as well.
/// </summary>
public static class RuleParameterText
{
    /// <summary>Each parameter as a short phrase, in a fixed order (what is judged first, then how); "–" when there are none.</summary>
    public static string Describe(IReadOnlyDictionary<string, string> parameters)
    {
        var set = parameters.Where(p => !string.IsNullOrWhiteSpace(p.Value)).ToList();
        // The catalogue's order; a parameter it does not know yet is still shown (after them), so nothing the rule holds is hidden.
        var phrases = set.OrderBy(p => Order(p.Key)).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => Phrase(p.Key, p.Value)).ToList();
        return phrases.Count == 0 ? DisplayText.Missing : string.Join(" · ", phrases);
    }

    /// <summary>One parameter as the rules table phrases it ("added up over 84 days"); an unknown key as "key value".</summary>
    public static string Phrase(string key, string value) =>
        RuleParameterCatalogue.All.FirstOrDefault(d => d.Key == key) is { } definition ? definition.Describe(value) : $"{key} {value.Trim()}";

    private static int Order(string key) =>
        RuleParameterCatalogue.All.Select(d => d.Key).ToList().IndexOf(key) is var i and >= 0 ? i : int.MaxValue;
}
