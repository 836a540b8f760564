using DoseWatch.Core.Extraction.ImageHeaders;
using DoseWatch.Dicom;

namespace DoseWatch.Core.Extraction.VendorFixes;

/// <summary>
/// Kodak/Carestream DR 7500 (DX-Im-Carestream_DR7500-2) writes several filters in one value separated by commas
/// ("ALUMINUM,COPPER", "1.06,0.206") instead of backslashes, and gives minimum thicknesses larger than maximum
/// (DX-Im-Carestream_DR7500-1). Split on both separators and order each filter's range.
/// </summary>
public static class KodakCommaSeparatedFilters
{
    public const string Name = "KodakCommaSeparatedFilters";

    public static string? Read(DicomDataSet ds, ExtractionContext context)
    {
        var materialText = HeaderValues.Text(ds, DoseTags.FilterMaterial);
        var minText = HeaderValues.Text(ds, DoseTags.FilterThicknessMinimum);
        var maxText = HeaderValues.Text(ds, DoseTags.FilterThicknessMaximum);
        if (materialText is null && minText is null && maxText is null) return HeaderValues.Text(ds, DoseTags.FilterType);
        if ((materialText + minText + maxText).Contains(',', StringComparison.Ordinal)) context.Applied(Name);
        var materials = Split(materialText);
        var mins = Split(minText).Select(Parse).ToList();
        var maxs = Split(maxText).Select(Parse).ToList();
        var count = Math.Max(materials.Count, Math.Max(mins.Count, maxs.Count));
        var parts = Enumerable.Range(0, count)
            .Select(i => ProjectionRdsr.FilterText.Describe(
                i < materials.Count ? materials[i] : null,
                i < mins.Count ? mins[i] : null,
                i < maxs.Count ? maxs[i] : null))
            .Where(p => p is not null);
        return string.Join("; ", parts);
    }

    private static List<string> Split(string? text) =>
        text is null ? [] : text.Split(['\\', ','], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();

    private static double? Parse(string s) =>
        double.TryParse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null;
}
