using System.Globalization;

namespace DoseWatch.Web.Components.Dashboards;

/// <summary>
/// The period a dashboard shows, kept in the URL (<c>?period=30d|quarter|year|all|custom&amp;from=&amp;to=</c>) so a view
/// can be bookmarked and shared. Presets end on the dashboards' anchor day (<see cref="DashboardWindow"/>: today, or
/// the latest study day of an archive); the default is the last year, as the dashboards always showed. "All" starts at
/// the earliest day a DICOM date can reasonably carry, so archives from any year show (issue #21: files from 2013–2022
/// left every dashboard empty).
/// </summary>
public sealed record DashboardPeriod(string Preset, DateOnly? CustomFrom = null, DateOnly? CustomTo = null)
{
    public static readonly IReadOnlyList<(string Key, string Label)> Presets =
        [("30d", "Last 30 days"), ("quarter", "Last quarter"), ("year", "Last year"), ("all", "All time"), ("custom", "Custom")];

    public static readonly DashboardPeriod Default = new("year");

    /// <summary>The earliest study day "all" reaches back to (DICOM dates start with the Gregorian calendar in practice).</summary>
    public static readonly DateOnly Earliest = new(1900, 1, 1);

    /// <summary>From the query values; anything unknown or unparseable falls back to the default, never to an error page.</summary>
    public static DashboardPeriod Parse(string? period, string? from, string? to)
    {
        var key = Presets.Any(p => p.Key == period) ? period! : Default.Preset;
        if (key != "custom") return new DashboardPeriod(key);
        var (f, t) = (Day(from), Day(to));
        return f is null && t is null ? Default : new DashboardPeriod(key, f, t);
    }

    private static DateOnly? Day(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    /// <summary>The inclusive day range of the dashboards' window: presets end on its anchor day, "all" starts on its first study day.</summary>
    public (DateOnly From, DateOnly To) Range(DashboardWindow window) => Range(window.AnchorDay, window.FirstDay);

    /// <summary>The inclusive day range for a window ending on <paramref name="anchorDay"/>.</summary>
    public (DateOnly From, DateOnly To) Range(DateOnly anchorDay, DateOnly? firstDay = null) => Preset switch
    {
        "30d" => (anchorDay.AddDays(-29), anchorDay),
        "quarter" => (anchorDay.AddDays(-90), anchorDay),
        "all" => (firstDay is { } f && f <= anchorDay ? f : Earliest, anchorDay),
        "custom" => Ordered(CustomFrom ?? firstDay ?? Earliest, CustomTo ?? anchorDay),
        _ => (anchorDay.AddDays(-364), anchorDay),
    };

    private static (DateOnly, DateOnly) Ordered(DateOnly a, DateOnly b) => a <= b ? (a, b) : (b, a);

    /// <summary>How the period reads in a subtitle: "last 365 days", "1 Jan 2013 – 31 Dec 2022".</summary>
    public string Describe(DateOnly anchorDay)
    {
        var (from, to) = Range(anchorDay);
        return Preset switch
        {
            "30d" => "last 30 days",
            "quarter" => "last 91 days",
            "year" => "last 365 days",
            "all" => "all studies",
            _ => $"{from.ToString("d MMM yyyy", CultureInfo.InvariantCulture)} – {to.ToString("d MMM yyyy", CultureInfo.InvariantCulture)}",
        };
    }

    /// <summary>
    /// The period for a page's subtitle, with its days: "last 365 days, 6 Dec 2025 – 5 Dec 2026", "all studies, 3 Jan
    /// 2013 – 31 Dec 2022", or a custom range alone ("1 Jan 2013 – 31 Dec 2014").
    /// </summary>
    public string DescribeRange(DashboardWindow window)
    {
        var (from, to) = Range(window);
        var days = $"{from.ToString("d MMM yyyy", CultureInfo.InvariantCulture)} – {to.ToString("d MMM yyyy", CultureInfo.InvariantCulture)}";
        return Preset == "custom" ? days : $"{Describe(window.AnchorDay)}, {days}";
    }

    /// <summary>The query string of this period on top of <paramref name="others"/> (the device filter, a tab).</summary>
    public string Query(IEnumerable<KeyValuePair<string, string?>>? others = null)
    {
        var pairs = new List<KeyValuePair<string, string?>>();
        if (this != Default) pairs.Add(new("period", Preset));
        if (Preset == "custom")
        {
            if (CustomFrom is { } f) pairs.Add(new("from", f.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
            if (CustomTo is { } t) pairs.Add(new("to", t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        }
        if (others is not null) pairs.AddRange(others.Where(o => !string.IsNullOrEmpty(o.Value)));
        return pairs.Count == 0 ? "" : "?" + string.Join('&', pairs.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value!)}"));
    }
}
