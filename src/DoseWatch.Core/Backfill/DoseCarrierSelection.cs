using DoseWatch.Dicom.Network.Acse;
using DoseWatch.Dicom.Network.QueryRetrieve;

namespace DoseWatch.Core.Backfill;

/// <summary>What to retrieve of one series, and why (shown per study in the back-fill's outcome).</summary>
public sealed record SeriesPick(SeriesMatch Series, IReadOnlyList<string> SopInstanceUids, string Reason);

/// <summary>
/// Which objects of a study can carry dose, so a back-fill retrieves those and not the thousands of images around them:
/// dose SRs (RDSR, Enhanced/Comprehensive SR, RRDSR, patient dose SR), dose screens (secondary captures whose series
/// says "dose"), and for image-only series the images the extractors read: every DX/CR/MG/PX/IO image (each is an
/// exposure with its own dose), one image per series for CT, MR, US, NM, PT, XA and RF (their headers repeat the
/// series' acquisition values). Images of a modality whose dose the study's SR already reports are left out.
/// </summary>
public static class DoseCarrierSelection
{
    public static readonly IReadOnlySet<string> DoseReportClasses = new HashSet<string>
    {
        SopClassUids.XRayRadiationDoseSr, SopClassUids.RadiopharmaceuticalRadiationDoseSr, SopClassUids.PatientRadiationDoseSr,
        SopClassUids.EnhancedXRayRadiationDoseSr, SopClassUids.EnhancedSr, SopClassUids.ComprehensiveSr, SopClassUids.Comprehensive3DSr,
    };

    private static readonly HashSet<string> EveryImageModalities = ["DX", "CR", "MG", "PX", "IO"];
    private static readonly HashSet<string> OneImageModalities = ["CT", "MR", "US", "NM", "PT", "XA", "RF"];

    /// <summary>True when the series is worth an IMAGE-level query at all (SR, dose screens, image modalities the extractors read).</summary>
    public static bool MayCarryDose(SeriesMatch series) =>
        IsReportSeries(series) || IsDoseScreen(series) || series.Modality is { } m && (EveryImageModalities.Contains(m) || OneImageModalities.Contains(m));

    /// <summary>
    /// The picks for one study. <paramref name="instances"/> are the IMAGE-level answers for the series that
    /// <see cref="MayCarryDose"/> kept; an SCP that returns no SOP Class UID (dcmqrscp) is judged by the series' modality.
    /// </summary>
    public static IReadOnlyList<SeriesPick> Select(IReadOnlyList<SeriesMatch> series, IReadOnlyDictionary<string, IReadOnlyList<InstanceMatch>> instances)
    {
        var picks = new List<SeriesPick>();
        var reportedModalities = new HashSet<string>();
        foreach (var s in series.Where(s => IsReportSeries(s) || IsDoseScreen(s)))
        {
            var found = instances.GetValueOrDefault(s.SeriesInstanceUid) ?? [];
            var reports = found.Where(i => i.SopClassUid is null || DoseReportClasses.Contains(i.SopClassUid) || IsDoseScreen(s)).Select(i => i.SopInstanceUid).ToList();
            if (reports.Count == 0) continue;
            picks.Add(new SeriesPick(s, reports, IsDoseScreen(s) ? "dose screen" : "dose report"));
            if (IsReportSeries(s)) reportedModalities.UnionWith(["CT", "XA", "RF", "DX", "CR", "MG", "NM", "PT"]);
        }
        foreach (var s in series.Where(s => s.Modality is { } m && (EveryImageModalities.Contains(m) || OneImageModalities.Contains(m))))
        {
            if (reportedModalities.Contains(s.Modality!)) continue;
            var found = (instances.GetValueOrDefault(s.SeriesInstanceUid) ?? []).OrderBy(i => i.InstanceNumber ?? int.MaxValue).ThenBy(i => i.SopInstanceUid, StringComparer.Ordinal).ToList();
            if (found.Count == 0) continue;
            var every = EveryImageModalities.Contains(s.Modality!);
            picks.Add(new SeriesPick(s, every ? found.Select(i => i.SopInstanceUid).ToList() : [found[0].SopInstanceUid],
                every ? "every image (one exposure each)" : "one image of the series"));
        }
        return picks;
    }

    private static bool IsReportSeries(SeriesMatch s) => s.Modality == "SR";

    // Siemens "Patient Protocol" and Philips "Dose Info" screens: secondary captures named for dose.
    private static bool IsDoseScreen(SeriesMatch s) =>
        s.Modality is "OT" or "SC" or "CT" && s.SeriesDescription is { } d
        && (d.Contains("dose", StringComparison.OrdinalIgnoreCase) || d.Contains("patient protocol", StringComparison.OrdinalIgnoreCase));
}
