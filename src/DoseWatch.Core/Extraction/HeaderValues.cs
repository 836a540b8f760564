using System.Globalization;
using DoseWatch.Dicom;

namespace DoseWatch.Core.Extraction;

/// <summary>Lenient typed reads of header attributes for extraction: anything unreadable is null, never an exception.</summary>
internal static class HeaderValues
{
    public static string? Text(DicomDataSet ds, DicomTag tag) => ds.GetString(tag)?.Trim() is { Length: > 0 } s ? s : null;

    /// <summary>First value of a DS/IS/FD/FL/US attribute.</summary>
    public static double? Number(DicomDataSet ds, DicomTag tag) => Numbers(ds, tag) is [var first, ..] ? first : null;

    /// <summary>Every readable value (DS/IS leniently, binary VRs converted); unreadable or non-finite ones are dropped.</summary>
    public static IReadOnlyList<double> Numbers(DicomDataSet ds, DicomTag tag) =>
        ds.GetDoubles(tag).Where(v => v is { } x && double.IsFinite(x)).Select(v => v!.Value).ToList();

    public static DateOnly? Date(DicomDataSet ds, DicomTag tag) => ParseDate(Text(ds, tag));

    public static DateOnly? ParseDate(string? da) =>
        da is { Length: >= 8 } && DateOnly.TryParseExact(da[..8], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    /// <summary>TM as the standard writes it, fractions of a second kept (issue #16 item 2); a malformed value is read
    /// leniently to whole seconds (hours, then minutes and seconds where readable).</summary>
    public static TimeOnly? ParseTime(string? tm)
    {
        if (tm is null) return null;
        if (TemporalValue.ParseTime(tm) is { } exact) return exact;
        var s = tm.Replace(":", "", StringComparison.Ordinal);
        if (s.Length < 2 || !int.TryParse(s[..2], CultureInfo.InvariantCulture, out var h) || h > 23) return null;
        var m = s.Length >= 4 && int.TryParse(s[2..4], CultureInfo.InvariantCulture, out var mm) && mm < 60 ? mm : 0;
        var sec = s.Length >= 6 && int.TryParse(s[4..6], CultureInfo.InvariantCulture, out var ss) && ss < 60 ? ss : 0;
        return new TimeOnly(h, m, sec);
    }

    /// <summary>Patient's Age (AS, "nnnY/M/W/D") in years.</summary>
    public static double? AgeYears(string? age)
    {
        if (age is not { Length: >= 2 } || !int.TryParse(age[..^1], CultureInfo.InvariantCulture, out var n)) return null;
        return char.ToUpperInvariant(age[^1]) switch
        {
            'Y' => n,
            'M' => n / 12.0,
            'W' => n * 7 / 365.25,
            'D' => n / 365.25,
            _ => null,
        };
    }
}
