using System.Security.Cryptography;

namespace DoseWatch.Core.Privacy;

/// <summary>
/// Where the pseudonym key comes from: <c>DoseWatch:Privacy:PseudonymKey</c> (base64, at least 32 bytes) when set,
/// otherwise a key generated once into <c>pseudonym.key</c> in the data directory (base64 text, created with mode 0600).
/// <para>Not the ASP.NET Data Protection key ring: its keys rotate (90 days by default) and are meant for
/// protect/unprotect with expiry, whereas a pseudonym must come out the same for years, or cumulative dose would split
/// a patient in two at each rotation. The command-line tool (import, export) also needs the same key without the web
/// host's key ring. Nodes of a scale-out installation that do not share a data directory must be given the key in
/// configuration. Losing the key breaks the link between old and new studies of a patient: back it up with the database.</para>
/// </summary>
public static class PseudonymKey
{
    public const string FileName = "pseudonym.key";
    private const int GeneratedKeyBytes = 32;

    public static byte[] Resolve(string? configuredBase64, string dataDirectory)
    {
        if (!string.IsNullOrWhiteSpace(configuredBase64)) return Parse(configuredBase64, "DoseWatch:Privacy:PseudonymKey");
        return LoadOrCreate(Path.Combine(dataDirectory, FileName));
    }

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
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var stream = new FileStream(temp, options))
            using (var writer = new StreamWriter(stream))
                writer.Write(Convert.ToBase64String(RandomNumberGenerator.GetBytes(GeneratedKeyBytes)));
            File.Move(temp, path, overwrite: false);
        }
        return Parse(File.ReadAllText(path), path);
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
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (waited.Elapsed < TimeSpan.FromSeconds(30))
            {
                Thread.Sleep(5);
            }
        }
    }

    private static byte[] Parse(string base64, string source)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"The pseudonym key in {source} is not base64.");
        }
        if (key.Length < GeneratedKeyBytes)
            throw new InvalidOperationException($"The pseudonym key in {source} is {key.Length} bytes; at least {GeneratedKeyBytes} are required (e.g. `openssl rand -base64 32`).");
        return key;
    }
}
