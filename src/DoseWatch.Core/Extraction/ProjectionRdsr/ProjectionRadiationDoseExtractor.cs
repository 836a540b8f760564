using DoseWatch.Core.Domain;
using DoseWatch.Core.Extraction.Sr;
using DoseWatch.Core.Units;
using DoseWatch.Dicom;

namespace DoseWatch.Core.Extraction.ProjectionRdsr;

/// <summary>
/// Projection X-ray Radiation Dose report, TID 10001: fluoroscopy and interventional (RF/XA), radiography (DX/CR),
/// mammography (MG, incl. DBT) and dual-modality rooms. One event per Irradiation Event X-Ray Data container
/// (TID 10003); accumulated values per plane (TID 10002) summed over the planes unless an "All Planes" total is given.
/// </summary>
public static class ProjectionRadiationDoseExtractor
{
    public static ExtractionResult Extract(DicomDataSet ds, SrItem root, ExtractionContext context)
    {
        var sopInstance = HeaderValues.Text(ds, DicomTag.SopInstanceUid) ?? "";
        var eventItems = root.Descendants(DoseCodes.IrradiationEventXRayData).ToList();
        var events = eventItems.Select((e, i) => ReadEvent(e, i, sopInstance, context)).ToList();
        var study = StudyReader.Read(ds, root, context, ModalityOf(root, events));
        var accumulated = ProjectionAccumulation.Read(root, context);
        return new ExtractionResult(ExtractionKind.DoseObject, StudyReader.Instance(ds), study, events, accumulated, context.Warnings, context.AppliedFixes);
    }

    /// <summary>
    /// The mean of per-pulse values over the pulses that exposed: an exact 0 kV or 0 mA entry is a pulse without
    /// exposure (fluoroscopy RDSRs list them), and averaging it in would report a technique that was never used. A list
    /// of zeros only is reported as 0; an empty list as not reported.
    /// </summary>
    public static double? ExposingPulseMean(IReadOnlyList<double> perPulse)
    {
        if (perPulse.Count == 0) return null;
        var exposing = perPulse.Where(v => v != 0).ToList();
        return exposing.Count > 0 ? exposing.Average() : 0;
    }

    /// <summary>MG when the procedure reported is mammography; RF when any event is fluoroscopy; otherwise DX.</summary>
    internal static string ModalityOf(SrItem root, IReadOnlyList<IrradiationEvent> events)
    {
        if (DoseCodes.Same(root.Child(DoseCodes.ProcedureReported)?.CodeValueItem, DoseCodes.Mammography)) return "MG";
        if (events.Any(e => e.AcquisitionType?.Value == "44491008")) return "RF";
        return root.Descendant(DoseCodes.TotalFluoroTime) is not null && events.Count == 0 ? "RF" : "DX";
    }

