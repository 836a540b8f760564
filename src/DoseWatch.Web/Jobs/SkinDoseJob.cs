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
/// stores the result and re-runs the study's analysis so that the skin dose rules see it. Idempotent.
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
        var skin = SkinDoseCalculator.Calculate(result.Study!.Device, result.Events, SkinDoseSettings.PySkinDoseExample);
        await skinDoses.SaveAsync(result.Study.StudyInstanceUid, sopInstanceUid, skin, clock.GetUtcNow(), cancellationToken);
        logger.LogInformation("Skin dose of {SopInstanceUid}: {Method} {Peak}", sopInstanceUid, skin.Method, skin.PeakSkinDoseGy);
        analysis.Enqueue(result.Study.StudyInstanceUid);
    }

    /// <summary>A fluoroscopy or interventional projection dose report (RF/XA) with events: what a skin dose map is for.</summary>
    public static bool Applies(ExtractionResult result) =>
        result.Kind == ExtractionKind.DoseObject && result.Study is { Modality: "RF" or "XA" }
        && result.Events.Count > 0 && result.Events.All(e => e.Source == DoseSourceKind.ProjectionRdsr);
}

/// <summary>Queues <see cref="SkinDoseJob"/> for the dose reports it applies to.</summary>
public sealed class SkinDoseQueue(IBackgroundJobClient jobs)
{
    public void EnqueueIfApplies(ExtractionResult result, string path)
    {
        if (SkinDoseJob.Applies(result))
            jobs.Enqueue<SkinDoseJob>(job => job.Run(path, result.Instance.SopInstanceUid, CancellationToken.None));
    }
}
