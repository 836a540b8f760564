using System.Runtime.InteropServices;

namespace DoseWatch.Core.Privacy;

/// <summary>
/// Patient data on disk is for the service account alone: the data directory and its subdirectories 0700, every file
/// 0600. New files get it from the process umask (SQLite creates its -wal and -shm files, Hangfire its store, with
/// modes we do not choose); files of an installation that predates this are tightened at start.
/// </summary>
public static class OwnerOnlyFiles
{
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>umask 077 for this process: whatever it creates from now on is owner-only. No-op off Unix.</summary>
    public static void RestrictProcessUmask()
    {
        if (OperatingSystem.IsWindows()) return;
        _ = Umask(0x3F); // octal 077
    }

    /// <summary>The directory (created if missing) and everything under it set owner-only; returns how many entries changed.</summary>
    public static int Tighten(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return 0;
        }
        Directory.CreateDirectory(directory, DirectoryMode);
        var changed = Set(directory, DirectoryMode);
        foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            if (entry.LinkTarget is not null) continue; // a symbolic link's target is the administrator's choice
            changed += Set(entry.FullName, entry is DirectoryInfo ? DirectoryMode : FileMode);
        }
        return changed;
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static int Set(string path, UnixFileMode mode)
    {
        try
        {
            if (File.GetUnixFileMode(path) == mode) return 0;
            File.SetUnixFileMode(path, mode);
            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0; // vanished meanwhile, or not ours (a mounted share): nothing to tighten
        }
    }

    [DllImport("libc", EntryPoint = "umask")]
    private static extern uint Umask(uint mask);
}
