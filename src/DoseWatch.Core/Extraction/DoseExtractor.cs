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
    /// <param name="siteTimeZone">Where the modalities' clocks are, for dates and times the object gives without an offset (UTC when null).</param>
    public static ExtractionResult Extract(DicomFile file, TimeZoneInfo? siteTimeZone = null) => Extract(file.DataSet, siteTimeZone);

    /// <inheritdoc cref="Extract(DicomFile, TimeZoneInfo?)"/>
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
            _ => ExtractionResult.NotADoseObject(StudyReader.Instance(ds), StudyReader.Read(ds, null, new ExtractionContext()), classification.Reason),
        };
    }
}
