using DoseWatch.Core.Domain;
using DoseWatch.Core.Extraction.Sr;
using DoseWatch.Core.Units;
using DoseWatch.Dicom;

namespace DoseWatch.Core.Extraction.ProjectionRdsr;

/// <summary>
/// Accumulated X-Ray Dose Data (TID 10002, one container per plane). Biplane systems report Plane A and Plane B
/// separately: study totals are their sum, unless an "All Planes" container gives the total itself.
/// Mammography accumulated AGD (111637) is reported per breast (laterality modifier).
/// </summary>
internal static class ProjectionAccumulation
{
    public static AccumulatedDose Read(SrItem root, ExtractionContext context)
    {
        var containers = root.Descendants(DoseCodes.AccumulatedXRayDoseData).ToList();
        if (containers.Count == 0) return AccumulatedDose.None;
        var allPlanes = containers.Where(c => DoseCodes.Same(c.Child(DoseCodes.AcquisitionPlane)?.CodeValueItem, DoseCodes.AllPlanes)).ToList();
        var used = allPlanes.Count > 0 ? allPlanes : containers;

        double? Sum(CodedConcept code, string unit, string name) => SumOrNull(used.Select(c => context.Num(c.Descendant(code), unit, $"Accumulated X-Ray Dose Data › {name}")));

        double? left = null, right = null, unlateralised = null;
        foreach (var agd in used.SelectMany(c => c.Descendants(DoseCodes.AccumulatedAverageGlandularDose)))
        {
            var value = context.Num(agd, CanonicalUnits.MilliGray, "Accumulated X-Ray Dose Data › Accumulated Average Glandular Dose");
            if (value is null) continue;
            switch (agd.Descendant(DoseCodes.Laterality)?.CodeValueItem is { } lat ? ProjectionRadiationDoseExtractor.LateralityOf(lat) : null)
            {
                case "L": left = (left ?? 0) + value; break;
                case "R": right = (right ?? 0) + value; break;
                default: unlateralised = (unlateralised ?? 0) + value; break;
            }
        }
        return new AccumulatedDose
        {
            DapTotalGyCm2 = Sum(DoseCodes.DoseAreaProductTotal, CanonicalUnits.GrayCentimetreSquared, "Dose Area Product Total"),
            DoseRpTotalGy = Sum(DoseCodes.DoseRpTotal, CanonicalUnits.Gray, "Dose (RP) Total"),
            FluoroDapTotalGyCm2 = Sum(DoseCodes.FluoroDoseAreaProductTotal, CanonicalUnits.GrayCentimetreSquared, "Fluoro Dose Area Product Total"),
            FluoroDoseRpTotalGy = Sum(DoseCodes.FluoroDoseRpTotal, CanonicalUnits.Gray, "Fluoro Dose (RP) Total"),
            AcquisitionDapTotalGyCm2 = Sum(DoseCodes.AcquisitionDoseAreaProductTotal, CanonicalUnits.GrayCentimetreSquared, "Acquisition Dose Area Product Total"),
            AcquisitionDoseRpTotalGy = Sum(DoseCodes.AcquisitionDoseRpTotal, CanonicalUnits.Gray, "Acquisition Dose (RP) Total"),
            FluoroTimeTotalS = Sum(DoseCodes.TotalFluoroTime, CanonicalUnits.Second, "Total Fluoro Time"),
            AcquisitionTimeTotalS = Sum(DoseCodes.TotalAcquisitionTime, CanonicalUnits.Second, "Total Acquisition Time"),
            RadiographicFrameCount = Sum(DoseCodes.TotalNumberOfRadiographicFrames, CanonicalUnits.Dimensionless, "Total Number of Radiographic Frames"),
            AgdLeftBreastMGy = left,
            AgdRightBreastMGy = right,
            AgdTotalMGy = SumOrNull([left, right, unlateralised]),
        };
    }

    internal static double? SumOrNull(IEnumerable<double?> values)
    {
        double? sum = null;
        foreach (var v in values)
            if (v is { } x) sum = (sum ?? 0) + x;
        return sum;
    }
}
