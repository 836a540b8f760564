namespace DoseWatch.Web.Jobs;

/// <summary>Configuration section <c>DoseWatch:Extraction</c>.</summary>
public sealed class ExtractionOptions
{
    public const string Section = "DoseWatch:Extraction";

    /// <summary>
    /// The time zone of the site's modalities (an IANA or Windows id, e.g. <c>Europe/Berlin</c>): DICOM dates and times are
    /// local, and an object that gives neither an offset in the value nor Timezone Offset From UTC (0008,0201) is read in
    /// this zone. Empty: the server's own time zone.
    /// </summary>
    public string SiteTimeZone { get; set; } = "";

    public TimeZoneInfo TimeZone() => SiteTimeZone.Trim().Length == 0 ? TimeZoneInfo.Local : TimeZoneInfo.FindSystemTimeZoneById(SiteTimeZone.Trim());

    public bool IsValid() => SiteTimeZone.Trim().Length == 0 || TimeZoneInfo.TryFindSystemTimeZoneById(SiteTimeZone.Trim(), out _);
}
