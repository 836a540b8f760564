using DoseWatch.Core.Domain;
using DoseWatch.Core.Extraction.CtRdsr;
using DoseWatch.Core.Extraction.Sr;
using DoseWatch.Core.Units;
using DoseWatch.Dicom;

namespace DoseWatch.Core.Extraction.ImageHeaders;

/// <summary>
/// CT image headers (CT Image, Enhanced CT, Legacy Converted Enhanced CT; reference §6.1), for scanners that send no
/// RDSR. One event per acquisition, never one per image: the key is the Irradiation Event UID when present, else the
/// series and acquisition number, so every image of an acquisition lands on the same event.
/// </summary>
public static class CtImageHeaderExtractor
{
    public static ExtractionResult Extract(DicomDataSet ds, ExtractionContext context)
    {
        var study = StudyReader.Read(ds, null, context, "CT");
        var (key, keyKind) = EventKey(ds);
        var phantom = HeaderSearch.Holder(ds, DoseTags.CtdiPhantomTypeCodeSequence)?.GetCodedConcept(DoseTags.CtdiPhantomTypeCodeSequence) switch
        {
            { } c when c == DoseCodes.IecHeadDosimetryPhantom => CtdiPhantom.Head16,
            { } c when c == DoseCodes.IecBodyDosimetryPhantom => CtdiPhantom.Body32,
            _ => (CtdiPhantom?)null,
        };
        var ctdi = HeaderSearch.Number(ds, DoseTags.CtdiVol);
        if (ctdi is null) context.Warn("CTDIvol (0018,9345)", "absent from this CT image: no dose value for the acquisition");
        var ev = new IrradiationEvent
        {
            EventUid = key,
            EventKeyKind = keyKind,
            Source = DoseSourceKind.CtImageHeader,
            Protocol = HeaderValues.Text(ds, DoseTags.ProtocolName) ?? HeaderValues.Text(ds, DoseTags.SeriesDescription),
            AcquisitionType = AcquisitionTypeCode(HeaderSearch.Text(ds, DoseTags.AcquisitionType)),
            StartedAt = AcquisitionStart(ds, context),
            CtdiVolMGy = context.Convert(ctdi, "mGy", CanonicalUnits.MilliGray, "CTDIvol (0018,9345)"),
            Phantom = phantom,
            WaterEquivalentDiameterMm = context.Convert(HeaderSearch.Number(ds, DoseTags.WaterEquivalentDiameter), "mm", CanonicalUnits.Millimetre, "Water Equivalent Diameter (0018,1271)"),
            Kvp = context.Convert(HeaderSearch.Number(ds, DoseTags.Kvp), "kV", CanonicalUnits.KiloVolt, "KVP (0018,0060)"),
            TubeCurrentMA = HeaderSearch.Number(ds, DoseTags.XRayTubeCurrentInMA) is { } enhancedMA
                ? enhancedMA
                : context.Convert(HeaderSearch.Number(ds, DoseTags.XRayTubeCurrent), "mA", CanonicalUnits.MilliAmpere, "X-Ray Tube Current (0018,1151)"),
            ExposureTimeS = context.Convert(HeaderSearch.Number(ds, DoseTags.ExposureTimeInMs) ?? HeaderSearch.Number(ds, DoseTags.ExposureTime), "ms", CanonicalUnits.Second, "Exposure Time (0018,1150)/(0018,9328)"),
            ExposureMAs = HeaderSearch.Number(ds, DoseTags.ExposureInMAs) ?? HeaderSearch.Number(ds, DoseTags.Exposure),
            PitchFactor = HeaderSearch.Number(ds, DoseTags.SpiralPitchFactor),
            NominalTotalCollimationMm = HeaderSearch.Number(ds, DoseTags.TotalCollimationWidth),
            NominalSingleCollimationMm = HeaderSearch.Number(ds, DoseTags.SingleCollimationWidth),
        };
        ev = ev with { Estimates = CtEstimates.For(ev, study) };
        return new ExtractionResult(ExtractionKind.DoseObject, StudyReader.Instance(ds), study, [ev], AccumulatedDose.None, context.Warnings, context.AppliedFixes);
    }

    internal static (string Key, string Kind) EventKey(DicomDataSet ds)
    {
        if (HeaderValues.Text(ds, DoseTags.IrradiationEventUid) is { } uid) return (uid.Split('\\')[0], "IrradiationEventUid");
        var series = HeaderValues.Text(ds, DicomTag.SeriesInstanceUid) ?? HeaderValues.Text(ds, DicomTag.SopInstanceUid) ?? "";
        var acquisition = HeaderValues.Text(ds, DoseTags.AcquisitionNumber);
        return (acquisition is null ? series : $"{series}/{acquisition}", "SeriesAndAcquisition");
    }

    /// <summary>Acquisition DateTime, else Acquisition Date + Time: local, with the object's offset or the site's (<see cref="ExtractionContext.Instant"/>).</summary>
    internal static DateTimeOffset? AcquisitionStart(DicomDataSet ds, ExtractionContext context) =>
        context.Instant(ds.GetDateTime(DoseTags.AcquisitionDateTime) ?? ds.GetDateTime(DoseTags.AcquisitionDate, DoseTags.AcquisitionTime));

    /// <summary>Acquisition Type (0018,9302) defined terms mapped to the CID 10013 codes the RDSR uses.</summary>
    internal static ConceptCode? AcquisitionTypeCode(string? term) => term switch
    {
        "SPIRAL" => new ConceptCode("116152004", "SCT", "Spiral Acquisition"),
        "SEQUENCED" => new ConceptCode("113804", "DCM", "Sequenced Acquisition"),
        "CONSTANT_ANGLE" => new ConceptCode("113805", "DCM", "Constant Angle Acquisition"),
        "STATIONARY" => new ConceptCode("113806", "DCM", "Stationary Acquisition"),
        "FREE" => new ConceptCode("113807", "DCM", "Free Acquisition"),
        null => null,
        _ => new ConceptCode(term, "DICOM-CS", term),
    };
}
