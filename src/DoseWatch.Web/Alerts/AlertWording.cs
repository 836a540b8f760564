using System.Globalization;
using System.Text.RegularExpressions;
using DoseWatch.Core.Analysis;

namespace DoseWatch.Web.Alerts;

/// <summary>
/// Alerts in plain words for the inbox and the alert page: type names, dose quantities and units as people write them
/// (no rule-parameter keys, no unit "1" for dimensionless values), and the evidence facts under readable labels.
/// </summary>
public static partial class AlertWording
{
    public static string Type(string wire) => wire switch
    {
        "protocol-deviation" => "Protocol deviation",
        "dose-outlier" => "Dose outlier",
        "notification-value" => "Notification value",
        "drl-exceeded" => "DRL exceeded",
        "cumulative-dose" => "Cumulative dose",
        "dose-check" => "Dose Check",
        "peak-skin-dose" => "Peak skin dose",
        _ => wire.Replace('-', ' '),
    };

    public static IReadOnlyList<string> Types { get; } = Enum.GetValues<RuleType>().Select(t => t.ToWire()).ToList();

    /// <summary>The unit as printed after a number; empty for dimensionless values ("1", pitch, indices).</summary>
    public static string Unit(string? unit) => unit switch
    {
        null or "" or "1" => "",
        "mGy.cm" => "mGy·cm",
        "Gy.cm2" => "Gy·cm²",
        "{events}" => "events",
        _ => unit,
    };

    public static string Quantity(string? quantity) => quantity?.ToLowerInvariant() switch
    {
        null or "" => "",
        "ctdivol" => "CTDIvol",
        "ssde" => "SSDE",
        "dlp" => "DLP",
        "dap" => "DAP",
        "doserp" => "Ka,r",
        "agd" => "AGD",
        "fluorotime" => "fluoroscopy time",
        "kvp" => "kVp",
        "sar" => "SAR",
        "activity" => "administered activity",
        "mechanicalindex" => "MI",
        "thermalindex" => "TI",
        "operatingmode" => "MR operating mode",
        "thermalindextype" => "TI type",
        "newprotocolnames" => "new protocol names",
        "peakskindose" => "peak skin dose",
        _ => quantity,
    };

    /// <summary>A value with its unit (none for dimensionless values); "–" when absent.</summary>
    public static string Value(double? value, string? unit)
    {
        if (value is not { } v) return "–";
        var number = Math.Abs(v) >= 100 ? v.ToString("#,0.#", CultureInfo.InvariantCulture) : v.ToString("0.###", CultureInfo.InvariantCulture);
        var u = Unit(unit);
        return u.Length == 0 ? number : $"{number} {u}";
    }

    /// <summary>The analysis's message with quantity keys and dotted units written for people.</summary>
    public static string Message(string message) =>
        UnitOne().Replace(QuantityKey().Replace(message.Replace("mGy.cm", "mGy·cm").Replace("Gy.cm2", "Gy·cm²"), m => Quantity(m.Value)), "");

    /// <summary>An evidence fact's label; keys not known here are split into words ("sampleSize" → "Sample size").</summary>
    public static string Fact(string key) => key switch
    {
        "score" => "Robust score of this dose",
        "scoreThreshold" => "Score that raises an alert",
        "median" => "Median of earlier values",
        "logMad" => "Spread of earlier values (MAD of ln dose)",
        "sampleSize" => "Earlier values compared",
        "drl" => "Reference level",
        "referenceLearnedFrom" => "Reference learned from",
        "referenceStudies" => "Earlier studies in the reference",
        "patientWeightKg" => "Patient weight (kg)",
        "sizeExponent" => "Dose grows with weight to the power",
        "sampleMedian" => "Median of the device's sample",
        "sampleStudies" => "Studies in the sample (this one included)",
        "drlCategory" => "DRL category",
        "thisStudy" => "This study's value",
        "peakSkinDoseGy" => "Peak skin dose of the map (Gy)",
        _ => Words(key),
    };

    private static string Words(string key)
    {
        var spaced = CamelBoundary().Replace(key, " $1").Trim().ToLowerInvariant();
        return spaced.Length == 0 ? key : char.ToUpperInvariant(spaced[0]) + spaced[1..];
    }

    [GeneratedRegex(@"\b(ctdivol|ssde|dlp|dap|doserp|agd|fluorotime|mechanicalIndex|thermalIndex)\b")]
    private static partial Regex QuantityKey();

    // "1.2 1 exceeds" / "(3.5 1)": a number followed by the dimensionless unit "1" loses the unit.
    [GeneratedRegex(@"(?<=\d) 1\b(?![\d.])")]
    private static partial Regex UnitOne();

    [GeneratedRegex("(?<=[a-z])([A-Z])")]
    private static partial Regex CamelBoundary();
}
