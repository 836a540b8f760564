using DoseWatch.Core.Domain;
using DoseWatch.Core.Extraction.Sr;
using DoseWatch.Core.Extraction.VendorFixes;
using DoseWatch.Core.Units;
using DoseWatch.Dicom;

namespace DoseWatch.Core.Extraction;

/// <summary>
/// What one extraction collects besides values: warnings for values that could not be read as facts and the vendor
/// fixes that were applied. Every reported number passes through <see cref="Convert"/>, so none is taken without its unit.
/// </summary>
public sealed class ExtractionContext(TimeZoneInfo? siteTimeZone = null)
{
    private readonly List<ExtractionWarning> _warnings = [];

    /// <summary>Where a DICOM date and time with no offset of its own (and no Timezone Offset From UTC in the object) was local: UTC unless the caller says.</summary>
    public TimeZoneInfo SiteTimeZone { get; } = siteTimeZone ?? TimeZoneInfo.Utc;

    /// <summary>
    /// The instant of a DICOM date and time, fraction of a second kept. DA/TM/DT values are local times (PS3.5 §6.2):
    /// the offset is the one written in the value, else the object's Timezone Offset From UTC (0008,0201) (both already
    /// on <paramref name="local"/>), else the site time zone's offset at that local time (daylight saving included).
    /// </summary>
    public DateTimeOffset? Instant(DicomDateTime? local) => local is not { } v ? null
        : new DateTimeOffset(v.DateTime, v.UtcOffset ?? ObjectOffset ?? SiteTimeZone.GetUtcOffset(v.DateTime));

    /// <summary>A Timezone Offset From UTC (0008,0201) written other than as &amp;ZZXX (GE writes "UTC-04:00"), read leniently; null otherwise.</summary>
    internal TimeSpan? ObjectOffset { get; private set; }

    private static readonly System.Text.RegularExpressions.Regex LenientOffset =
        new(@"^\s*(?:UTC|GMT)?\s*([+-])(\d{1,2}):?(\d{2})\s*$", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>Reads the object's Timezone Offset From UTC when the standard form (&amp;ZZXX, which the DICOM reader applies itself) does not parse.</summary>
    internal void ReadObjectOffset(DicomDataSet ds)
    {
        if (ds.GetString(TimezoneOffsetFromUtc)?.Trim() is not { Length: > 0 } text || TemporalValue.ParseOffset(text) is not null) return;
        var m = LenientOffset.Match(text);
        var hours = m.Success ? int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) : 99;
        var minutes = m.Success ? int.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture) : 99;
        if (hours > 14 || minutes > 59)
        {
            Warn("Timezone Offset From UTC (0008,0201)", $"'{text}' is not an offset (&ZZXX): local times are taken in the site time zone {SiteTimeZone.Id}");
            return;
        }
        ObjectOffset = new TimeSpan(hours, minutes, 0) * (m.Groups[1].Value == "-" ? -1 : 1);
        Warn("Timezone Offset From UTC (0008,0201)", $"'{text}' is not written as &ZZXX; read as {DicomDateTime.FormatOffset(ObjectOffset.Value)}");
    }

    private static readonly DicomTag TimezoneOffsetFromUtc = new(0x0008, 0x0201);
    private readonly SortedSet<string> _fixes = new(StringComparer.Ordinal);

    public IReadOnlyList<ExtractionWarning> Warnings => _warnings;
    public IReadOnlyList<string> AppliedFixes => _fixes.ToList();

    public void Warn(string where, string message) => _warnings.Add(new ExtractionWarning(where, message));

    public void Applied(string fixName) => _fixes.Add(fixName);

    /// <summary>The first value of a NUM item in <paramref name="canonicalUnit"/>; null (with a warning) when the unit is missing or unknown.</summary>
    public double? Num(SrItem? item, string canonicalUnit, string where) =>
        item is null ? null : Nums(item, canonicalUnit, where) is [var first, ..] ? first : null;

    /// <summary>All values of a NUM item (VM 1-n: e.g. kVp per pulse) in <paramref name="canonicalUnit"/>.</summary>
    public IReadOnlyList<double> Nums(SrItem item, string canonicalUnit, string where)
    {
        var (values, unit) = item.Numeric;
        if (values.Count == 0) return [];
        var readable = NonUcumUnitSpellings.Correct(unit, this);
        var converted = new List<double>(values.Count);
        foreach (var v in values)
        {
            var c = CanonicalUnits.Convert(v, readable, canonicalUnit);
            if (c.Value is null)
            {
                Warn(where, $"{item.Concept?.CodeMeaning ?? item.Concept?.ToString()}: {c.Error}; value {v} not stored");
                return [];
            }
            converted.Add(c.Value.Value);
        }
        return converted;
    }

    /// <summary>A header value whose unit the standard fixes for the attribute (PS3.3), converted explicitly.</summary>
    public double? Convert(double? value, string definedUnit, string canonicalUnit, string where)
    {
        if (value is not { } v) return null;
        var c = CanonicalUnits.Convert(v, definedUnit, canonicalUnit);
        if (c.Value is null) Warn(where, c.Error!);
        return c.Value;
    }
}
