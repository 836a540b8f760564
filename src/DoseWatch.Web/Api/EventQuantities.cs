using System.Globalization;
using DoseWatch.Core.Domain;
using DoseWatch.Core.Presentation;

namespace DoseWatch.Web.Api;

/// <summary>
/// Every quantity DoseWatch extracts for an irradiation event, once: the study page's event table and the CSV/XLSX
/// export both list these (only the ones some event has), so neither can show a value the other leaves out. Values are
/// in <see cref="EventQuantity.Unit"/>, the canonical stored unit, or text. CT X-ray source values are the first
/// source's (dual-source CT: the API lists every source).
/// </summary>
public static class EventQuantities
{
    public static readonly IReadOnlyList<EventQuantity> All =
    [
        new("kvp", "kVp", "kV", e => e.Kvp),
        new("ma", "Tube current", "mA", e => e.TubeCurrentMA),
        new("maxma", "Maximum tube current", "mA", e => e.XRaySources.FirstOrDefault()?.MaximumTubeCurrentMA),
        new("rotation", "Exposure time per rotation", "s", e => e.XRaySources.FirstOrDefault()?.ExposureTimePerRotationS),
        new("time", "Exposure time", "s", e => e.ExposureTimeS),
        new("mas", "Exposure", "mAs", e => e.ExposureMAs),
        new("pitch", "Pitch factor", "", e => e.PitchFactor),
        new("singlecollimation", "Single collimation width", "mm", e => e.NominalSingleCollimationMm),
        new("collimation", "Total collimation width", "mm", e => e.NominalTotalCollimationMm),
        new("length", "Scan length", "mm", e => e.ScanLengthMm),
        new("contrast", "Contrast", "", e => e.ProcedureContext),
        new("ctdivol", "CTDIvol", "mGy", e => e.CtdiVolMGy),
        new("phantom", "Phantom", "", e => e.Phantom switch { CtdiPhantom.Head16 => "Head 16 cm", CtdiPhantom.Body32 => "Body 32 cm", _ => null }),
        new("dlp", "DLP", "mGy·cm", e => e.DlpMGyCm),
        new("ssde", "SSDE", "mGy", e => e.SsdeMGy ?? Estimate(e, "SSDE")),
        new("wed", "Water eq. diameter", "mm", e => e.WaterEquivalentDiameterMm),
        new("dlpforward", "Dose check DLP forward estimate", "mGy·cm", e => e.DoseCheck?.Notification?.DlpForwardEstimateMGyCm ?? e.DoseCheck?.Alert?.AccumulatedDlpForwardEstimateMGyCm, InEventTable: false),
        new("ctdiforward", "Dose check CTDIvol forward estimate", "mGy", e => e.DoseCheck?.Notification?.CtdiVolForwardEstimateMGy ?? e.DoseCheck?.Alert?.AccumulatedCtdiVolForwardEstimateMGy, InEventTable: false),
        new("checkreason", "Dose check reason for proceeding", "", e => e.DoseCheck?.Alert?.ReasonForProceeding ?? e.DoseCheck?.Notification?.ReasonForProceeding, InEventTable: false),
        new("checkauthorizedby", "Dose check authorized by", "", e => e.DoseCheck?.Alert?.AuthorizedBy ?? e.DoseCheck?.Notification?.AuthorizedBy, InEventTable: false),
        new("dap", "DAP", "Gy·cm²", e => e.DapGyCm2),
        new("doserp", "Dose at RP", "Gy", e => e.DoseRpGy),
        new("duration", "Irradiation time", "s", e => e.IrradiationDurationS),
        new("pulses", "Pulse rate", "/s", e => e.PulseRatePerS),
        new("pulsecount", "Number of pulses", "", e => e.NumberOfPulses),
        new("pulsewidth", "Pulse width", "ms", e => e.PulseWidthMs),
        new("ei", "Exposure index", "", e => e.ExposureIndex),
        new("targetei", "Target exposure index", "", e => e.TargetExposureIndex),
        new("di", "Deviation index", "", e => e.DeviationIndex),
        new("entrance", "Entrance exposure at RP", "mGy", e => e.EntranceDoseMGy),
        new("hvl", "Half-value layer", "mm", e => e.HalfValueLayerMm),
        new("filters", "Filters", "", e => e.Filters),
        new("sid", "Source–detector distance", "mm", e => e.Geometry?.DistanceSourceToDetectorMm),
        new("sod", "Source–isocentre distance", "mm", e => e.Geometry?.DistanceSourceToIsocenterMm),
        new("srp", "Source–reference point distance", "mm", e => e.Geometry?.DistanceSourceToReferencePointMm),
        new("primaryangle", "Primary angle", "°", e => e.Geometry?.PositionerPrimaryAngleDeg),
        new("secondaryangle", "Secondary angle", "°", e => e.Geometry?.PositionerSecondaryAngleDeg),
        new("tablelongitudinal", "Table longitudinal", "mm", e => e.Geometry?.TableLongitudinalPositionMm),
        new("tablelateral", "Table lateral", "mm", e => e.Geometry?.TableLateralPositionMm),
        new("tableheight", "Table height", "mm", e => e.Geometry?.TableHeightPositionMm),
        new("tableheadtilt", "Table head tilt", "°", e => e.Geometry?.TableHeadTiltAngleDeg),
        new("tablerotation", "Table horizontal rotation", "°", e => e.Geometry?.TableHorizontalRotationAngleDeg),
        new("tablecradletilt", "Table cradle tilt", "°", e => e.Geometry?.TableCradleTiltAngleDeg),
        new("fieldarea", "Collimated field area", "m²", e => e.Geometry?.CollimatedFieldAreaM2),
        new("fieldheight", "Collimated field height", "mm", e => e.Geometry?.CollimatedFieldHeightMm),
        new("fieldwidth", "Collimated field width", "mm", e => e.Geometry?.CollimatedFieldWidthMm),
        new("copper", "Copper filter", "mm", e => e.Geometry?.CopperFilterMm),
        new("aluminium", "Aluminium filter", "mm", e => e.Geometry?.AluminiumFilterMm),
        new("agd", "AGD", "mGy", e => e.AgdMGy),
        new("laterality", "Laterality", "", e => e.Laterality),
        new("thickness", "Compression thickness", "mm", e => e.CompressionThicknessMm),
        new("force", "Compression force", "N", e => e.CompressionForceN),
        new("anode", "Anode target", "", e => e.AnodeTarget),
        new("sar", "SAR", "W/kg", e => e.SarWPerKg),
        new("dbdt", "dB/dt", "T/s", e => e.DbdtTPerS),
        new("b1rms", "B1+rms", "µT", e => e.B1rmsUT),
        new("mi", "MI", "", e => e.MechanicalIndex),
        new("tis", "TIS", "", e => e.ThermalIndexSoftTissue),
        new("tib", "TIB", "", e => e.ThermalIndexBone),
        new("tic", "TIC", "", e => e.ThermalIndexCranialBone),
        new("agent", "Radiopharmaceutical", "", e => DisplayText.Radiopharmaceutical(e.RadiopharmaceuticalAgent)),
        new("radionuclide", "Radionuclide", "", e => DisplayText.Radiopharmaceutical(e.Radionuclide?.Meaning ?? e.Radionuclide?.Value)),
        new("activity", "Activity", "MBq", e => e.AdministeredActivityMBq),
        new("administered", "Administered (UTC)", "", e => e.AdministeredAt?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)),
        new("reportedeffective", "Effective dose (reported)", "mSv", e => e.ReportedEffectiveDoseMSv),
        new("effective", "Effective dose (est.)", "mSv", e => Estimate(e, "EffectiveDose")),
    ];

    private static double? Estimate(IrradiationEvent e, string quantity) => e.Estimates.FirstOrDefault(x => x.Quantity == quantity)?.Value;
}

/// <param name="Key">Stable key (the event table's data-column).</param>
/// <param name="Unit">The canonical unit as people write it; empty for ratios and text.</param>
/// <param name="InEventTable">False for values the study page shows in a section of their own (CT dose check).</param>
public sealed record EventQuantity(string Key, string Label, string Unit, Func<IrradiationEvent, object?> Value, bool InEventTable = true)
{
    /// <summary>The export's column header: label and unit in plain characters ("DLP (mGy.cm)"), as spreadsheets and scripts read them.</summary>
    public string ExportHeader => Unit.Length == 0 ? Label : $"{Label} ({Unit.Replace("·", ".", StringComparison.Ordinal).Replace("²", "2", StringComparison.Ordinal).Replace("µ", "u", StringComparison.Ordinal).Replace("°", "deg", StringComparison.Ordinal).Replace("m²", "m2", StringComparison.Ordinal)})";
}
