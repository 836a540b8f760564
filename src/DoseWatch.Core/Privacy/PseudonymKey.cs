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

    /// <summary>Reads the key file, or creates it when absent. Two processes racing on first start read the same key: the
    /// file is written under a temporary name and moved into place without overwriting, so only one key ever wins.</summary>
    public static byte[] LoadOrCreate(string path)
    {
        if (File.Exists(path)) return Parse(File.ReadAllText(path), path);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temp, options))
        using (var writer = new StreamWriter(stream))
            writer.Write(Convert.ToBase64String(RandomNumberGenerator.GetBytes(GeneratedKeyBytes)));
        try
        {
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temp); // another process created it first: use theirs
        }
        return Parse(File.ReadAllText(path), path);
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
