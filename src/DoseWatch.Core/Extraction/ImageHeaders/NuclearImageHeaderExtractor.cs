using System.Globalization;
using DoseWatch.Core.Domain;
using DoseWatch.Core.Units;
using DoseWatch.Dicom;

namespace DoseWatch.Core.Extraction.ImageHeaders;

/// <summary>
/// NM and PET administered activity from image headers (issue #16 item 7), for sites whose cameras send no
/// radiopharmaceutical RDSR: one administration per item of the Radiopharmaceutical Information Sequence (0054,0016),
/// with Radionuclide Total Dose (0018,1074), radiopharmaceutical, radionuclide, route and start date/time; the
/// patient's weight is the study's. Every image of every series repeats the same administration, so it is keyed by its
/// Radiopharmaceutical Administration Event UID (0008,3012) when the device gives one, else by what it is (start,
/// radionuclide, activity): the images of one injection collapse onto one event. A study's radiopharmaceutical RDSR
/// supersedes these (<see cref="DoseSourceKindExtensions.IsAdministrationFromImages"/>).
/// </summary>
public static class NuclearImageHeaderExtractor
{
    // PS3.3 C.8.4.10 (NM Isotope): MBq. C.8.9.2 (PET Isotope) and C.8.22.5 (Enhanced PET Isotope): Bq.
    private static readonly HashSet<string> PetImageClasses = ["1.2.840.10008.5.1.4.1.1.128", "1.2.840.10008.5.1.4.1.1.130", "1.2.840.10008.5.1.4.1.1.128.1"];

    /// <summary>True when the image carries at least one item in its Radiopharmaceutical Information Sequence.</summary>
    public static bool HasAdministration(DicomDataSet ds) => ds.GetSequence(DoseTags.RadiopharmaceuticalInformationSequence) is { Items.Count: > 0 };

    public static ExtractionResult Extract(DicomDataSet ds, ExtractionContext context)
    {
        var study = StudyReader.Read(ds, null, context);
        var sopClass = HeaderValues.Text(ds, DicomTag.SopClassUid) ?? "";
        var activityUnit = PetImageClasses.Contains(sopClass) ? "Bq" : "MBq";
        var items = ds.GetSequence(DoseTags.RadiopharmaceuticalInformationSequence)?.Items ?? [];
        var events = new List<IrradiationEvent>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var where = $"Radiopharmaceutical Information Sequence (0054,0016) item {i + 1}";
            var activity = context.Convert(HeaderValues.Number(item, DoseTags.RadionuclideTotalDose), activityUnit, CanonicalUnits.MegaBecquerel, $"{where} › Radionuclide Total Dose (0018,1074)");
            if (activity is null) context.Warn(where, "no Radionuclide Total Dose (0018,1074): the administered activity is not known");
            var radionuclide = item.GetCodedConcept(DoseTags.RadionuclideCodeSequence) is { } nuclide ? Sr.DoseCodes.ToDomain(nuclide) : null;
            var administeredAt = StartOf(ds, item, context);
            var uid = HeaderValues.Text(item, DoseTags.RadiopharmaceuticalAdministrationEventUid);
            events.Add(new IrradiationEvent
            {
                EventUid = uid ?? string.Join('|', "administration",
                    administeredAt?.ToString("yyyyMMddHHmmss.FFFFFFzzz", CultureInfo.InvariantCulture) ?? "",
                    radionuclide?.Value ?? "", activity?.ToString("R", CultureInfo.InvariantCulture) ?? ""),
                EventKeyKind = uid is null ? "RadiopharmaceuticalAdministration" : "AdministrationEventUid",
                Source = DoseSourceKind.NuclearImageHeader,
                AdministeredActivityMBq = activity,
                Radionuclide = radionuclide,
                RadiopharmaceuticalAgent = item.GetCodedConcept(DoseTags.RadiopharmaceuticalCodeSequence)?.CodeMeaning
                    ?? HeaderValues.Text(item, DoseTags.Radiopharmaceutical),
                Route = item.GetCodedConcept(DoseTags.AdministrationRouteCodeSequence) is { } route ? Sr.DoseCodes.ToDomain(route) : null,
                AdministeredAt = administeredAt,
                StartedAt = administeredAt,
            });
        }
        return new ExtractionResult(ExtractionKind.DoseObject, StudyReader.Instance(ds), study, events, AccumulatedDose.None, context.Warnings, context.AppliedFixes);
    }

    /// <summary>Radiopharmaceutical Start DateTime (0018,1078), else Start Time (0018,1072) on the Series Date (as PET
    /// decay correction reads it), else on the Study Date; local, with the object's offset or the site's (<see cref="ExtractionContext.Instant"/>).</summary>
    private static DateTimeOffset? StartOf(DicomDataSet ds, DicomDataSet item, ExtractionContext context)
    {
        if (item.GetDateTime(DoseTags.RadiopharmaceuticalStartDateTime) is { } start) return context.Instant(start);
        if (item.GetTime(DoseTags.RadiopharmaceuticalStartTime) is not { } time) return null;
        var dateTag = ds.GetDate(DoseTags.SeriesDate) is null ? DicomTag.StudyDate : DoseTags.SeriesDate;
        // The date's own data set supplies the Timezone Offset From UTC (0008,0201), the time comes from the injection item.
        return ds.GetDateTime(dateTag, dateTag) is { } day ? context.Instant(day with { DateTime = day.DateTime.Date + time.ToTimeSpan() }) : null;
    }
}
