using System.Text.RegularExpressions;
using DoseWatch.Tests;

namespace DoseWatch.Dicom.Tests.IO;

/// <summary>
/// What we write must be what DCMTK writes: each file is re-encoded by us and by DCMTK's dcmconv into the same
/// transfer syntax, and dcmdump must print the same data set for both (after removing what legitimately differs:
/// sequence/item length style, delimiter lines, group lengths and the meta header's implementation fields).
/// </summary>
public class RoundTripTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var sample in SharedSamples.All())
            foreach (var ts in new[] { "ExplicitLE", "ImplicitLE", "ExplicitBE" })
                data.Add(sample, ts);
        return data;
    }

    private static (DicomTransferSyntax Ts, string DcmconvOption) Syntax(string name) => name switch
    {
        "ExplicitLE" => (DicomTransferSyntax.ExplicitVRLittleEndian, "+te"),
        "ImplicitLE" => (DicomTransferSyntax.ImplicitVRLittleEndian, "+ti"),
        "ExplicitBE" => (DicomTransferSyntax.ExplicitVRBigEndian, "+tb"),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [SamplesTheory]
    [MemberData(nameof(Cases))]
    public void Written_file_dumps_like_dcmconv_output(string sample, string syntax)
    {
        var (ts, option) = Syntax(syntax);
        var source = SharedSamples.Path_(sample);
        using var tmp = new TempDirectory();
        var ours = tmp.File("ours.dcm");
        var theirs = tmp.File("dcmconv.dcm");

        var read = DicomReader.ReadFile(source);
        DicomWriter.WriteFile(ours, new DicomFile(read.Meta, read.DataSet, ts));
        var conv = ExternalTool.Run("dcmconv", [option, "-e", source, theirs]); // -e: undefined lengths, as we write
        Assert.True(conv.ExitCode == 0, $"dcmconv failed: {conv.StdErr}");

        var expected = NormalisedDump(theirs);
        var actual = NormalisedDump(ours);
        Assert.Equal(expected, actual);
    }

    /// <summary>dcmdump's data set lines, without what depends on encoding choices rather than content.</summary>
    internal static string NormalisedDump(string path)
    {
        var dump = ExternalTool.Run("dcmdump", ["-q", "+L", "-dc", path]);
        Assert.True(dump.ExitCode == 0 && dump.StdErr.Length == 0, $"dcmdump {path}: {dump.StdErr}");
        var lines = new List<string>();
        var inDataSet = false;
        foreach (var raw in dump.StdOut.Split('\n'))
        {
            if (raw.StartsWith("# Dicom-Data-Set", StringComparison.Ordinal)) { inDataSet = true; continue; }
            if (!inDataSet || raw.StartsWith('#') || raw.Length == 0) continue;
            var line = raw.TrimStart();
            if (line.StartsWith("(fffe,e00d)", StringComparison.Ordinal) || line.StartsWith("(fffe,e0dd)", StringComparison.Ordinal)) continue;
            if (Regex.IsMatch(line, @"^\([0-9a-f]{4},0000\)")) continue; // group lengths: optional and re-computed
            line = Regex.Replace(line, @"with (explicit|undefined) length ", "");
            if (line.Contains(" SQ (Sequence", StringComparison.Ordinal) || line.StartsWith("(fffe,e000)", StringComparison.Ordinal))
                line = Regex.Replace(line, @"#\s*(\d+|u/l),", "#,");
            // DCMTK drops all-space values on writing (a value of only padding is empty to it); we keep the bytes.
            line = Regex.Replace(line, @"^(\([0-9a-f]{4},[0-9a-f]{4}\) [A-Z]{2}) \[ *\]\s*#\s*\d+, \d+", "$1 (no value available) #   0, 0");
            var depth = raw.Length - raw.TrimStart().Length;
            lines.Add(new string(' ', depth) + Regex.Replace(line, @"\s+#", " #"));
        }
        return string.Join('\n', lines);
    }
}
