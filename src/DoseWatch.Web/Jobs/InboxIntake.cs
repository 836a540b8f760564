using DoseWatch.Core.Privacy;
using DoseWatch.Data.Repositories;
using DoseWatch.Dicom;
using DoseWatch.Dicom.Network.Dimse;
using DoseWatch.Web.Dicom;
using Hangfire;

namespace DoseWatch.Web.Jobs;

/// <summary>
/// The Store SCP's received-instance seam: each durable file becomes an inbox row and an extraction job before the
/// modality gets Success. A duplicate the SCP kept as it was only gets a row if it has none (a resend after a crash
/// between the file and the row); otherwise it is left alone.
/// </summary>
public sealed class InboxIntake(InstanceRepository inbox, IBackgroundJobClient jobs, StoredObjectCipher storedObjects, TimeProvider clock, ILogger<InboxIntake> logger)
    : IInstanceReceivedSink
{
    public async ValueTask OnInstanceStoredAsync(StoredInstance instance, CancellationToken cancellationToken)
    {
        var row = new NewInstance(instance.SopClassUid, instance.SopInstanceUid, ReadStudyInstanceUid(instance.Path),
            instance.Parties.CallingAeTitle, instance.Parties.Peer?.ToString() ?? "", new FileInfo(instance.Path).Length,
            instance.Path, clock.GetUtcNow());
        long? id = instance.WasDuplicate
            ? await inbox.AddIfMissingAsync(row, cancellationToken)
            : await inbox.AddOrReplaceAsync(row, cancellationToken);
        if (id is { } newId) jobs.Enqueue<ExtractInstanceJob>(job => job.Run(newId, CancellationToken.None));
    }

    /// <summary>The study UID for the inbox listing, from the header only; an unreadable file is the extractor's to judge.</summary>
    private string ReadStudyInstanceUid(string path)
    {
        try
        {
            var file = storedObjects.ReadDicom(path, new DicomReadOptions { StopBeforePixelData = true, LargeValueThreshold = 64 * 1024 });
            return file.DataSet.GetString(DicomTag.StudyInstanceUid) ?? "";
        }
        catch (Exception e) when (e is DicomFormatException or IOException)
        {
            logger.LogWarning("Stored instance {Path} has no readable Study Instance UID: {Error}", path, e.Message);
            return "";
        }
    }
}
