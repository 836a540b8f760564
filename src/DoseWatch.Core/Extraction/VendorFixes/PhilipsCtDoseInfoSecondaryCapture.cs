using System.Text;
using DoseWatch.Core.Domain;
using DoseWatch.Core.Extraction.ImageHeaders;
using DoseWatch.Core.Units;
using DoseWatch.Dicom;

namespace DoseWatch.Core.Extraction.VendorFixes;

/// <summary>
/// Philips Brilliance "Dose Info" Secondary Capture (CT-SC-Philips_Brilliance16P): Image Type DERIVED\SECONDARY\DOSE_INFO.
/// The dose values are machine readable in the header, not only burnt into pixels: one item of the (retired) Exposure
/// Dose Sequence (0040,030E) per acquisition, with CTDIvol, kVp, tube current in µA, exposure time, scan length, pitch
/// and collimation, and the acquisition's DLP in the private element (00E1,xx21) of creator "ELSCINT1" as decimal
/// text. That DLP carries no unit; Philips prints it on the console and in Comments on Radiation Dose (0040,0310) as
/// "DLP=…" beside CTDIvol in mGy, i.e. mGy·cm — the one unit assumption DoseWatch makes, and only here.
/// </summary>
public static class PhilipsCtDoseInfoSecondaryCapture
{
    public const string Name = "PhilipsCtDoseInfoSecondaryCapture";
    private const string PrivateCreator = "ELSCINT1";
    private const ushort PrivateGroup = 0x00E1;

    public static bool Applies(DicomDataSet ds) =>
        HeaderValues.Text(ds, DicomTag.Modality) == "CT"
        && (HeaderValues.Text(ds, DoseTags.ImageType)?.Contains("DOSE_INFO", StringComparison.Ordinal) ?? false)
        && ds.GetSequence(DoseTags.ExposureDoseSequence) is { Items.Count: > 0 };

    public static ExtractionResult Extract(DicomDataSet ds, ExtractionContext context)
    {
        context.Applied(Name);
        var study = StudyReader.Read(ds, null, context, "CT");
        var sopInstance = HeaderValues.Text(ds, DicomTag.SopInstanceUid) ?? "";
        var items = ds.GetSequence(DoseTags.ExposureDoseSequence)!.Items;
        var events = items.Select((item, index) =>
        {
            var where = $"Exposure Dose Sequence item {index + 1}";
            var ev = new IrradiationEvent
            {
                EventUid = $"{sopInstance}#{index + 1}",
                EventKeyKind = "DoseInfoItem",
                Source = DoseSourceKind.CtDoseInfoSecondaryCapture,
                Protocol = HeaderValues.Text(item, DoseTags.SeriesDescription),
                AcquisitionType = CtImageHeaderExtractor.AcquisitionTypeCode(HeaderValues.Text(item, DoseTags.AcquisitionType)),
                CtdiVolMGy = context.Convert(HeaderValues.Number(item, DoseTags.CtdiVol), "mGy", CanonicalUnits.MilliGray, $"{where} › CTDIvol"),
                DlpMGyCm = PrivateDlp(item, where, context),
                Kvp = context.Convert(HeaderValues.Number(item, DoseTags.Kvp), "kV", CanonicalUnits.KiloVolt, $"{where} › KVP"),
                TubeCurrentMA = context.Convert(HeaderValues.Number(item, DoseTags.XRayTubeCurrentInUA), "uA", CanonicalUnits.MilliAmpere, $"{where} › X-Ray Tube Current in µA"),
                ExposureTimeS = context.Convert(HeaderValues.Number(item, DoseTags.ExposureTime), "ms", CanonicalUnits.Second, $"{where} › Exposure Time"),
                ScanLengthMm = context.Convert(HeaderValues.Number(item, DoseTags.ScanLength), "mm", CanonicalUnits.Millimetre, $"{where} › Scan Length"),
                PitchFactor = HeaderValues.Number(item, DoseTags.SpiralPitchFactor),
                NominalSingleCollimationMm = HeaderValues.Number(item, DoseTags.SingleCollimationWidth),
                NominalTotalCollimationMm = HeaderValues.Number(item, DoseTags.TotalCollimationWidth),
            };
            return ev with { Estimates = CtRdsr.CtEstimates.For(ev, study) };
        }).ToList();
        return new ExtractionResult(ExtractionKind.DoseObject, StudyReader.Instance(ds), study, events, AccumulatedDose.None, context.Warnings, context.AppliedFixes);
    }

    private static double? PrivateDlp(DicomDataSet item, string where, ExtractionContext context)
    {
        for (ushort block = 0x10; block <= 0xFF; block++)
        {
            if (HeaderValues.Text(item, new DicomTag(PrivateGroup, block)) != PrivateCreator) continue;
            if (!item.TryGet(new DicomTag(PrivateGroup, (ushort)((block << 8) | 0x21)), out var dlp) || dlp.Value.IsEmpty) return null;
            var text = Encoding.ASCII.GetString(dlp.Value.Span);
            if (NumberString.ParseDouble(text.Trim('\0', ' ')) is { } v) return v;
            context.Warn(where, $"ELSCINT1 DLP '{text.Trim()}' is not a number");
            return null;
        }
        return null;
    }
}
