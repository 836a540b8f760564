using DoseWatch.Core.Abstractions;
using DoseWatch.Core.Domain;
using DoseWatch.Core.Extraction;
using DoseWatch.Data.Repositories;
using DoseWatch.Dicom;

namespace DoseWatch.Data.Extraction;

/// <summary>
/// The extraction job's <see cref="IDoseExtraction"/>: read the received file's header, run the pure
/// <see cref="DoseExtractor"/>, store the result with <see cref="DoseRecordRepository"/> (idempotent), and link the study
/// to the sending device. A file the codec cannot read is rejected with the codec's reason (quarantine); database
/// errors propagate so that the job retries.
/// </summary>
public sealed class DoseRecordExtraction(IDbConnectionFactory connections, DeviceRepository devices, TimeProvider? clock = null) : IDoseExtraction
{
    // Dose values live in headers and SR trees: pixel data is never needed, so it is not read.
    private static readonly DicomReadOptions HeaderOnly = new() { StopBeforePixelData = true };

    private readonly DoseRecordRepository _records = new(connections, clock);

    public async Task<ExtractionOutcome> ExtractAsync(InstanceToExtract instance, CancellationToken cancellationToken)
    {
        DicomFile file;
        try
        {
            file = DicomReader.ReadFile(instance.Path, HeaderOnly);
        }
        catch (DicomFormatException e)
        {
            return ExtractionOutcome.Rejected($"Not a readable DICOM file: {e.Message}");
        }
        var result = DoseExtractor.Extract(file);
        if (result.Kind == ExtractionKind.NotADoseObject)
        {
            await _records.SaveAsync(result, cancellationToken: cancellationToken);
            return ExtractionOutcome.NotDoseObject(result.NotADoseObjectReason ?? "not a dose object");
        }
        if (result.Study is null) return ExtractionOutcome.Rejected("The object has no Study Instance UID: its dose cannot be filed under a study.");

        var d = result.Study.Device;
        var deviceId = await devices.RecordSeenAsync(instance.CallingAeTitle, d.StationName ?? "", d.Manufacturer ?? "", d.Model ?? "", d.SerialNumber ?? "",
            instance.ReceivedAt, cancellationToken);
        var saved = await _records.SaveAsync(result, deviceId, cancellationToken);
        return ExtractionOutcome.Extracted(Summary(result, saved));
    }

    private static string Summary(ExtractionResult result, DoseRecordSaveOutcome saved)
    {
        var text = $"{result.Study!.Modality} study {result.Study.StudyInstanceUid}: {saved.EventsInserted} new and {saved.EventsMerged} merged events";
        if (result.AppliedFixes.Count > 0) text += $"; vendor fixes: {string.Join(", ", result.AppliedFixes)}";
        if (result.Warnings.Count > 0) text += $"; {result.Warnings.Count} value(s) not stored: " + string.Join("; ", result.Warnings.Take(3).Select(w => $"{w.Where}: {w.Message}"));
        return text;
    }
}