    private static IrradiationEvent ReadEvent(SrItem e, int index, string sopInstance, ExtractionContext context)
    {
        var where = $"Irradiation Event X-Ray Data #{index + 1}";
        var uid = (e.Child(DoseCodes.IrradiationEventUid) ?? e.Child(DoseCodes.IrradiationEventUidRetired))?.UidValue;
        if (string.IsNullOrEmpty(uid))
        {
            context.Warn(where, "no Irradiation Event UID: keyed by the report's SOP Instance UID and position");
            uid = $"{sopInstance}#{index + 1}";
        }
        var kvps = e.Descendant(DoseCodes.Kvp) is { } k ? context.Nums(k, CanonicalUnits.KiloVolt, $"{where} › KVP") : [];
        var currents = e.Descendant(DoseCodes.XRayTubeCurrent) is { } mA ? context.Nums(mA, CanonicalUnits.MilliAmpere, $"{where} › X-Ray Tube Current") : [];
        var pulseWidths = e.Descendant(DoseCodes.PulseWidth) is { } w ? context.Nums(w, CanonicalUnits.MilliSecond, $"{where} › Pulse Width") : [];
        var laterality = e.Descendant(DoseCodes.Laterality)?.CodeValueItem;
        return new IrradiationEvent
        {
            EventUid = uid,
            Source = DoseSourceKind.ProjectionRdsr,
            StartedAt = context.Instant(e.Child(DoseCodes.DateTimeStarted)?.DateTimeValue),
            Protocol = e.Child(DoseCodes.AcquisitionProtocol)?.Text,
            TargetRegion = e.Child(DoseCodes.TargetRegion)?.CodeValueItem,
            AcquisitionType = e.Child(DoseCodes.IrradiationEventType)?.CodeValueItem,
            AcquisitionPlane = e.Child(DoseCodes.AcquisitionPlane)?.CodeValueItem?.Meaning,
            DapGyCm2 = context.Num(e.Descendant(DoseCodes.DoseAreaProduct), CanonicalUnits.GrayCentimetreSquared, $"{where} › Dose Area Product"),
            DoseRpGy = context.Num(e.Descendant(DoseCodes.DoseRp), CanonicalUnits.Gray, $"{where} › Dose (RP)"),
            AgdMGy = context.Num(e.Descendant(DoseCodes.AverageGlandularDose), CanonicalUnits.MilliGray, $"{where} › Average Glandular Dose"),
            EntranceDoseMGy = context.Num(e.Descendant(DoseCodes.EntranceExposureAtRp), CanonicalUnits.MilliGray, $"{where} › Entrance Exposure at RP"),
            CompressionThicknessMm = context.Num(e.Descendant(DoseCodes.CompressionThickness), CanonicalUnits.Millimetre, $"{where} › Compression Thickness"),
            CompressionForceN = context.Num(e.Descendant(DoseCodes.CompressionForce), CanonicalUnits.Newton, $"{where} › Compression Force"),
            Laterality = laterality is null ? null : LateralityOf(laterality),
            ExposureIndex = context.Num(e.Descendant(DoseCodes.ExposureIndex), CanonicalUnits.Dimensionless, $"{where} › Exposure Index"),
            TargetExposureIndex = context.Num(e.Descendant(DoseCodes.TargetExposureIndex), CanonicalUnits.Dimensionless, $"{where} › Target Exposure Index"),
            DeviationIndex = context.Num(e.Descendant(DoseCodes.DeviationIndex), CanonicalUnits.Dimensionless, $"{where} › Deviation Index"),
            // Per-pulse multi-values (kVp, mA) are summarised by their mean over the exposing pulses: one number per event.
            Kvp = ExposingPulseMean(kvps),
            TubeCurrentMA = ExposingPulseMean(currents) ?? context.Num(e.Descendant(DoseCodes.AverageXRayTubeCurrent), CanonicalUnits.MilliAmpere, $"{where} › Average X-Ray Tube Current"),
            ExposureTimeS = context.Num(e.Descendant(DoseCodes.ExposureTime) ?? e.Descendant(DoseCodes.ExposureTimeRetired), CanonicalUnits.Second, $"{where} › Exposure Time"),
            ExposureMAs = context.Num(e.Descendant(DoseCodes.Exposure), CanonicalUnits.MilliAmpereSecond, $"{where} › Exposure"),
            PulseRatePerS = context.Num(e.Descendant(DoseCodes.PulseRate), CanonicalUnits.PerSecond, $"{where} › Pulse Rate"),
            NumberOfPulses = context.Num(e.Descendant(DoseCodes.NumberOfPulses), CanonicalUnits.Dimensionless, $"{where} › Number of Pulses"),
            IrradiationDurationS = context.Num(e.Descendant(DoseCodes.IrradiationDuration), CanonicalUnits.Second, $"{where} › Irradiation Duration"),
            PulseWidthMs = pulseWidths.Count > 0 ? pulseWidths.Average() : null,
            HalfValueLayerMm = context.Num(e.Descendant(DoseCodes.HalfValueLayer), CanonicalUnits.Millimetre, $"{where} › Half Value Layer"),
            AnodeTarget = e.Descendant(DoseCodes.AnodeTargetMaterial)?.CodeValueItem?.Meaning,
            Filters = FiltersOf(e, where, context),
            Geometry = GeometryOf(e, where, context),
        };
    }

