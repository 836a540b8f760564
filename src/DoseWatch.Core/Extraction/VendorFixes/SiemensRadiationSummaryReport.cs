using DoseWatch.Core.Domain;
using DoseWatch.Core.Extraction.Sr;
using DoseWatch.Core.Units;
using DoseWatch.Dicom;

namespace DoseWatch.Core.Extraction.VendorFixes;

/// <summary>
/// Siemens ARCADIS "Radiation Summary Report" (RF-ESR-Siemens-Varic): an Enhanced SR whose root is the private
/// (C-10, 99SMS_RADSUM) container, with study totals only: number of exposures (C-200), cumulative fluoro time (C-202),
/// cumulative DAP (C-204, unit "Gy.cm^2") and cumulative air kerma (C-210, sent with neither value nor unit: stays null).
/// No irradiation events: the totals are kept as the object's accumulated dose.
/// </summary>
public static class SiemensRadiationSummaryReport
{
    public const string Name = "SiemensRadiationSummaryReport";
    public static readonly CodedConcept Root = new("C-10", "99SMS_RADSUM");
    private static readonly CodedConcept TotalExposures = new("C-200", "99SMS_RADSUM");
    private static readonly CodedConcept CumulativeFluoroTime = new("C-202", "99SMS_RADSUM");
    private static readonly CodedConcept CumulativeDap = new("C-204", "99SMS_RADSUM");
    private static readonly CodedConcept CumulativeAirKerma = new("C-210", "99SMS_RADSUM");

    public static ExtractionResult Extract(DicomDataSet ds, SrItem root, ExtractionContext context)
    {
        context.Applied(Name);
        var study = StudyReader.Read(ds, root, context, "RF");
        var accumulated = new AccumulatedDose
        {
            RadiographicFrameCount = context.Num(root.Descendant(TotalExposures), CanonicalUnits.Dimensionless, "Total number of exposures (C-200)"),
            FluoroTimeTotalS = context.Num(root.Descendant(CumulativeFluoroTime), CanonicalUnits.Second, "Cumulative fluoro time (C-202)"),
            DapTotalGyCm2 = context.Num(root.Descendant(CumulativeDap), CanonicalUnits.GrayCentimetreSquared, "Cumulative dose area product (C-204)"),
            DoseRpTotalGy = context.Num(root.Descendant(CumulativeAirKerma), CanonicalUnits.Gray, "Cumulative air kerma (C-210)"),
        };
        return new ExtractionResult(ExtractionKind.DoseObject, StudyReader.Instance(ds), study, [], accumulated, context.Warnings, context.AppliedFixes);
    }
}
