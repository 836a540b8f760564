using System.Globalization;
using System.Text.RegularExpressions;

namespace DoseWatch.Core.Tests.Extraction;

/// <summary>DCMTK as the independent writer (dcmodify) and reader (dcmdump) of test objects.</summary>
internal static partial class Dcmtk
{
    public static string Run(string tool, params string[] arguments) => ExternalTool.Run(tool, arguments, 30_000);

    /// <summary>Modifies a copy of <paramref name="source"/> in <paramref name="directory"/> with dcmodify arguments (e.g. "-i", "(0018,1316)=1.37").</summary>
    public static string Modified(string source, string directory, string name, params string[] dcmodifyArguments)
    {
        var path = Path.Combine(directory, name);
        File.Copy(source, path, overwrite: true);
        Run("dcmodify", ["-nb", .. dcmodifyArguments, path]);
        return path;
    }

    [GeneratedRegex(@"^\((?<tag>[0-9a-f]{4},[0-9a-f]{4})\) (?<vr>[A-Z]{2}) (\[(?<text>[^\]]*)\]|=(?<uidname>\S+)|(?<binary>[-+0-9.eE\\]+))", RegexOptions.Multiline)]
    private static partial Regex Line();

    /// <summary>dcmdump's top-level value of a tag: the text inside [..] or the binary number; null when absent or empty.</summary>
    public static string? Value(string file, string tag)
    {
        var output = Run("dcmdump", "-q", "-Un", "+P", tag, file);
        var m = Line().Match(output);
        if (!m.Success) return null;
        return m.Groups["text"].Success ? m.Groups["text"].Value : m.Groups["binary"].Success ? m.Groups["binary"].Value : null;
    }

    public static double? Number(string file, string tag) =>
        Value(file, tag) is { } v ? double.Parse(v.Split('\\')[0], CultureInfo.InvariantCulture) : null;
}
