using System.Globalization;
using DoseWatch.Core.Analysis;

namespace DoseWatch.Core.Presentation;

/// <summary>
/// A rule's parameters in words for the rules table (issue #21: no internal keys reach a person): "check=kvp,
/// minimumSampleSize=20" reads "Checks the tube voltage (kVp) · history of at least 20 studies". The edit form keeps the
/// key=value lines, which are the rule's definition; this is only how the table shows them.
/// </summary>
public static class RuleParameterText
{
    private static readonly Dictionary<string, string> Checks = new(StringComparer.OrdinalIgnoreCase)
    {
        [RuleParameters.CheckUnknownProtocol] = "protocol names not yet mapped",
        [RuleParameters.CheckUnapprovedProtocol] = "protocol names mapped but not approved",
        [RuleParameters.CheckTargetRegion] = "the target region",
        [RuleParameters.CheckKvp] = "the tube voltage (kVp)",
        [RuleParameters.CheckPitch] = "the pitch factor",
        [RuleParameters.CheckCollimation] = "the collimation",
        [RuleParameters.CheckEventCount] = "the number of irradiation events",
        [RuleParameters.CheckOperatingMode] = "the operating mode",
        [RuleParameters.CheckThermalIndexType] = "the thermal index type",
    };

    private static readonly Dictionary<string, string> Quantities = new(StringComparer.OrdinalIgnoreCase)
    {
        [DoseQuantity.CtdiVol.Name] = "CTDIvol", [DoseQuantity.Ssde.Name] = "SSDE", [DoseQuantity.Agd.Name] = "average glandular dose",
        [DoseQuantity.Dlp.Name] = "DLP", [DoseQuantity.Dap.Name] = "DAP", [DoseQuantity.DoseRp.Name] = "dose at the reference point",
        [DoseQuantity.FluoroTime.Name] = "fluoroscopy time", [DoseQuantity.Activity.Name] = "administered activity",
        [DoseQuantity.Sar.Name] = "SAR", [DoseQuantity.MechanicalIndex.Name] = "mechanical index", [DoseQuantity.ThermalIndex.Name] = "thermal index",
    };

    private static readonly Dictionary<string, string> Tables = new(StringComparer.OrdinalIgnoreCase)
    {
        ["aapm-ct"] = "AAPM CT notification values",
        ["fluoro-srdl"] = "substantial radiation dose levels (SIR/NCRP 168)",
        ["mr-sar"] = "MR SAR limits",
        ["us-mi"] = "ultrasound mechanical index limit",
        ["us-ti"] = "ultrasound thermal index limit",
    };

    private static readonly Dictionary<string, string> DoseCheckParts = new(StringComparer.OrdinalIgnoreCase)
    {
        ["notification"] = "notifications", ["alert"] = "alerts", ["any"] = "notifications and alerts",
    };

    /// <summary>Each parameter as a short phrase, in a fixed order (what is judged first, then how); "–" when there are none.</summary>
    public static string Describe(IReadOnlyDictionary<string, string> parameters)
    {
        var phrases = new List<string>();
        string? Get(string key) => parameters.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
        string Word(Dictionary<string, string> words, string value) => words.TryGetValue(value, out var w) ? w : value;

        if (Get(RuleParameters.Check) is { } check) phrases.Add("Checks " + Word(Checks, check));
        if (Get(RuleParameters.Quantity) is { } quantity) phrases.Add("Judges " + Word(Quantities, quantity));
        if (Get(RuleParameters.Table) is { } table) phrases.Add("Table: " + Word(Tables, table));
        if (Get(RuleParameters.Source) is { } source) phrases.Add(source.Equals("national", StringComparison.OrdinalIgnoreCase) ? "National DRL" : source.Equals("local", StringComparison.OrdinalIgnoreCase) ? "Local DRL" : "DRL source " + source);
        if (Get(RuleParameters.Country) is { } country) phrases.Add("country " + country.ToUpperInvariant());
        if (Get(RuleParameters.Examination) is { } examination) phrases.Add("examination " + examination);
        if (Get(RuleParameters.Percentile) is { } percentile) phrases.Add(Ordinal(percentile) + " percentile of the history");
        if (Get(RuleParameters.MedianOfStudies) is { } median) phrases.Add($"median of the device's latest {median} studies");
        if (Get(RuleParameters.MinimumSampleSize) is { } minimum) phrases.Add($"history of at least {minimum} studies");
        if (Get(RuleParameters.WindowDays) is { } window) phrases.Add($"added up over {window} days");
        if (Get(RuleParameters.Part) is { } part) phrases.Add("Dose Check " + Word(DoseCheckParts, part));

        // A parameter this table does not know yet is still shown, so nothing the rule holds is hidden.
        var known = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            RuleParameters.Check, RuleParameters.Quantity, RuleParameters.Table, RuleParameters.Source, RuleParameters.Country, RuleParameters.Examination,
            RuleParameters.Percentile, RuleParameters.MedianOfStudies, RuleParameters.MinimumSampleSize, RuleParameters.WindowDays, RuleParameters.Part,
        };
        phrases.AddRange(parameters.Where(p => !known.Contains(p.Key) && !string.IsNullOrWhiteSpace(p.Value)).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value.Trim()}"));
        return phrases.Count == 0 ? DisplayText.Missing : string.Join(" · ", phrases);
    }

    private static string Ordinal(string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
            ? n + ((n % 100) is 11 or 12 or 13 ? "th" : (n % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" })
            : value;
}
