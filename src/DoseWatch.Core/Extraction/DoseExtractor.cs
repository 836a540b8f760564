using DoseWatch.Core.Domain;
using DoseWatch.Core.Extraction.CtRdsr;
using DoseWatch.Core.Extraction.ImageHeaders;
using DoseWatch.Core.Extraction.ProjectionRdsr;
using DoseWatch.Core.Extraction.RadiopharmaceuticalRdsr;
using DoseWatch.Core.Extraction.Sr;
using DoseWatch.Core.Extraction.VendorFixes;
using DoseWatch.Dicom;

namespace DoseWatch.Core.Extraction;

/// <summary>
/// The entry point: classify an object and run the one extractor for its kind. Pure: no I/O, no clock, no state;
/// the same data set always gives the same result.
/// </summary>
public static class DoseExtractor
{
    /// <summary>The file's data set, with a warning for each departure from PS3.5 its reading tolerated (<see cref="DicomFile.LenientReadings"/>).</summary>
    /// <param name="siteTimeZone">Where the modalities' clocks are, for dates and times the object gives without an offset (UTC when null).</param>
    public static ExtractionResult Extract(DicomFile file, TimeZoneInfo? siteTimeZone = null)
    {
        var result = Extract(file.DataSet, siteTimeZone);
        if (file.LenientReadings.Count == 0) return result;
        return result with
        {
            Warnings = [.. result.Warnings, .. file.LenientReadings.Select(r => new ExtractionWarning("DICOM encoding", r))],
            AppliedFixes = [.. result.AppliedFixes, LenientDicomEncoding],
        };
    }

    /// <summary>The applied-fix name when the file itself was read leniently (the toolkit's LenientReadings).</summary>
    public const string LenientDicomEncoding = "LenientDicomEncoding";

    /// <summary>Classifies the data set and runs the extractor for its kind.</summary>
    /// <param name="ds">The object's data set.</param>
    /// <param name="siteTimeZone">Where the modalities' clocks are, for dates and times the object gives without an offset (UTC when null).</param>
    public static ExtractionResult Extract(DicomDataSet ds, TimeZoneInfo? siteTimeZone = null)
    {
        var classification = DoseObjectClassifier.Classify(ds);
        var context = new ExtractionContext(siteTimeZone);
        context.ReadObjectOffset(ds);
        if (classification.AppliedFix is { } fix) context.Applied(fix);
        return classification.Class switch
        {
            DoseObjectClass.CtRdsr => CtRadiationDoseExtractor.Extract(ds, SrItem.Root(ds), context),
            DoseObjectClass.ProjectionRdsr => ProjectionRadiationDoseExtractor.Extract(ds, SrItem.Root(ds), context),
            DoseObjectClass.RadiopharmaceuticalRdsr => RadiopharmaceuticalDoseExtractor.Extract(ds, SrItem.Root(ds), context),
            DoseObjectClass.SiemensRadiationSummary => SiemensRadiationSummaryReport.Extract(ds, SrItem.Root(ds), context),
            DoseObjectClass.CtImage => CtImageHeaderExtractor.Extract(ds, context),
            DoseObjectClass.PhilipsCtDoseInfo => PhilipsCtDoseInfoSecondaryCapture.Extract(ds, context),
            DoseObjectClass.MrImage => MrImageHeaderExtractor.Extract(ds, context),
            DoseObjectClass.UsImage => UsImageHeaderExtractor.Extract(ds, context),
            DoseObjectClass.ProjectionImage => ProjectionImageHeaderExtractor.Extract(ds, context),
            DoseObjectClass.NuclearImage => NuclearImageHeaderExtractor.Extract(ds, context),
            _ => ExtractionResult.NotADoseObject(StudyReader.Instance(ds), StudyReader.Read(ds, null, new ExtractionContext()), classification.Reason),
        };
    }
}
