using DoseWatch.Core.Domain;
using DoseWatch.Core.Extraction.Sr;
using DoseWatch.Core.Extraction.VendorFixes;
using DoseWatch.Core.Units;

namespace DoseWatch.Core.Extraction;

/// <summary>
/// What one extraction collects besides values: warnings for values that could not be read as facts and the vendor
/// fixes that were applied. Every reported number passes through <see cref="Convert"/>, so none is taken without its unit.
/// </summary>
public sealed class ExtractionContext
{
    private readonly List<ExtractionWarning> _warnings = [];
    private readonly SortedSet<string> _fixes = new(StringComparer.Ordinal);

    public IReadOnlyList<ExtractionWarning> Warnings => _warnings;
    public IReadOnlyList<string> AppliedFixes => _fixes.ToList();

    public void Warn(string where, string message) => _warnings.Add(new ExtractionWarning(where, message));

    public void Applied(string fixName) => _fixes.Add(fixName);

    /// <summary>The first value of a NUM item in <paramref name="canonicalUnit"/>; null (with a warning) when the unit is missing or unknown.</summary>
    public double? Num(SrItem? item, string canonicalUnit, string where) =>
        item is null ? null : Nums(item, canonicalUnit, where) is [var first, ..] ? first : null;

    /// <summary>All values of a NUM item (VM 1-n: e.g. kVp per pulse) in <paramref name="canonicalUnit"/>.</summary>
    public IReadOnlyList<double> Nums(SrItem item, string canonicalUnit, string where)
    {
        var (values, unit) = item.Numeric;
        if (values.Count == 0) return [];
        var readable = NonUcumUnitSpellings.Correct(unit, this);
        var converted = new List<double>(values.Count);
        foreach (var v in values)
        {
            var c = CanonicalUnits.Convert(v, readable, canonicalUnit);
            if (c.Value is null)
            {
                Warn(where, $"{item.Concept?.CodeMeaning ?? item.Concept?.ToString()}: {c.Error}; value {v} not stored");
                return [];
            }
            converted.Add(c.Value.Value);
        }
        return converted;
    }

    /// <summary>A header value whose unit the standard fixes for the attribute (PS3.3), converted explicitly.</summary>
    public double? Convert(double? value, string definedUnit, string canonicalUnit, string where)
    {
        if (value is not { } v) return null;
        var c = CanonicalUnits.Convert(v, definedUnit, canonicalUnit);
        if (c.Value is null) Warn(where, c.Error!);
        return c.Value;
    }
}
