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
        var header = ReadHeader(instance.Path);
        var row = new NewInstance(instance.SopClassUid, instance.SopInstanceUid, header?.GetString(DicomTag.StudyInstanceUid) ?? "",
            instance.Parties.CallingAeTitle, instance.Parties.Peer?.ToString() ?? "", new FileInfo(instance.Path).Length,
            instance.Path, clock.GetUtcNow(), Text(header, DicomTag.Modality), Device(header), Text(header, AccessionNumber),
            header?.GetDate(DicomTag.StudyDate)?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        long? id = instance.WasDuplicate
            ? await inbox.AddIfMissingAsync(row, cancellationToken)
            : await inbox.AddOrReplaceAsync(row, cancellationToken);
        if (id is { } newId) jobs.Enqueue<ExtractInstanceJob>(job => job.Run(newId, CancellationToken.None));
    }

    private static readonly DicomTag AccessionNumber = new(0x0008, 0x0050);
    private static readonly DicomTag StationName = new(0x0008, 0x1010);
    private static readonly DicomTag ManufacturerModelName = new(0x0008, 0x1090);

    /// <summary>The header for the inbox listing (study, modality, device, accession, date); an unreadable file is the extractor's to judge.</summary>
    private DicomDataSet? ReadHeader(string path)
    {
        try
        {
            return storedObjects.ReadDicom(path, new DicomReadOptions { StopBeforePixelData = true, LargeValueThreshold = 64 * 1024 }).DataSet;
        }
        catch (Exception e) when (e is DicomFormatException or IOException)
        {
            logger.LogWarning("Stored instance {Path} has no readable header: {Error}", path, e.Message);
            return null;
        }
    }

    private static string? Text(DicomDataSet? header, DicomTag tag) => header?.GetString(tag) is { Length: > 0 } s ? s : null;

    /// <summary>"Manufacturer Model (Station)", as much of it as the header has.</summary>
    private static string? Device(DicomDataSet? header)
    {
        var name = string.Join(' ', new[] { Text(header, DicomTag.Manufacturer), Text(header, ManufacturerModelName) }.Where(p => p is not null));
        var station = Text(header, StationName);
        var device = station is null ? name : name.Length == 0 ? station : $"{name} ({station})";
        return device.Length > 0 ? device : null;
    }
}
