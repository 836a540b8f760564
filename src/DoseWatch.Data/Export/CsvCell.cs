using System.Globalization;

namespace DoseWatch.Data.Export;

/// <summary>
/// One CSV field (RFC 4180) that a spreadsheet program will not run: every CSV export writes its cells through here.
/// <para>Formula injection (OWASP "CSV Injection"): a text cell starting with <c>= + - @</c>, TAB or CR is prefixed with
/// a single quote, so <c>=HYPERLINK(…)</c> or <c>@SUM(…)</c> from a device or a user arrives as text. A cell that is a
/// plain number (invariant culture: <c>-12.5</c>, <c>-3E-05</c>) is left as it is, so negative numbers in numeric
/// columns stay numbers a spreadsheet can sum; a number is never a formula. Then the field is quoted when it holds a
/// comma, quote or line break.</para>
/// </summary>
public static class CsvCell
{
    public static string Write(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        if (StartsLikeFormula(value) && !IsPlainNumber(value)) value = "'" + value;
        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    private static bool StartsLikeFormula(string value) => value[0] is '=' or '+' or '-' or '@' or '\t' or '\r';

    private static bool IsPlainNumber(string value) =>
        double.TryParse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
            CultureInfo.InvariantCulture, out _);
}
