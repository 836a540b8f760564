using DoseWatch.Core.Domain;
using DoseWatch.Core.Extraction.VendorFixes;
using DoseWatch.Core.Units;
using DoseWatch.Dicom;

namespace DoseWatch.Core.Extraction.ImageHeaders;

/// <summary>
/// DX, CR, MG, PX, IO and XA/RF image headers (reference §6.4): exposure index, target EI, deviation index, entrance
/// dose, DAP, kVp, mAs, AGD (organ dose), compression, thickness, anode and filters. One event per exposure.
/// </summary>
public static class ProjectionImageHeaderExtractor
{
    public static ExtractionResult Extract(DicomDataSet ds, ExtractionContext context)
    {
        var modality = HeaderValues.Text(ds, DicomTag.Modality);
        var study = StudyReader.Read(ds, null, context);
        var (key, keyKind) = ProjectionImageEventKey.For(ds, context);
        var organExposed = HeaderValues.Text(ds, DoseTags.OrganExposed);
        var organDoseMGy = context.Convert(HeaderValues.Number(ds, DoseTags.OrganDose), "dGy", CanonicalUnits.MilliGray, "Organ Dose (0040,0316)");
        var isBreast = modality == "MG" || string.Equals(organExposed, "BREAST", StringComparison.OrdinalIgnoreCase);
        var filters = KodakCommaSeparatedFilters.Read(ds, context);
        var ev = new IrradiationEvent
        {
            EventUid = key,
            EventKeyKind = keyKind,
            Source = DoseSourceKind.ProjectionImageHeader,
            StartedAt = CtImageHeaderExtractor.AcquisitionStart(ds, context),
            Protocol = HeaderValues.Text(ds, DoseTags.ProtocolName) ?? HeaderValues.Text(ds, DoseTags.SeriesDescription),
            // (0018,115E) is defined in dGy·cm² (PS3.3 C.8.7.8), whatever the modality.
            DapGyCm2 = context.Convert(HeaderValues.Number(ds, DoseTags.ImageAndFluoroscopyAreaDoseProduct), "dGy.cm2", CanonicalUnits.GrayCentimetreSquared, "Image and Fluoroscopy Area Dose Product (0018,115E)"),
            EntranceDoseMGy = context.Convert(HeaderValues.Number(ds, DoseTags.EntranceDoseInMGy), "mGy", CanonicalUnits.MilliGray, "Entrance Dose in mGy (0040,8302)")
                ?? context.Convert(HeaderValues.Number(ds, DoseTags.EntranceDose), "dGy", CanonicalUnits.MilliGray, "Entrance Dose (0040,0302)"),
            AgdMGy = isBreast ? organDoseMGy : null,
            Kvp = context.Convert(HeaderValues.Number(ds, DoseTags.Kvp), "kV", CanonicalUnits.KiloVolt, "KVP (0018,0060)"),
            TubeCurrentMA = context.Convert(HeaderValues.Number(ds, DoseTags.XRayTubeCurrent), "mA", CanonicalUnits.MilliAmpere, "X-Ray Tube Current (0018,1151)"),
            ExposureTimeS = context.Convert(HeaderValues.Number(ds, DoseTags.ExposureTime), "ms", CanonicalUnits.Second, "Exposure Time (0018,1150)"),
            // Exposure in µAs is the more precise of the two when both are present.
            ExposureMAs = context.Convert(HeaderValues.Number(ds, DoseTags.ExposureInUAs), "uA.s", CanonicalUnits.MilliAmpereSecond, "Exposure in µAs (0018,1153)")
                ?? context.Convert(HeaderValues.Number(ds, DoseTags.Exposure), "mA.s", CanonicalUnits.MilliAmpereSecond, "Exposure (0018,1152)"),
            ExposureIndex = HeaderValues.Number(ds, DoseTags.ExposureIndex),
            TargetExposureIndex = HeaderValues.Number(ds, DoseTags.TargetExposureIndex),
            DeviationIndex = HeaderValues.Number(ds, DoseTags.DeviationIndex),
            CompressionThicknessMm = isBreast ? context.Convert(HeaderValues.Number(ds, DoseTags.BodyPartThickness), "mm", CanonicalUnits.Millimetre, "Body Part Thickness (0018,11A0)") : null,
            CompressionForceN = context.Convert(HeaderValues.Number(ds, DoseTags.CompressionForce), "N", CanonicalUnits.Newton, "Compression Force (0018,11A2)"),
            Laterality = HeaderValues.Text(ds, DoseTags.ImageLaterality),
            AnodeTarget = HeaderValues.Text(ds, DoseTags.AnodeTargetMaterial),
            Filters = filters,
        };
        return new ExtractionResult(ExtractionKind.DoseObject, StudyReader.Instance(ds), study, [ev], AccumulatedDose.None, context.Warnings, context.AppliedFixes);
    }
}

/// <summary>
/// The key of a projection image's exposure. The Irradiation Event UID when the device writes one; otherwise the
/// acquisition date/time, laterality and view on the device, so the "For Presentation" and "For Processing" images of
/// one mammography exposure (MG-Im-GE_Seno_1_*) are one event, not two. Without an acquisition time the image is its own event.
/// </summary>
public static class ProjectionImageEventKey
{
    public const string Name = "ProjectionImageEventKey";

    public static (string Key, string Kind) For(DicomDataSet ds, ExtractionContext context)
    {
        if (HeaderValues.Text(ds, DoseTags.IrradiationEventUid) is { } uid) return (uid.Split('\\')[0], "IrradiationEventUid");
        var date = HeaderValues.Text(ds, DoseTags.AcquisitionDate);
        var time = HeaderValues.Text(ds, DoseTags.AcquisitionTime);
        if (date is null || time is null) return (HeaderValues.Text(ds, DicomTag.SopInstanceUid) ?? "", "SopInstanceUid");
        context.Applied(Name);
        var device = HeaderValues.Text(ds, DoseTags.DeviceSerialNumber) ?? HeaderValues.Text(ds, DoseTags.StationName) ?? "";
        return ($"{device}/{date}{time}/{HeaderValues.Text(ds, DoseTags.ImageLaterality)}/{HeaderValues.Text(ds, DoseTags.ViewPosition)}", "AcquisitionDateTime");
    }
}
