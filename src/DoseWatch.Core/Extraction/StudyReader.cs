using DoseWatch.Core.Domain;
using DoseWatch.Core.Extraction.Sr;
using DoseWatch.Dicom;

namespace DoseWatch.Core.Extraction;

/// <summary>Study, patient and device attributes (reference §6.5), with the SR observer context filling gaps in the header.</summary>
internal static class StudyReader
{
    public static SourceInstance Instance(DicomDataSet ds) => new(
        HeaderValues.Text(ds, DicomTag.SopClassUid) ?? "",
        HeaderValues.Text(ds, DicomTag.SopInstanceUid) ?? "",
        HeaderValues.Text(ds, DicomTag.SeriesInstanceUid),
        HeaderValues.Text(ds, DicomTag.Modality));

    public static Study? Read(DicomDataSet ds, SrItem? root, ExtractionContext context, string? modalityOverride = null)
    {
        var studyUid = HeaderValues.Text(ds, DicomTag.StudyInstanceUid);
        if (studyUid is null)
        {
            context.Warn("Study Instance UID (0020,000D)", "missing: the object cannot be filed under a study");
            return null;
        }
        var age = HeaderValues.Text(ds, DoseTags.PatientAge);
        var patient = new PatientCharacteristics(
            age,
            HeaderValues.AgeYears(age),
            HeaderValues.Text(ds, DoseTags.PatientSex),
            Positive(HeaderValues.Number(ds, DoseTags.PatientWeight)),
            Positive(HeaderValues.Number(ds, DoseTags.PatientSize)));
        var device = new DeviceIdentity(
            HeaderValues.Text(ds, DicomTag.Manufacturer) ?? root?.Descendant(DoseCodes.DeviceObserverManufacturer)?.Text,
            HeaderValues.Text(ds, DoseTags.ManufacturerModelName) ?? root?.Descendant(DoseCodes.DeviceObserverModelName)?.Text,
            HeaderValues.Text(ds, DoseTags.StationName) ?? root?.Descendant(DoseCodes.DeviceObserverName)?.Text,
            HeaderValues.Text(ds, DoseTags.DeviceSerialNumber) ?? root?.Descendant(DoseCodes.DeviceObserverSerialNumber)?.Text,
            VendorFixes.DeviceObserverUidAsText.Read(root, context));
        return new Study(
            studyUid,
            HeaderValues.Text(ds, DoseTags.AccessionNumber),
            HeaderValues.Date(ds, DicomTag.StudyDate),
            HeaderValues.ParseTime(HeaderValues.Text(ds, DoseTags.StudyTime)),
            modalityOverride ?? HeaderValues.Text(ds, DicomTag.Modality),
            HeaderValues.Text(ds, DoseTags.StudyDescription),
            patient,
            device)
        {
            RequestedProcedure = HeaderValues.Text(ds, DoseTags.RequestedProcedureDescription)
                ?? ds.GetSequence(DoseTags.RequestAttributesSequence)?.Items.Select(i => HeaderValues.Text(i, DoseTags.RequestedProcedureDescription)).FirstOrDefault(t => t is not null),
        };
    }

    // Anonymisers and some devices write 0 for "unknown" weight or size; 0 is not a patient's weight.
    private static double? Positive(double? v) => v is > 0 ? v : null;
}
