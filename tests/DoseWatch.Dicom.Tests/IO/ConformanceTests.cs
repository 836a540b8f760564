using System.Text.Json;
using DoseWatch.Tests;

namespace DoseWatch.Dicom.Tests.IO;

/// <summary>
/// Our reading of every pydicom test/charset file and every shared sample equals pydicom's (tags, explicit VRs,
/// nesting, value bytes), obtained at test time by running pydicom_walk.py with Debian's python3 (one process
/// for all files, started once). Files the references disagree about are listed in <see cref="KnownDifferences"/>.
/// </summary>
public class ConformanceTests
{
    private const string PydicomData = "/usr/lib/python3/dist-packages/pydicom/data";

    /// <summary>
    /// Files where pydicom's reading is not the truth, with the reason; for these we require our typed error and
    /// that DCMTK's dcmdump refuses the file too.
    /// </summary>
    private static readonly Dictionary<string, string> KnownDifferences = new()
    {
        ["pydicom/test_files/no_meta.dcm"] =
            "starts with a stray byte (0x20) before (0008,0005): pydicom (force=True) returns one bogus element (0820,0500) " +
            "claiming 173,228,800 bytes with only 38,863 present; dcmdump refuses (larger than remaining bytes)",
        ["pydicom/test_files/MR_truncated.dcm"] =
            "Pixel Data claims 8,192 bytes but the file ends after 8,130: pydicom silently returns the short value; " +
            "dcmdump reports a premature end of stream",
        ["pydicom/test_files/rtplan_truncated.dcm"] =
            "truncated inside a sequence item: pydicom returns what it got; dcmdump reports a premature end of stream",
    };

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var label in AllFiles().Keys) data.Add(label);
        return data;
    }

    private static SortedDictionary<string, string> AllFiles()
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var folder in new[] { "test_files", "charset_files" })
            if (Directory.Exists(Path.Combine(PydicomData, folder)))
                foreach (var f in Directory.EnumerateFiles(Path.Combine(PydicomData, folder), "*.dcm"))
                    files[$"pydicom/{folder}/{Path.GetFileName(f)}"] = f;
        foreach (var s in SharedSamples.All()) files[$"samples/{s}"] = SharedSamples.Path_(s);
        return files;
    }

    private static readonly Lazy<Dictionary<string, JsonElement>> PydicomReadings = new(() =>
    {
        var files = AllFiles();
        var run = ExternalTool.Run(ExternalTool.DebianPython, [ExternalTool.TestScript("pydicom_walk.py"), .. files.Values], TimeSpan.FromMinutes(3));
        Assert.True(run.ExitCode == 0, $"pydicom_walk.py failed: {run.StdErr}");
        var byPath = new Dictionary<string, JsonElement>();
        foreach (var line in run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var json = JsonDocument.Parse(line).RootElement;
            byPath[json.GetProperty("file").GetString()!] = json;
        }
        return files.ToDictionary(kv => kv.Key, kv => byPath[kv.Value]);
    });

    [SamplesTheory]
    [MemberData(nameof(Files))]
    public void Reads_like_pydicom(string file)
    {
        var path = AllFiles()[file];
        var pydicom = PydicomReadings.Value[file];

        if (KnownDifferences.TryGetValue(file, out var reason) || pydicom.TryGetProperty("error", out _))
        {
            var ex = Assert.Throws<DicomFormatException>(() => DicomReader.ReadFile(path));
            Assert.True(ex.Offset >= 0, reason);
            // What came before the fault is kept, and equals pydicom's reading of those elements.
            if (ex.PartialDataSet is { Count: > 0 } partial && pydicom.TryGetProperty("dataset", out var theirs))
            {
                var prefix = JsonDocument.Parse(JsonSerializer.Serialize(theirs.EnumerateArray().Take(partial.Count))).RootElement;
                var partialDiffs = DicomTreeComparer.Compare(prefix, partial);
                Assert.True(partialDiffs.Count == 0, $"elements before the fault differ:\n{string.Join('\n', partialDiffs)}");
            }
            var dcmdump = ExternalTool.Run("dcmdump", ["-q", path]);
            Assert.True(dcmdump.ExitCode != 0, $"dcmdump reads {file}, we refuse it: {ex.Message} (listed because: {reason})");
            return;
        }

        var ours = DicomReader.ReadFile(path);
        var diffs = DicomTreeComparer.Compare(pydicom.GetProperty("meta"), ours.Meta, "meta ");
        diffs.AddRange(DicomTreeComparer.Compare(pydicom.GetProperty("dataset"), ours.DataSet));
        Assert.True(diffs.Count == 0, $"{file} differs from pydicom:\n" + string.Join('\n', diffs));
    }
}
