using System.Globalization;

namespace DoseWatch.Dicom.Deidentification;

/// <summary>Moves DA and DT values by whole days (PS3.5 Table 6.2-1 formats), keeping their precision and any UTC offset.</summary>
public static class TemporalShift
{
    /// <summary>The shifted value, or null when <paramref name="value"/> is not a DA/DT value this can shift.</summary>
    public static string? Shift(string value, DicomVR vr, int days)
    {
        var v = value.Trim();
        if (v.Length == 0) return v;
        if (vr == DicomVR.DA) return v.Length == 8 && TryDate(v, out var d) ? Format(d.AddDays(days)) : null;
        // DT: YYYY[MM[DD[HH[MM[SS[.F{1-6}]]]]]][&ZZXX]
        var digits = 0;
        while (digits < v.Length && char.IsAsciiDigit(v[digits])) digits++;
        if (digits < 4) return null;
        if (digits >= 8)
            return TryDate(v[..8], out var date) ? Format(date.AddDays(days)) + v[8..] : null;
        // Year or year-month precision: shift the first day of the period, keep the precision.
        var start = digits >= 6 ? v[..6] + "01" : v[..4] + "0101";
        return TryDate(start, out var s) ? Format(s.AddDays(days))[..digits] + v[digits..] : null;
    }

    private static bool TryDate(string yyyymmdd, out DateOnly date) =>
        DateOnly.TryParseExact(yyyymmdd, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    private static string Format(DateOnly d) => d.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
}
