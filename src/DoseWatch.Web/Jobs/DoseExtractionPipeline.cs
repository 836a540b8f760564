using DoseWatch.Core.Abstractions;
using DoseWatch.Core.Domain;
using DoseWatch.Core.Extraction;
using DoseWatch.Core.Privacy;
using DoseWatch.Data;
using DoseWatch.Data.Repositories;
using DoseWatch.Dicom;
using DoseWatch.Web.Alerts;

namespace DoseWatch.Web.Jobs;

/// <summary>
/// The extraction step behind <see cref="ExtractInstanceJob"/>: read the received file's header, run the extractor chosen by
/// SOP class and template, record the device and store the dose records with the patient's identity (or only its pseudonym, per
/// <see cref="PrivacyMode"/>). Every step is idempotent, so a rerun after a crash
/// or a retry leaves the same rows. The study's analysis (deviations, outliers, alerts) is queued once its records are saved,
/// and for a fluoroscopy report its skin dose (<see cref="SkinDoseJob"/>); a dose report is queued for the dose registry
/// when forwarding is on (<see cref="Registry.RegistrySubmissionQueue"/>), and the FHIR push (<see cref="Fhir.PushFhirJob"/>) is requested.
/// </summary>
public sealed class DoseExtractionPipeline(IDbConnectionFactory connections, DeviceRepository devices, StudyAnalysisQueue analysis, SkinDoseQueue skinDose,
    Fhir.FhirPushQueue fhirPush,
    PatientIdentification patients, StoredObjectCipher storedObjects, PatientIdentityCipher identities, Registry.RegistrySubmissionQueue registry, TimeProvider clock,
    Microsoft.Extensions.Options.IOptions<ExtractionOptions> options) : IDoseExtraction
{
    private readonly TimeZoneInfo _siteTimeZone = options.Value.TimeZone();

    /// <summary>How the inbox reason of an object extracted with warnings begins.</summary>
    public const string WithWarnings = "With warnings";

    // Headers and SR content are all a dose monitor needs: pixel data are skipped, never loaded.
    private static readonly DicomReadOptions HeaderOnly = new() { StopBeforePixelData = true };

    public async Task<ExtractionOutcome> ExtractAsync(InstanceToExtract instance, CancellationToken cancellationToken)
    {
        DicomFile file;
        try
        {
            file = storedObjects.ReadDicom(instance.Path, HeaderOnly);
        }
        catch (DicomFormatException e)
        {
            return ExtractionOutcome.Rejected($"Not a readable DICOM object: {e.Message}");
        }
        catch (StoredObjectUnreadableException e)
        {
            return ExtractionOutcome.Rejected($"The stored file cannot be decrypted: {e.Message}");
        }

        var result = DoseExtractor.Extract(file, _siteTimeZone);
        // Set aside with its reason on the inbox row only: a text report must not create a study in the dose records.
        if (result.Kind == ExtractionKind.NotADoseObject)
            return ExtractionOutcome.NotDoseObject(result.NotADoseObjectReason ?? "Not a dose object");
        if (result.Study is null)
            return ExtractionOutcome.Rejected("The object has no Study Instance UID: its dose values cannot be attributed to a study");

        var deviceId = await RecordDeviceAsync(instance.CallingAeTitle, result.Study.Device, cancellationToken);
        // Identity as the privacy mode allows it to be stored: in pseudonymous mode only the pseudonym reaches the database.
        // and its direct identifiers only sealed, bound to the study (PatientIdentityCipher).
        var patient = identities.Seal(result.Study.StudyInstanceUid, patients.Read(file.DataSet));
        var saved = await new DoseRecordRepository(connections, clock).SaveAsync(result, deviceId, patient, cancellationToken);
        // Deviations and outliers are evaluated right after the records exist (the analysis job is idempotent per study).
        analysis.Enqueue(result.Study.StudyInstanceUid);
        // Fluoroscopy reports: peak skin dose and map, computed from the file's beam geometry in a job of their own.
        skinDose.EnqueueIfApplies(result, instance.Path);
        // Dose registry (IHE REM Dose Information Reporter): queued once its records exist, so a report that fails
        // extraction is never forwarded.
        await registry.QueueIfAppliesAsync(instance, result.Study.Modality, cancellationToken);
        // The study's records and totals now include this object: its dose summary goes to the FHIR server (when configured),
        // updating what an earlier object of the study sent.
        await fhirPush.RequestAsync(result.Study.StudyInstanceUid, cancellationToken);
        var events = $"{result.Events.Count} event(s): {saved.EventsInserted} new, {saved.EventsMerged} merged";
        // Warnings lead the inbox reason, so "extracted" never hides a missing required value (the Inbox marks them).
        return ExtractionOutcome.Extracted(result.Warnings.Count == 0 ? events
            : $"{WithWarnings} ({result.Warnings.Count}): " + string.Join("; ", result.Warnings.Take(3).Select(w => $"{w.Where}: {w.Message}")) + $". {events}");
    }

    private Task<long> RecordDeviceAsync(string callingAeTitle, DeviceIdentity device, CancellationToken cancellationToken) =>
        devices.RecordSeenAsync(callingAeTitle, device.StationName ?? "", device.Manufacturer ?? "", device.Model ?? "",
            device.SerialNumber ?? "", clock.GetUtcNow(), cancellationToken);
}
