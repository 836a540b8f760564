using System.Globalization;
using System.Text.RegularExpressions;
using DoseWatch.Web.Tests.Jobs;

namespace DoseWatch.Web.Tests.Studies;

/// <summary>What DCMTK's dsrdump says about an SR file: its content items and NUM values, read at test time.</summary>
public static partial class DsrContent
{
    /// <summary>The number of content items (one dsrdump line each, the root included).</summary>
    public static async Task<int> ItemCountAsync(string file) =>
        ItemLine().Matches(await Dcmtk.RunAsync("dsrdump", "+Pc", file)).Count;

    /// <summary>Every NUM value with concept code <paramref name="code"/> (DCM scheme), as dsrdump prints it.</summary>
    public static async Task<IReadOnlyList<double>> NumbersAsync(string file, string code) =>
        NumLine().Matches(await Dcmtk.RunAsync("dsrdump", "+Pc", file))
            .Where(m => m.Groups["code"].Value == code)
            .Select(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture)).ToList();

    [GeneratedRegex(@"^\s*<(?:[a-z][a-z ]*? )?(?:CONTAINER|TEXT|CODE|NUM|UIDREF|DATETIME|DATE|TIME|PNAME|IMAGE|COMPOSITE|WAVEFORM|SCOORD3D|SCOORD|TCOORD)[:>]", RegexOptions.Multiline)]
    private static partial Regex ItemLine();

    [GeneratedRegex(@"NUM:\((?<code>[^,]+),DCM,""[^""]*""\)=""(?<value>[^""]+)""", RegexOptions.Multiline)]
    private static partial Regex NumLine();
}
