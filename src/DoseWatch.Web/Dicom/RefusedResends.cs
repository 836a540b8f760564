using System.Globalization;
using DoseWatch.Core.Privacy;
using DoseWatch.Dicom;
using DoseWatch.Web.Hosting;

namespace DoseWatch.Web.Dicom;

/// <summary>A different object that arrived under the SOP Instance UID of one already stored, refused 0x0111 and kept.</summary>
public sealed record RefusedResend(string SopInstanceUid, DateTimeOffset KeptAt, long Bytes, string? SendingAeTitle, string? SopClassUid, string FileName);

/// <summary>
/// The objects the Store SCP kept apart under <c>inbox/.conflicts/</c> (see <c>DirectoryStore</c>): the sender was told
/// "duplicate SOP instance", so without this list nobody at the hospital would know a second object exists. Files are
/// named <c>&lt;UID&gt;.&lt;yyyyMMddTHHmmssfffffff&gt;.dcm</c> (UTC) and sealed like the inbox; only the file meta
/// header is opened here.
/// </summary>
public sealed class RefusedResends(DataDirectory dataDirectory, StoredObjectCipher storedObjects, ILogger<RefusedResends> logger)
{
    public const string FolderName = ".conflicts";

    public string Directory => Path.Combine(dataDirectory.Path, Jobs.Quarantine.InboxFolderName, FolderName);

    public IReadOnlyList<RefusedResend> List(int max = 200)
    {
        if (!System.IO.Directory.Exists(Directory)) return [];
        return System.IO.Directory.EnumerateFiles(Directory, "*.dcm")
            .Select(Describe)
            .OrderByDescending(r => r.KeptAt)
            .Take(max)
            .ToList();
    }

    private RefusedResend Describe(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        var dot = name.LastIndexOf('.');
        var uid = dot > 0 ? name[..dot] : name;
        var keptAt = dot > 0 && DateTime.TryParseExact(name[(dot + 1)..], "yyyyMMdd'T'HHmmssfffffff", CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t)
            ? new DateTimeOffset(t, TimeSpan.Zero)
            : new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero);
        string? aeTitle = null, sopClass = null;
        try
        {
            var file = storedObjects.ReadDicom(path, new DicomReadOptions { StopBeforePixelData = true, LargeValueThreshold = 64 * 1024 });
            aeTitle = file.Meta.GetString(DicomTag.SourceApplicationEntityTitle)?.Trim();
            sopClass = file.Meta.GetString(DicomTag.MediaStorageSopClassUid);
        }
        catch (Exception e) when (e is DicomFormatException or IOException)
        {
            // Still listed: the bytes are kept whatever they are; the header is only a convenience.
            logger.LogWarning("Refused resend {Path} has no readable header: {Error}", path, e.Message);
        }
        return new RefusedResend(uid, keptAt, new FileInfo(path).Length, aeTitle, sopClass, Path.GetFileName(path));
    }
}
