using DoseWatch.Dicom;

namespace DoseWatch.Core.Extraction.ImageHeaders;

/// <summary>
/// Finds an attribute at the top level or inside the functional group / nested sequences where enhanced objects
/// keep it (per-frame first item, then shared groups, then any other sequence), depth-bounded.
/// </summary>
internal static class HeaderSearch
{
    private const int MaximumDepth = 6;

    public static DicomDataSet? Holder(DicomDataSet ds, DicomTag tag)
    {
        if (ds.Contains(tag)) return ds;
        foreach (var groups in new[] { DoseTags.PerFrameFunctionalGroupsSequence, DoseTags.SharedFunctionalGroupsSequence })
            if (ds.GetSequence(groups) is { Items.Count: > 0 } fg && Find(fg.Items[0], tag, 1) is { } found) return found;
        return Find(ds, tag, 0);
    }

    public static double? Number(DicomDataSet ds, DicomTag tag) => Holder(ds, tag) is { } h ? HeaderValues.Number(h, tag) : null;

    public static string? Text(DicomDataSet ds, DicomTag tag) => Holder(ds, tag) is { } h ? HeaderValues.Text(h, tag) : null;

    private static DicomDataSet? Find(DicomDataSet ds, DicomTag tag, int depth)
    {
        if (ds.Contains(tag)) return ds;
        if (depth >= MaximumDepth) return null;
        foreach (var element in ds)
        {
            if (element is not DicomSequence seq) continue;
            foreach (var item in seq.Items)
                if (Find(item, tag, depth + 1) is { } found) return found;
        }
        return null;
    }
}
