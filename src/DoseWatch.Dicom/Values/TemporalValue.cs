using System.Globalization;

namespace DoseWatch.Dicom;

/// <summary>A DT value (PS3.5 Table 6.2-1): a local date and time with the precision written, and the UTC offset if one was given.</summary>
public readonly record struct DicomDateTime(DateTime DateTime, TimeSpan? UtcOffset)
{
    /// <summary>The instant, when the offset is known (from the value or from Timezone Offset From UTC (0008,0201)).</summary>
    public DateTimeOffset? ToDateTimeOffset() => UtcOffset is { } o ? new DateTimeOffset(DateTime, o) : null;

    public override string ToString() =>
        DateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffff", CultureInfo.InvariantCulture) + (UtcOffset is { } o ? FormatOffset(o) : "");

    public static string FormatOffset(TimeSpan o) => (o < TimeSpan.Zero ? "-" : "+") + o.ToString(@"hh\:mm", CultureInfo.InvariantCulture);
}

/// <summary>
/// Lenient parsing of DA, TM and DT values. Missing trailing parts (allowed in TM and DT; seen in DA) default to their
/// smallest value: "2019" is 1 January 2019, "14" is 14:00:00.
/// </summary>
public static class TemporalValue
{
    public static DateOnly? ParseDate(string? value)
    {
        var s = value?.Trim(' ', '\0');
        if (string.IsNullOrEmpty(s)) return null;
        // Quirk: ACR-NEMA 2.0 wrote dates as "1999.01.02"; some devices write ISO "1999-01-02".
        if (s.Length == 10 && s[4] == s[7] && s[4] is '.' or '-') s = string.Concat(s.AsSpan(0, 4), s.AsSpan(5, 2), s.AsSpan(8, 2));
        if (s.Length is not (4 or 6 or 8) || !IsDigits(s)) return null;
        var year = Int(s, 0, 4);
        var month = s.Length >= 6 ? Int(s, 4, 2) : 1;
        var day = s.Length == 8 ? Int(s, 6, 2) : 1;
        return year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month)
            ? new DateOnly(year, month, day)
            : null;
    }

    public static TimeOnly? ParseTime(string? value)
    {
        var s = value?.Trim(' ', '\0');
        if (string.IsNullOrEmpty(s)) return null;
        // Quirk: ACR-NEMA 2.0 wrote times as "HH:MM:SS.frac".
        if (s.Contains(':')) s = s.Replace(":", "", StringComparison.Ordinal);
        return TryParseTime(s, out var time) ? time : null;
    }

    /// <summary>Parses YYYY[MM[DD[HH[MM[SS[.F{1-6}]]]]]][&amp;ZZXX]; the offset, when written, is kept.</summary>
    public static DicomDateTime? ParseDateTime(string? value)
    {
        var s = value?.Trim(' ', '\0');
        if (string.IsNullOrEmpty(s)) return null;
        TimeSpan? offset = null;
        var sign = s.Length > 4 ? s.IndexOfAny(['+', '-'], 4) : -1;
        if (sign > 0)
        {
            if (ParseOffset(s[sign..]) is not { } o) return null;
            offset = o;
            s = s[..sign];
        }
        var datePart = s.Length >= 8 ? s[..8] : s;
        if (ParseDate(datePart) is not { } date || datePart.Contains('.')) return null;
        var time = TimeOnly.MinValue;
        if (s.Length > 8 && !TryParseTime(s[8..], out time)) return null;
        return new DicomDateTime(date.ToDateTime(time, DateTimeKind.Unspecified), offset);
    }

    /// <summary>Parses an offset written as &amp;ZZXX ("+0100", "-0500"), as in DT and Timezone Offset From UTC (0008,0201).</summary>
    public static TimeSpan? ParseOffset(string? value)
    {
        var s = value?.Trim(' ', '\0');
        if (s is not { Length: 5 } || s[0] is not ('+' or '-') || !IsDigits(s.AsSpan(1))) return null;
        var hours = Int(s, 1, 2);
        var minutes = Int(s, 3, 2);
        if (hours > 14 || minutes > 59) return null;
        var span = new TimeSpan(hours, minutes, 0);
        return s[0] == '-' ? -span : span;
    }

    private static bool TryParseTime(string s, out TimeOnly time)
    {
        time = default;
        var dot = s.IndexOf('.');
        var whole = dot < 0 ? s : s[..dot];
        var fraction = dot < 0 ? "" : s[(dot + 1)..];
        if (whole.Length is not (2 or 4 or 6) || !IsDigits(whole) || fraction.Length > 6 || (dot >= 0 && whole.Length != 6)) return false;
        if (fraction.Length > 0 && !IsDigits(fraction)) return false;
        var hour = Int(whole, 0, 2);
        var minute = whole.Length >= 4 ? Int(whole, 2, 2) : 0;
        var second = whole.Length == 6 ? Int(whole, 4, 2) : 0;
        if (hour > 23 || minute > 59 || second > 60) return false;
        var micro = fraction.Length == 0 ? 0 : Int(fraction.PadRight(6, '0'), 0, 6);
        // A leap second (60) cannot be held by TimeOnly: it becomes the last microsecond of the minute.
        if (second == 60) (second, micro) = (59, 999_999);
        time = new TimeOnly(hour, minute, second).Add(TimeSpan.FromMicroseconds(micro));
        return true;
    }

    private static bool IsDigits(ReadOnlySpan<char> s)
    {
        foreach (var c in s) if (c is < '0' or > '9') return false;
        return s.Length > 0;
    }

    private static int Int(string s, int start, int length) => int.Parse(s.AsSpan(start, length), NumberStyles.None, CultureInfo.InvariantCulture);
}
