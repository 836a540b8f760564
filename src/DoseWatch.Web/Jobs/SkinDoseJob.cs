using DoseWatch.Core.Domain;
using DoseWatch.Core.Extraction;
using DoseWatch.Core.Privacy;
using DoseWatch.Core.SkinDose;
using DoseWatch.Data.Repositories;
using DoseWatch.Dicom;
using DoseWatch.Web.Alerts;
using Hangfire;

namespace DoseWatch.Web.Jobs;

/// <summary>
/// Peak skin dose and skin dose map of one fluoroscopy dose report, after its extraction: reads the received file
/// again (the beam geometry is not kept in the dose records), computes on the phantom of
/// <see cref="SkinDoseSettings.PySkinDoseExample"/> or records why only the dose at the reference point can be given,
/// stores the result and re-runs the study's analysis so that the skin dose rules see it. Idempotent. Run as a job only
/// outside an extraction worker's batch and to retry one that failed there (<see cref="SkinDoseQueue"/>).
/// </summary>
public sealed class SkinDoseJob(SkinDoseRepository skinDoses, StudyAnalysisQueue analysis, StoredObjectCipher storedObjects, TimeProvider clock, ILogger<SkinDoseJob> logger)
{
    private static readonly DicomReadOptions HeaderOnly = new() { StopBeforePixelData = true };

    [AutomaticRetry(Attempts = 3)]
    [JobDisplayName("Skin dose of {1}")]
    public async Task Run(string path, string sopInstanceUid, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            logger.LogWarning("Skin dose of {SopInstanceUid}: the received file {Path} is gone, nothing computed", sopInstanceUid, path);
            return;
        }
        var result = DoseExtractor.Extract(storedObjects.ReadDicom(path, HeaderOnly)); // the stored object is encrypted at rest
        if (!Applies(result) || result.Instance.SopInstanceUid != sopInstanceUid) return;
        await ComputeAsync(result, cancellationToken);
        analysis.Enqueue(result.Study!.StudyInstanceUid);
    }

    /// <summary>
    /// The skin dose of a report just extracted (<paramref name="result"/> applies: <see cref="Applies"/>), stored. The
    /// extraction workers call it for their batch's reports before the batch's analyses, which then see the peak.
    /// </summary>
    public async Task ComputeAsync(ExtractionResult result, CancellationToken cancellationToken)
    {
        var sopInstanceUid = result.Instance.SopInstanceUid;
        var skin = SkinDoseCalculator.Calculate(result.Study!.Device, result.Events, SkinDoseSettings.PySkinDoseExample);
        await skinDoses.SaveAsync(result.Study.StudyInstanceUid, sopInstanceUid, skin, clock.GetUtcNow(), cancellationToken);
        logger.LogInformation("Skin dose of {SopInstanceUid}: {Method} {Peak}", sopInstanceUid, skin.Method, skin.PeakSkinDoseGy);
    }

    /// <summary>A fluoroscopy or interventional projection dose report (RF/XA) with events: what a skin dose map is for.</summary>
    public static bool Applies(ExtractionResult result) =>
        result.Kind == ExtractionKind.DoseObject && result.Study is { Modality: "RF" or "XA" }
        && result.Events.Count > 0 && result.Events.All(e => e.Source == DoseSourceKind.ProjectionRdsr);
}

/// <summary>
/// Queues <see cref="SkinDoseJob"/> for the dose reports it applies to, or, inside an extraction worker's batch
/// (<see cref="Collect"/>), notes the report for the worker, which computes its skin dose in process before the batch's
/// analyses (issue #18: a Hangfire job per fluoroscopy report, and a second analysis of its study after it, were most of
/// the job store's traffic under sustained ingest).
/// </summary>
public sealed class SkinDoseQueue(IBackgroundJobClient jobs)
{
    // The batch of the extraction worker this call runs under (flows down its awaits, never up).
    private static readonly AsyncLocal<List<(ExtractionResult Result, string Path)>?> Collecting = new();

    public void EnqueueIfApplies(ExtractionResult result, string path)
    {
        if (!SkinDoseJob.Applies(result)) return;
        if (Collecting.Value is { } reports)
        {
            lock (reports) reports.Add((result, path));
            return;
        }
        EnqueueJob(path, result.Instance.SopInstanceUid);
    }

    /// <summary>The skin dose as a Hangfire job (with its retries, and the study's analysis after it).</summary>
    public void EnqueueJob(string path, string sopInstanceUid) =>
        jobs.Enqueue<SkinDoseJob>(job => job.Run(path, sopInstanceUid, CancellationToken.None));

    /// <summary>From here on in the calling flow, reports are collected into the returned list instead of queued (as <see cref="StudyAnalysisQueue.Collect"/>).</summary>
    public static List<(ExtractionResult Result, string Path)> Collect() => Collecting.Value = [];

    public static void StopCollecting() => Collecting.Value = null;
}
