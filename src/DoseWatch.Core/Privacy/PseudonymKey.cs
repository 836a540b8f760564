namespace DoseWatch.Core.Privacy;

/// <summary>
/// Where the pseudonym key comes from: <c>DoseWatch:Privacy:PseudonymKey</c> (base64, at least 32 bytes) when set,
/// otherwise a key generated once into <c>pseudonym.key</c> in the data directory (<see cref="KeyFile"/>: base64 text,
/// created with mode 0600).
/// <para>Not the ASP.NET Data Protection key ring: its keys rotate (90 days by default) and are meant for
/// protect/unprotect with expiry, whereas a pseudonym must come out the same for years, or cumulative dose would split
/// a patient in two at each rotation. The command-line tool (import, export) also needs the same key without the web
/// host's key ring. Nodes of a scale-out installation that do not share a data directory must be given the key in
/// configuration. Losing the key breaks the link between old and new studies of a patient: back it up with the database.</para>
/// </summary>
public static class PseudonymKey
{
    public const string FileName = "pseudonym.key";

    public static byte[] Resolve(string? configuredBase64, string dataDirectory)
    {
        if (!string.IsNullOrWhiteSpace(configuredBase64)) return KeyFile.Parse(configuredBase64, "DoseWatch:Privacy:PseudonymKey");
        return KeyFile.LoadOrCreate(Path.Combine(dataDirectory, FileName));
    }

    /// <summary>The key file at <paramref name="path"/>, created when absent (<see cref="KeyFile.LoadOrCreate"/>).</summary>
    public static byte[] LoadOrCreate(string path) => KeyFile.LoadOrCreate(path);
}
