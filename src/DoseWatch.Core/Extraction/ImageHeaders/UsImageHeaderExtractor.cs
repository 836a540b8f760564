using DoseWatch.Core.Domain;
using DoseWatch.Dicom;

namespace DoseWatch.Core.Extraction.ImageHeaders;

/// <summary>
/// Ultrasound output indices from image headers (reference §6.3): MI, TIS, TIB, TIC, transducer and preset. One record
/// per image or cine loop (keyed by SOP Instance UID): each is its own exposure of the patient.
/// </summary>
public static class UsImageHeaderExtractor
{
    public static ExtractionResult Extract(DicomDataSet ds, ExtractionContext context)
    {
        var study = StudyReader.Read(ds, null, context, "US");
        var ev = new IrradiationEvent
        {
            EventUid = HeaderValues.Text(ds, DicomTag.SopInstanceUid) ?? "",
            EventKeyKind = "SopInstanceUid",
            Source = DoseSourceKind.UsImageHeader,
            StartedAt = CtImageHeaderExtractor.AcquisitionStart(ds, context),
            Protocol = HeaderValues.Text(ds, DoseTags.ProtocolName) ?? HeaderValues.Text(ds, DoseTags.SeriesDescription),
            // MI and the thermal indices are ratios (PS3.3 C.8.5.6): no unit to convert.
            MechanicalIndex = HeaderSearch.Number(ds, DoseTags.MechanicalIndex),
            ThermalIndexSoftTissue = HeaderSearch.Number(ds, DoseTags.SoftTissueThermalIndex),
            ThermalIndexBone = HeaderSearch.Number(ds, DoseTags.BoneThermalIndex),
            ThermalIndexCranialBone = HeaderSearch.Number(ds, DoseTags.CranialThermalIndex),
            Transducer = HeaderSearch.Text(ds, DoseTags.TransducerData),
            Preset = HeaderValues.Text(ds, DoseTags.ProcessingFunction) ?? HeaderValues.Text(ds, DoseTags.ProtocolName),
        };
        if (ev.MechanicalIndex is null && ev.ThermalIndexSoftTissue is null && ev.ThermalIndexBone is null && ev.ThermalIndexCranialBone is null)
            context.Warn("US output indices", "no MI or TI in this image");
        return new ExtractionResult(ExtractionKind.DoseObject, StudyReader.Instance(ds), study, [ev], AccumulatedDose.None, context.Warnings, context.AppliedFixes);
    }
}
