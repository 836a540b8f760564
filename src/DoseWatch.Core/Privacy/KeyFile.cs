using System.Security.Cryptography;

namespace DoseWatch.Core.Privacy;

/// <summary>
/// A secret key kept as base64 text in a file of its own, readable by the service account only (mode 0600), generated
/// on first use: the pseudonym key, the storage encryption keys and the audit key all come from here (or from
/// configuration) and never from the database they protect.
/// </summary>
public static class KeyFile
{
    public const int GeneratedKeyBytes = 32;

    /// <summary>Reads the key file, or creates it when absent. Processes (or threads) racing on first start read the same
    /// key: creation happens under an exclusive lock on a sibling lock file, and the key is written under a temporary
    /// name and moved into place, so a reader never sees a half-written file. File.Move without overwrite alone was not
    /// enough: on Linux it checks for the target and then renames, and two creators could both pass the check.</summary>
    public static byte[] LoadOrCreate(string path)
    {
        if (File.Exists(path)) return Parse(File.ReadAllText(path), path);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using (AcquireCreationLock(path + ".lock"))
        {
            if (File.Exists(path)) return Parse(File.ReadAllText(path), path); // another creator was first: use theirs
            var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            using (var stream = new FileStream(temp, OwnerOnly(FileMode.CreateNew)))
            using (var writer = new StreamWriter(stream))
                writer.Write(Convert.ToBase64String(RandomNumberGenerator.GetBytes(GeneratedKeyBytes)));
            File.Move(temp, path, overwrite: false);
        }
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Options for a new file that only the service account may read and write (0600 on Unix).</summary>
    public static FileStreamOptions OwnerOnly(FileMode mode, FileAccess access = FileAccess.Write, FileShare share = FileShare.None, int bufferSize = 4096)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = share, BufferSize = bufferSize };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return options;
    }

    /// <summary>
    /// An open lock file with FileShare.None: on Unix .NET takes an exclusive advisory lock (flock) for it, which other
    /// processes and other open handles in this process respect. Waits up to 30 s for the holder to finish.
    /// </summary>
    private static FileStream AcquireCreationLock(string lockPath)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(lockPath, OwnerOnly(FileMode.OpenOrCreate, FileAccess.ReadWrite));
            }
            catch (IOException) when (waited.Elapsed < TimeSpan.FromSeconds(30))
            {
                Thread.Sleep(5);
            }
        }
    }

    /// <summary>A key's public name: the first 8 bytes of SHA-256("dosewatch-key-id-v1" || key), in hex. It tells which
    /// key sealed or signed something without revealing the key.</summary>
    public static byte[] Fingerprint(ReadOnlySpan<byte> key) =>
        SHA256.HashData([.. "dosewatch-key-id-v1"u8, .. key])[..8];

    /// <summary>A base64 key of at least <see cref="GeneratedKeyBytes"/> bytes; <paramref name="source"/> names where it came from in errors.</summary>
    public static byte[] Parse(string base64, string source)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"The key in {source} is not base64.");
        }
        if (key.Length < GeneratedKeyBytes)
            throw new InvalidOperationException($"The key in {source} is {key.Length} bytes; at least {GeneratedKeyBytes} are required (e.g. `openssl rand -base64 32`).");
        return key;
    }
}
