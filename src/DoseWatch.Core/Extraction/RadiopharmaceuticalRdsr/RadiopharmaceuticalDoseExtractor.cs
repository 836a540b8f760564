using DoseWatch.Core.Domain;
using DoseWatch.Core.Extraction.Sr;
using DoseWatch.Core.Units;
using DoseWatch.Dicom;

namespace DoseWatch.Core.Extraction.RadiopharmaceuticalRdsr;

/// <summary>
/// Radiopharmaceutical Radiation Dose report, TID 10021: one event per Radiopharmaceutical Administration
/// (TID 10022), keyed by its Administration Event UID (113503). The PET/CT's CT RDSR carries the CT part of the same
/// study; both file under the one Study Instance UID.
/// </summary>
public static class RadiopharmaceuticalDoseExtractor
{
    private static readonly CodedConcept AdministrationEventUid = new("113503", "DCM");

    public static ExtractionResult Extract(DicomDataSet ds, SrItem root, ExtractionContext context)
    {
        var study = StudyReader.Read(ds, root, context, "NM");
        var sopInstance = HeaderValues.Text(ds, DicomTag.SopInstanceUid) ?? "";
        var events = root.Descendants(DoseCodes.RadiopharmaceuticalAdministration).Select((a, index) =>
        {
            var where = $"Radiopharmaceutical Administration #{index + 1}";
            var uid = a.Child(AdministrationEventUid)?.UidValue;
            if (string.IsNullOrEmpty(uid))
            {
                context.Warn(where, "no Radiopharmaceutical Administration Event UID: keyed by the report's SOP Instance UID and position");
                uid = $"{sopInstance}#{index + 1}";
            }
            var agent = a.Child(DoseCodes.RadiopharmaceuticalAgent) ?? a.Child(DoseCodes.RadiopharmaceuticalAgentCurrent);
            return new IrradiationEvent
            {
                EventUid = uid,
                EventKeyKind = "AdministrationEventUid",
                Source = DoseSourceKind.RadiopharmaceuticalRdsr,
                RadiopharmaceuticalAgent = agent?.CodeValueItem?.Meaning ?? agent?.Text,
                Radionuclide = a.Descendant(DoseCodes.Radionuclide)?.CodeValueItem,
                AdministeredActivityMBq = context.Num(a.Child(DoseCodes.AdministeredActivity), CanonicalUnits.MegaBecquerel, $"{where} › Administered activity"),
                Route = a.Child(DoseCodes.RouteOfAdministration)?.CodeValueItem,
                AdministeredAt = context.Instant(a.Child(DoseCodes.RadiopharmaceuticalStartDateTime)?.DateTimeValue),
                StartedAt = context.Instant(a.Child(DoseCodes.RadiopharmaceuticalStartDateTime)?.DateTimeValue),
                ReportedEffectiveDoseMSv = context.Num(a.Descendant(DoseCodes.EffectiveDose), CanonicalUnits.MilliSievert, $"{where} › Effective Dose"),
            };
        }).ToList();
        return new ExtractionResult(ExtractionKind.DoseObject, StudyReader.Instance(ds), study, events, AccumulatedDose.None, context.Warnings, context.AppliedFixes);
    }
}