    /// <summary>TID 10003B/10003C geometry; null when the event reports none of it (radiography, most mammography).</summary>
    private static ProjectionGeometry? GeometryOf(SrItem e, string where, ExtractionContext context)
    {
        double? Read(CodedConcept code, string unit) =>
            context.Num(e.Descendant(code), unit, $"{where} › {code.CodeMeaning}");
        var filters = e.Descendants(DoseCodes.XRayFilters).Select(f => (
            Material: f.Child(DoseCodes.XRayFilterMaterial)?.CodeValueItem,
            Min: context.Num(f.Child(DoseCodes.XRayFilterThicknessMinimum), CanonicalUnits.Millimetre, $"{where} › X-Ray Filter Thickness Minimum"),
            Max: context.Num(f.Child(DoseCodes.XRayFilterThicknessMaximum), CanonicalUnits.Millimetre, $"{where} › X-Ray Filter Thickness Maximum"))).ToList();
        // A filter reported with one thickness is that thickness; with two, the middle of the range (the filter may be a wedge).
        double? Thickness(CodedConcept material) => filters.Count == 0 ? null
            : filters.Where(f => DoseCodes.Same(f.Material, material))
                .Sum(f => (f.Min, f.Max) switch { ({ } a, { } b) => (a + b) / 2, ({ } a, null) => a, (null, { } b) => b, _ => 0 });
        var geometry = new ProjectionGeometry
        {
            PositionerPrimaryAngleDeg = Read(DoseCodes.PositionerPrimaryAngle, CanonicalUnits.Degree),
            PositionerSecondaryAngleDeg = Read(DoseCodes.PositionerSecondaryAngle, CanonicalUnits.Degree),
            TableLongitudinalPositionMm = Read(DoseCodes.TableLongitudinalPosition, CanonicalUnits.Millimetre),
            TableLateralPositionMm = Read(DoseCodes.TableLateralPosition, CanonicalUnits.Millimetre),
            // Philips reports the table height and (for fluoroscopy) the source-detector distance only in its private codes.
            TableHeightPositionMm = Read(DoseCodes.TableHeightPosition, CanonicalUnits.Millimetre) ?? Read(DoseCodes.PhilipsTableHeightPosition, CanonicalUnits.Millimetre),
            TableHeadTiltAngleDeg = Read(DoseCodes.TableHeadTiltAngle, CanonicalUnits.Degree),
            TableHorizontalRotationAngleDeg = Read(DoseCodes.TableHorizontalRotationAngle, CanonicalUnits.Degree),
            TableCradleTiltAngleDeg = Read(DoseCodes.TableCradleTiltAngle, CanonicalUnits.Degree),
            DistanceSourceToDetectorMm = Read(DoseCodes.DistanceSourceToDetector, CanonicalUnits.Millimetre) ?? Read(DoseCodes.PhilipsFinalDistanceSourceToDetector, CanonicalUnits.Millimetre),
            DistanceSourceToIsocenterMm = Read(DoseCodes.DistanceSourceToIsocenter, CanonicalUnits.Millimetre),
            DistanceSourceToReferencePointMm = Read(DoseCodes.DistanceSourceToReferencePoint, CanonicalUnits.Millimetre),
            CollimatedFieldAreaM2 = Read(DoseCodes.CollimatedFieldArea, CanonicalUnits.SquareMetre),
            CollimatedFieldHeightMm = Read(DoseCodes.CollimatedFieldHeight, CanonicalUnits.Millimetre),
            CollimatedFieldWidthMm = Read(DoseCodes.CollimatedFieldWidth, CanonicalUnits.Millimetre),
            CopperFilterMm = Thickness(DoseCodes.Copper),
            AluminiumFilterMm = Thickness(DoseCodes.Aluminum),
            LeftShutterMm = Read(DoseCodes.PhilipsLeftShutter, CanonicalUnits.Millimetre),
            RightShutterMm = Read(DoseCodes.PhilipsRightShutter, CanonicalUnits.Millimetre),
            TopShutterMm = Read(DoseCodes.PhilipsTopShutter, CanonicalUnits.Millimetre),
            BottomShutterMm = Read(DoseCodes.PhilipsBottomShutter, CanonicalUnits.Millimetre),
        };
        return geometry.IsEmpty ? null : geometry;
    }

    internal static string LateralityOf(ConceptCode code) => DoseCodes.Normalise(code).Value switch
    {
        "80248007" or "7771000" => "L",
        "73056007" or "24028007" => "R",
        "51440002" => "B",
        _ => code.Meaning ?? code.ToString(),
    };

    private static string? FiltersOf(SrItem e, string where, ExtractionContext context)
    {
        var parts = e.Descendants(DoseCodes.XRayFilters).Select(f =>
        {
            var material = f.Child(DoseCodes.XRayFilterMaterial)?.CodeValueItem?.Meaning ?? f.Child(DoseCodes.XRayFilterType)?.CodeValueItem?.Meaning;
            var min = context.Num(f.Child(DoseCodes.XRayFilterThicknessMinimum), CanonicalUnits.Millimetre, $"{where} › X-Ray Filter Thickness Minimum");
            var max = context.Num(f.Child(DoseCodes.XRayFilterThicknessMaximum), CanonicalUnits.Millimetre, $"{where} › X-Ray Filter Thickness Maximum");
            return FilterText.Describe(material, min, max);
        }).Where(p => p is not null).ToList();
        return parts.Count == 0 ? null : string.Join("; ", parts);
    }
}

internal static class FilterText
{
    public static string? Describe(string? material, double? min, double? max)
    {
        if (material is null && min is null && max is null) return null;
        var thickness = (min, max) switch
        {
            ({ } a, { } b) when a.Equals(b) => $" {a:0.###} mm",
            ({ } a, { } b) => $" {Math.Min(a, b):0.###}–{Math.Max(a, b):0.###} mm",
            ({ } a, null) => $" {a:0.###} mm",
            (null, { } b) => $" {b:0.###} mm",
            _ => "",
        };
        return (material ?? "filter") + thickness;
    }
}
