using System.Text.RegularExpressions;

namespace DoseWatch.Tests.Network;

/// <summary>
/// The content of a DICOM file as DCMTK's dcmdump sees it: one line per element of the data set (meta group 0002
/// left out), with dcmdump's comment column stripped. Two files with equal content lists carry the same data set
/// whatever their transfer syntax.
/// </summary>
public static partial class DicomContent
{
    public static async Task<IReadOnlyList<string>> DumpAsync(string path)
    {
        // +L prints long values in full; -q keeps warnings out of the listing.
        var r = await PeerProcess.RunAsync("dcmdump", ["-q", "+L", path]);
        if (r.ExitCode != 0) throw new InvalidOperationException($"dcmdump {path} failed: {r.All}");
        return Normalize(r.StdOut);
    }

    public static IReadOnlyList<string> Normalize(string dump) =>
        dump.Split('\n')
            .Select(l => l.TrimEnd())
            .Where(l => l.TrimStart().StartsWith('(') && !l.TrimStart().StartsWith("(0002,", StringComparison.Ordinal))
            .Select(l => Comment().Replace(l, ""))
            // Group lengths, and whether sequences and items have defined or undefined lengths (with their delimiters),
            // may change when a peer re-encodes a data set without changing its content.
            .Where(l => !GroupLength().IsMatch(l) && !Delimiter().IsMatch(l))
            .Select(l => l.Replace("with undefined length", "", StringComparison.Ordinal).Replace("with explicit length", "", StringComparison.Ordinal))
            .ToList();

    /// <summary>The SOP Instance UID dcmdump finds in a file.</summary>
    public static async Task<string> SopInstanceUidAsync(string path)
    {
        var r = await PeerProcess.RunAsync("dcmdump", ["-q", "+P", "0008,0018", path]);
        var m = Regex.Match(r.StdOut, @"\[(?<uid>[0-9.]+)\]");
        return m.Success ? m.Groups["uid"].Value : throw new InvalidOperationException($"no SOP Instance UID in {path}: {r.All}");
    }

    [GeneratedRegex(@"\s+#.*$")]
    private static partial Regex Comment();

    [GeneratedRegex(@"^\s*\(fffe,e0(0d|dd)\)")]
    private static partial Regex Delimiter();

    [GeneratedRegex(@"^\s*\([0-9a-fA-F]{4},0000\)")]
    private static partial Regex GroupLength();
}
