using System.Globalization;
using System.Text.RegularExpressions;

namespace DoseWatch.Core.Presentation;

/// <summary>
/// How DoseWatch writes values for people, in one place for the pages, alert texts and exports (issue #21): no DICOM
/// encodings (Age String "082Y", caret superscripts "F^18^", defined terms "IEC_NORMAL"), no exponent notation, no
/// internal device keys. Stored values stay as they are; only their text changes.
/// </summary>
public static partial class DisplayText
{
    /// <summary>The dash shown for a value that is not known.</summary>
    public const string Missing = "–";

    /// <summary>
    /// A number with a precision that suits its magnitude: thousands grouped and whole, at least three significant
    /// figures below that, never in exponent notation (0.002919 → "0.00292", not "2.919E-3").
    /// </summary>
    public static string Number(double? value) => value switch
    {
        null => Missing,
        { } v when double.IsNaN(v) || double.IsInfinity(v) => Missing,
        { } v when Math.Abs(v) >= 1000 => v.ToString("N0", CultureInfo.InvariantCulture),
        { } v when Math.Abs(v) >= 100 => v.ToString("0.#", CultureInfo.InvariantCulture),
        { } v when Math.Abs(v) >= 10 => v.ToString("0.##", CultureInfo.InvariantCulture),
        { } v when Math.Abs(v) >= 0.01 || v == 0 => v.ToString("0.###", CultureInfo.InvariantCulture),
        { } v => Small(v),
    };

