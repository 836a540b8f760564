using System.Globalization;

namespace DoseWatch.Dicom;

/// <summary>
/// Lenient parsing of Decimal String (DS) and Integer String (IS) values (PS3.5 Table 6.2-1). Real devices bend the
/// rules; each tolerated quirk is listed where it is handled. A value that still cannot be read is null, never 0.
/// </summary>
public static class NumberString
{
    private const NumberStyles Style = NumberStyles.Float; // leading/trailing white, sign, decimal point, exponent

    /// <summary>Splits a DS/IS element into its values, each trimmed; an empty value stays as an empty string.</summary>
    public static string[] SplitValues(string text)
    {
        // Quirk: some devices use '/' or ',' as the value delimiter instead of '\' (e.g. Carestream filter
        // thickness "0.1,0.2"). Only when no '\' is present; a decimal comma ("1,5") is therefore read as two values,
        // which is what those devices mean: DS never allows a decimal comma.
        char[] delimiters = text.Contains('\\') ? ['\\'] : ['\\', '/', ','];
        var values = text.Split(delimiters);
        for (var i = 0; i < values.Length; i++) values[i] = Trim(values[i]);
        return values;
    }

    // Quirk: NUL used as padding instead of space (seen in DS and IS), and leading spaces (allowed by the standard).
    private static string Trim(string value) => value.Trim(' ', '\0', '\t');

    public static decimal? ParseDecimal(string? value)
    {
        if (value is null) return null;
        var s = Trim(value);
        if (s.Length == 0) return null;
        if (decimal.TryParse(s, Style, CultureInfo.InvariantCulture, out var d)) return d;
        // Exponents beyond decimal's range (e.g. "1e-30"): go through double, still honest to 15+ digits.
        return ParseDouble(s) is { } x && Math.Abs(x) < 7.9e28 ? (decimal)x : null;
    }

    public static double? ParseDouble(string? value)
    {
        if (value is null) return null;
        var s = Trim(value);
        if (s.Length == 0) return null;
        // DS has no NaN or infinities: "NaN"/"Infinity" text is rejected rather than turned into a number.
        return double.TryParse(s, Style, CultureInfo.InvariantCulture, out var x) && double.IsFinite(x) ? x : null;
    }

    /// <summary>
    /// Parses an IS value. Quirk: some devices write decimals in IS ("120.0"); an integral decimal is accepted and a
    /// fractional one is rounded half away from zero (read the value as DS with <see cref="ParseDecimal"/> to keep the fraction).
    /// </summary>
    public static long? ParseInteger(string? value)
    {
        if (value is null) return null;
        var s = Trim(value);
        if (s.Length == 0) return null;
        if (long.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out var n))
            return n;
        return ParseDecimal(s) is { } d && d >= long.MinValue && d <= long.MaxValue
            ? (long)Math.Round(d, MidpointRounding.AwayFromZero)
            : null;
    }
}
