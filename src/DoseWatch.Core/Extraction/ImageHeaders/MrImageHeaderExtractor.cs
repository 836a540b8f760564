using DoseWatch.Core.Domain;
using DoseWatch.Core.Units;
using DoseWatch.Dicom;

namespace DoseWatch.Core.Extraction.ImageHeaders;

/// <summary>
/// MR safety values from image headers (reference §6.2): whole-body SAR and its definition, dB/dt, B1rms, operating
/// mode and field strength. One record per series (keyed by Series Instance UID): every image of a series repeats them.
/// </summary>
public static class MrImageHeaderExtractor
{
    public static ExtractionResult Extract(DicomDataSet ds, ExtractionContext context)
    {
        var study = StudyReader.Read(ds, null, context, "MR");
        var series = HeaderValues.Text(ds, DicomTag.SeriesInstanceUid) ?? HeaderValues.Text(ds, DicomTag.SopInstanceUid) ?? "";
        var ev = new IrradiationEvent
        {
            EventUid = series,
            EventKeyKind = "SeriesInstanceUid",
            Source = DoseSourceKind.MrImageHeader,
            Protocol = HeaderValues.Text(ds, DoseTags.ProtocolName) ?? HeaderValues.Text(ds, DoseTags.SeriesDescription),
            StartedAt = CtImageHeaderExtractor.AcquisitionStart(ds, context),
            // Enhanced MR keeps SAR in the Specific Absorption Rate Sequence (0018,9239) of its functional groups instead.
            SarWPerKg = context.Convert(HeaderSearch.Number(ds, DoseTags.Sar), "W/kg", CanonicalUnits.WattPerKilogram, "SAR (0018,1316)")
                ?? context.Convert(HeaderSearch.Number(ds, DoseTags.SpecificAbsorptionRateValue), "W/kg", CanonicalUnits.WattPerKilogram, "Specific Absorption Rate Value (0018,9181)"),
            SarDefinition = HeaderSearch.Text(ds, DoseTags.SpecificAbsorptionRateDefinition) ?? (ds.Contains(DoseTags.Sar) ? "IEC_WHOLE_BODY" : null),
            DbdtTPerS = context.Convert(HeaderSearch.Number(ds, DoseTags.DbDt) ?? GradientOutputAsDbdt(ds), "T/s", CanonicalUnits.TeslaPerSecond, "dB/dt (0018,1318)/(0018,9182)"),
            B1rmsUT = context.Convert(HeaderSearch.Number(ds, DoseTags.B1rms), "uT", CanonicalUnits.MicroTesla, "B1rms (0018,1320)"),
            FieldStrengthT = context.Convert(HeaderSearch.Number(ds, DoseTags.MagneticFieldStrength), "T", CanonicalUnits.Tesla, "Magnetic Field Strength (0018,0087)"),
            OperatingMode = OperatingModes(ds),
        };
        if (ev.SarWPerKg is null && ev.DbdtTPerS is null && ev.B1rmsUT is null)
            context.Warn("MR safety attributes", "no SAR, dB/dt or B1rms in this image");
        return new ExtractionResult(ExtractionKind.DoseObject, StudyReader.Instance(ds), study, [ev], AccumulatedDose.None, context.Warnings, context.AppliedFixes);
    }

    /// <summary>Gradient Output (0018,9182) is dB/dt in T/s only when its Gradient Output Type (0018,9180) is DB_DT (else V/m or % of the PNS threshold).</summary>
    private static double? GradientOutputAsDbdt(DicomDataSet ds) =>
        HeaderSearch.Holder(ds, DoseTags.GradientOutput) is { } holder && HeaderValues.Text(holder, DoseTags.GradientOutputType) == "DB_DT"
            ? HeaderValues.Number(holder, DoseTags.GradientOutput)
            : null;

    /// <summary>"RF:IEC_NORMAL; GRADIENT:IEC_FIRST_LEVEL" from the Operating Mode Sequence, or the single Operating Mode.</summary>
    private static string? OperatingModes(DicomDataSet ds)
    {
        if (HeaderSearch.Holder(ds, DoseTags.OperatingModeSequence)?.GetSequence(DoseTags.OperatingModeSequence) is { Items.Count: > 0 } seq)
        {
            var modes = seq.Items
                .Select(i => (Type: HeaderValues.Text(i, DoseTags.OperatingModeType), Mode: HeaderValues.Text(i, DoseTags.OperatingMode)))
                .Where(m => m.Mode is not null)
                .Select(m => m.Type is null ? m.Mode! : $"{m.Type}:{m.Mode}")
                .ToList();
            if (modes.Count > 0) return string.Join("; ", modes);
        }
        return HeaderSearch.Text(ds, DoseTags.OperatingMode);
    }
}
