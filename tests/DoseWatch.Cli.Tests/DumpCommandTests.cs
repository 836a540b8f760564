using System.Globalization;
using System.Text.RegularExpressions;
using DoseWatch.Cli.Commands;
using DoseWatch.Dicom.Tests.IO;
using DoseWatch.Tests;

namespace DoseWatch.Cli.Tests;

/// <summary><c>dosewatch dump</c> prints what DCMTK's dcmdump prints for the same file: same elements, nesting, VRs,
/// lengths, VMs, values (numbers compared as numbers) and keywords. dcmdump runs at test time on the same file.</summary>
public class DumpCommandTests
{
    private const string PydicomTestFiles = "/usr/lib/python3/dist-packages/pydicom/data/test_files";

    public static TheoryData<string> Files() =>
    [
        SharedSamples.Available ? SharedSamples.Path_("openrem/CT-RDSR-Siemens-Multi-1.dcm") : "",
        SharedSamples.Available ? SharedSamples.Path_("openrem/DX-Im-GE_XR220-1.dcm") : "",
        SharedSamples.Available ? SharedSamples.Path_("openrem/CT-SC-Philips_Brilliance16P.dcm") : "",
        SharedSamples.Available ? SharedSamples.Path_("openrem/MG-RDSR-Hologic_2D.dcm") : "",
        Path.Combine(PydicomTestFiles, "rtplan.dcm"),        // Implicit VR
        Path.Combine(PydicomTestFiles, "ExplVR_BigEnd.dcm"), // big endian: numbers must come out swapped
        Path.Combine(PydicomTestFiles, "image_dfl.dcm"),     // deflated
        Path.Combine(PydicomTestFiles, "CT_small.dcm"),
        Path.Combine(PydicomTestFiles, "JPEG2000.dcm"),      // encapsulated
    ];

    private sealed record Line(int Depth, string Tag, string VR, string Value, string Length, string VM, string Keyword);

    private static readonly Regex LinePattern = new(
        @"^(?<indent> *)\((?<tag>[0-9a-f]{4},[0-9a-f]{4})\) (?<vr>\S\S) (?<value>.*?) *# *(?<len>\d+|u/l), (?<vm>\d+) (?<kw>.*)$");

    private static List<Line> Parse(string dump) =>
        dump.Split('\n')
            .Select(l => LinePattern.Match(l.TrimEnd('\r')))
            .Where(m => m.Success && !m.Groups["tag"].Value.StartsWith("fffe,e0d", StringComparison.Ordinal))
            // dcmdump -Un prints a UID's NUL padding byte raw; we leave it out.
            .Select(m => new Line(m.Groups["indent"].Length, m.Groups["tag"].Value, m.Groups["vr"].Value, m.Groups["value"].Value.Replace("\0", ""),
                m.Groups["len"].Value, m.Groups["vm"].Value, m.Groups["kw"].Value))
            .ToList();

    [SamplesTheory]
    [MemberData(nameof(Files))]
    public void Dump_prints_what_dcmdump_prints(string path)
    {
        var ours = new StringWriter();
        var errors = new StringWriter();
        Assert.Equal(0, DumpCommand.Run([path, "--long"], ours, errors));
        var dcmdump = ExternalTool.Run("dcmdump", ["-q", "-dc", "-Un", "+L", path]);
        Assert.Equal(0, dcmdump.ExitCode);

        var expected = Parse(dcmdump.StdOut);
        var actual = Parse(ours.ToString());
        Assert.True(expected.Count > 10);
        var diffs = new List<string>();
        for (var i = 0; i < Math.Min(expected.Count, actual.Count) && diffs.Count < 10; i++)
        {
            var (e, a) = (expected[i], actual[i]);
            if (e.Tag != a.Tag || e.Depth != a.Depth) { diffs.Add($"line {i}: ({a.Tag}) at depth {a.Depth}, dcmdump ({e.Tag}) at depth {e.Depth}"); break; }
            if (e.VR != a.VR) diffs.Add($"({e.Tag}) VR {a.VR}, dcmdump {e.VR}");
            if (e.VR is "SQ" or "na" || e.Value.StartsWith("(PixelSequence", StringComparison.Ordinal))
            {
                // dcmdump knows whether the file used explicit or undefined lengths; we only keep the items.
                if (Count(e.Value) != Count(a.Value)) diffs.Add($"({e.Tag}) {a.Value}, dcmdump {e.Value}");
                continue;
            }
            if (e.Length != a.Length || e.VM != a.VM) diffs.Add($"({e.Tag}) #{a.Length},{a.VM}, dcmdump #{e.Length},{e.VM}");
            if (!SameValue(e.VR, e.Value, a.Value)) diffs.Add($"({e.Tag}) value {a.Value}, dcmdump {e.Value}");
            if (e.Keyword != a.Keyword && !e.Tag.EndsWith(",0000", StringComparison.Ordinal)) diffs.Add($"({e.Tag}) keyword {a.Keyword}, dcmdump {e.Keyword}");
        }
        if (diffs.Count == 0 && expected.Count != actual.Count) diffs.Add($"{actual.Count} lines, dcmdump {expected.Count}");
        Assert.True(diffs.Count == 0, string.Join('\n', diffs));
    }

    private static string Count(string value) => Regex.Match(value, @"#=(\d+)").Groups[1].Value;

    /// <summary>Floating-point values are printed with different precision by design; compare them as numbers.</summary>
    private static bool SameValue(string vr, string expected, string actual)
    {
        if (expected == actual) return true;
        if (vr is not ("FL" or "FD" or "OF" or "OD")) return false;
        var e = expected.Split('\\');
        var a = actual.Split('\\');
        return e.Length == a.Length && e.Zip(a).All(p =>
            double.TryParse(p.First, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) &&
            double.TryParse(p.Second, NumberStyles.Float, CultureInfo.InvariantCulture, out var y) &&
            Math.Abs(x - y) <= 1e-6 * Math.Max(1, Math.Abs(x)));
    }

    [Fact]
    public void A_file_that_is_not_DICOM_gets_one_clear_error_line()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, [0x08, 0x00, 0x60, 0x00, 0x43, 0x53, 0xFF, 0x7F, 0x41]);
            var output = new StringWriter();
            var errors = new StringWriter();
            Assert.Equal(1, DumpCommand.Run([path], output, errors));
            Assert.Matches(@"dosewatch dump: .*: .*\(at byte \d+, tag \(0008,0060\)\)", errors.ToString().Trim());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
