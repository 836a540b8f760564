using DoseWatch.Data.Repositories;
using DoseWatch.Web.Hosting;

namespace DoseWatch.Web.Jobs;

/// <summary>
/// <c>&lt;data&gt;/quarantine/</c>: files that could not be extracted, each beside a <c>.reason.txt</c> an operator can read.
/// Only files inside the data directory are moved (an imported file elsewhere belongs to the user and stays put).
/// </summary>
public sealed class Quarantine(DataDirectory dataDirectory)
{
    public const string FolderName = "quarantine";
    public const string InboxFolderName = "inbox";

    public string Directory => dataDirectory.Subdirectory(FolderName);

    /// <summary>Moves the instance's file into quarantine with its reason; returns where the file is now.</summary>
    public async Task<string> MoveInAsync(InstanceRecord instance, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var path = instance.Path;
        if (IsInsideDataDirectory(path) && File.Exists(path) && !IsQuarantined(path))
        {
            var target = Path.Combine(Directory, Path.GetFileName(path));
            File.Move(path, target, overwrite: true);
            path = target;
        }
        await File.WriteAllTextAsync(ReasonPath(path), $"""
            Quarantined {now:u}
            Instance id {instance.Id}, SOP Instance UID {instance.SopInstanceUid}, SOP Class UID {instance.SopClassUid}
            Received {instance.ReceivedAt:u} from {instance.CallingAeTitle} ({instance.Peer}); originally {instance.Path}
            Reason: {reason}
            Retry after a fix: POST /api/v1/instances/{instance.Id}/retry
            """, cancellationToken);
        return path;
    }

    /// <summary>Puts a quarantined file back into the inbox for another attempt; returns where the file is now.</summary>
    public string Restore(InstanceRecord instance)
    {
        if (!IsQuarantined(instance.Path) || !File.Exists(instance.Path)) return instance.Path;
        var target = Path.Combine(dataDirectory.Subdirectory(InboxFolderName), Path.GetFileName(instance.Path));
        File.Move(instance.Path, target, overwrite: true);
        File.Delete(ReasonPath(instance.Path));
        return target;
    }

    public bool IsQuarantined(string path) =>
        string.Equals(Path.GetDirectoryName(Path.GetFullPath(path)), Directory, StringComparison.Ordinal);

    public static string ReasonPath(string path) => path + ".reason.txt";

    private bool IsInsideDataDirectory(string path) =>
        Path.GetFullPath(path).StartsWith(dataDirectory.Path + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