    // Three significant figures in positional notation; decimal formatting never switches to an exponent.
    private static string Small(double v)
    {
        var decimals = 2 - (int)Math.Floor(Math.Log10(Math.Abs(v)));
        if (decimals > 20) return "0";
        return ((decimal)Math.Round(v, Math.Min(decimals, 15), MidpointRounding.AwayFromZero)).ToString("0.#####################", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// A UCUM unit as people write it: "Gy.cm2" → "Gy·cm²", "mGy.cm" → "mGy·cm", the dimensionless "1" → "" (an index).
    /// </summary>
    public static string Unit(string? ucum) => ucum is null or "1" ? "" :
        ucum.Replace(".", "·", StringComparison.Ordinal).Replace("m2", "m²", StringComparison.Ordinal).Replace("m3", "m³", StringComparison.Ordinal);

    /// <summary>A number and its unit ("12.3 mGy"), or the dash.</summary>
    public static string Quantity(double? value, string unit) => value is null ? Missing : unit.Length == 0 ? Number(value) : $"{Number(value)} {unit}";

    /// <summary>
    /// A number as an export cell carries it: a number still, rounded to ten significant figures, which removes the
    /// binary noise of sums (989.8499999999999 → 989.85) and keeps every digit a device writes in a Decimal String.
    /// </summary>
    public static double ExportNumber(double value) =>
        double.IsFinite(value) ? double.Parse(value.ToString("G10", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : value;

    /// <summary>
    /// A DICOM Age String (PS3.5 AS: nnnD, nnnW, nnnM, nnnY) as people write it: "082Y" → "82 y", "006M" → "6 mo",
    /// "003W" → "3 wk", "010D" → "10 d". Falls back on the age in years, else the dash; text that is not an AS is shown
    /// as sent.
    /// </summary>
    public static string PatientAge(string? ageString, double? ageYears = null)
    {
        if (!string.IsNullOrWhiteSpace(ageString))
        {
            var match = AgeString().Match(ageString.Trim());
            if (!match.Success) return ageString.Trim();
            var n = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            return char.ToUpperInvariant(match.Groups[2].Value[0]) switch
            {
                'D' => $"{n} d",
                'W' => $"{n} wk",
                'M' => $"{n} mo",
                _ => $"{n} y",
            };
        }
        return ageYears is { } y ? $"{Math.Floor(y).ToString("0", CultureInfo.InvariantCulture)} y" : Missing;
    }

    [GeneratedRegex("^([0-9]{1,3})\\s*([DWMYdwmy])$")]
    private static partial Regex AgeString();

    /// <summary>
    /// A radiopharmaceutical or radionuclide name without DICOM's caret superscripts (PS3.16 writes "^18^Fluorine",
    /// devices send "Fluorodeoxyglucose F^18^"): the mass number follows the element with a hyphen, as in
    /// "Fluorodeoxyglucose F-18", "Technetium-99m", "Tc-99m".
    /// </summary>
    public static string? Radiopharmaceutical(string? name)
    {
        if (name is null || !name.Contains('^', StringComparison.Ordinal)) return name;
        // Element then mass: "F^18^" → "F-18"; mass then element: "^99m^Tc" / "^18^Fluorine" → "Tc-99m", "Fluorine-18".
        var text = SymbolThenMass().Replace(name, m => $"{m.Groups[1].Value}-{m.Groups[2].Value}");
        text = MassThenSymbol().Replace(text, m => $"{m.Groups[2].Value}-{m.Groups[1].Value}");
        return text.Replace("^", "", StringComparison.Ordinal).Trim();
    }

    [GeneratedRegex("([A-Za-z]+)\\s*\\^([0-9]+m?)\\^")]
    private static partial Regex SymbolThenMass();

    [GeneratedRegex("\\^([0-9]+m?)\\^\\s*([A-Za-z]+)")]
    private static partial Regex MassThenSymbol();

    /// <summary>
    /// An MR Operating Mode (0018,9178) or the "TYPE:MODE; …" list DoseWatch keeps from the Operating Mode Sequence,
    /// in words: "STATIC FIELD:IEC_NORMAL; RF:IEC_FIRST_LEVEL" → "static field normal · RF first level".
    /// </summary>
    public static string? MrOperatingMode(string? operatingMode)
    {
        if (string.IsNullOrWhiteSpace(operatingMode)) return operatingMode;
        var parts = operatingMode.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(part =>
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0) return Mode(part);
            var type = part[..colon].Trim().ToUpperInvariant() switch
            {
                "STATIC FIELD" => "static field",
                "RF" => "RF",
                "GRADIENT" => "gradient",
                var other => other.Replace('_', ' ').ToLowerInvariant(),
            };
            return $"{type} {Mode(part[(colon + 1)..])}";
        });
        return string.Join(" · ", parts);
    }

    // IEC 60601-2-33 operating modes (PS3.3 C.8.13.5.13 defined terms).
    private static string Mode(string mode) => mode.Trim().ToUpperInvariant() switch
    {
        "IEC_NORMAL" => "normal",
        "IEC_FIRST_LEVEL" => "first level",
        "IEC_SECOND_LEVEL" => "second level",
        var other => other.Replace("IEC_", "", StringComparison.Ordinal).Replace('_', ' ').ToLowerInvariant(),
    };

    /// <summary>An MR SAR definition (0018,9179) defined term in words; "whole body (assumed)" when the device names none.</summary>
    public static string MrSarDefinition(string? definition) => definition?.Trim().ToUpperInvariant() switch
    {
        null or "" => "whole body (assumed)",
        "IEC_WHOLE_BODY" => "whole body",
        "IEC_PARTIAL_BODY" => "partial body",
        "IEC_HEAD" => "head",
        "IEC_LOCAL" => "local",
        var other => other.Replace("IEC_", "", StringComparison.Ordinal).Replace('_', ' ').ToLowerInvariant(),
    };

    /// <summary>
    /// A device as people know it: the name an administrator gave it, else station · model · manufacturer from what it
    /// sends; never its internal key. "Unknown device" when it sends none of these.
    /// </summary>
    public static string DeviceName(string? stationName, string? model, string? manufacturer, string? displayName = null) =>
        !string.IsNullOrWhiteSpace(displayName) ? displayName.Trim()
        : string.Join(" · ", new[] { stationName, model, manufacturer }.Where(x => !string.IsNullOrWhiteSpace(x)).Select(x => x!.Trim())) is { Length: > 0 } name ? name
        : "Unknown device";
}
