using System.Globalization;
using System.Text;
using Dapper;
using DoseWatch.Cli.Commands;
using DoseWatch.Cli.Tests.Support;
using DoseWatch.Data;
using DoseWatch.Dicom.Tests.IO;
using DoseWatch.Tests;

namespace DoseWatch.Cli.Tests.Privacy;

/// <summary>
/// Issue #22 item 9: one stored object whose SOP Class UID carries a byte 0xD6 (stored before the Store SCP checked
/// the data set against the command) made <c>dosewatch deid export</c> throw. It is skipped and reported; every other
/// object is exported. Its own running DoseWatch, so the odd object does not leak into the other export tests.
/// </summary>
public sealed class DeidExportOddObjectFacts(RunningDoseWatch app) : IClassFixture<RunningDoseWatch>
{
    private const string Good = "openrem/MG-Im-GE_Seno_1_ForPresentation.dcm";
    private const string Odd = "openrem/CT-RDSR-Siemens-Multi-1.dcm";

    [SamplesFact]
    public async Task An_object_with_a_non_ascii_byte_in_its_sop_class_uid_is_skipped_and_the_rest_is_exported()
    {
        using var folder = new TempDirectory();
        foreach (var sample in new[] { Good, Odd }) File.CreateSymbolicLink(folder.File(Path.GetFileName(sample)), SharedSamples.Path_(sample));
        Assert.Equal(0, await ImportCommand.RunAsync([folder.Path, "--aec", app.AeTitle, "--host", "127.0.0.1", "--port",
            app.DicomPort.ToString(CultureInfo.InvariantCulture)], new StringWriter(), new StringWriter()));
        foreach (var sample in new[] { Good, Odd }) await app.WaitForStudyAsync(DcmdumpValue(SharedSamples.Path_(sample), "0020,000d"), events: 1);
        var oddUid = DcmdumpValue(SharedSamples.Path_(Odd), "0008,0018");
        var goodUid = DcmdumpValue(SharedSamples.Path_(Good), "0008,0018");
        await using (var connection = await DbConnectionFactory.Create(new DatabaseOptions(), app.DataDirectory).OpenAsync())
        {
            var stored = await connection.QuerySingleAsync<string>("SELECT path FROM instances WHERE sop_instance_uid = @oddUid", new { oddUid });
            PutByteInDataSetSopClassUid(stored, 0xD6);
        }
        var outDir = Path.Combine(folder.Path, "export");
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = await DeidCommand.RunAsync(["export", "--out", outDir, "--data", app.DataDirectory], output, error);

        Assert.True(exit == 0, $"{output}{error}");
        var files = Directory.GetFiles(Path.Combine(outDir, "dicom"), "*.dcm", SearchOption.AllDirectories);
        // The good object is exported (dcmdump reads it; its own UID was replaced), the odd one is reported by its UID.
        var exported = Assert.Single(files);
        Assert.Equal(DcmdumpValue(SharedSamples.Path_(Good), "0008,0016"), DcmdumpValue(exported, "0008,0016"));
        Assert.NotEqual(goodUid, DcmdumpValue(exported, "0008,0018"));
        Assert.Contains($"deid: skipped {oddUid}: The SOP Class UID", error.ToString());
        Assert.Contains("\\xD6", error.ToString());
        Assert.Contains("1 DICOM objects", output.ToString());
    }

    private static string DcmdumpValue(string file, string tag)
    {
        var line = ExternalTool.Run("dcmdump", ["-q", "-s", "-Un", "+P", tag, file]).StdOut.Split('\n').First(l => l.Contains('['));
        return line[(line.IndexOf('[') + 1)..line.IndexOf(']')].TrimEnd('\0', ' ');
    }

    /// <summary>Overwrites the second character of the data set's (0008,0016) value in place (the file meta's copy is left as is).</summary>
    private static void PutByteInDataSetSopClassUid(string path, byte value)
    {
        var bytes = File.ReadAllBytes(path);
        var metaEnd = 132 + 12 + BitConverter.ToInt32(bytes, 140); // preamble + DICM, then (0002,0000) UL and its value
        var tag = new byte[] { 0x08, 0x00, 0x16, 0x00 };
        var at = bytes.AsSpan(metaEnd).IndexOf(tag);
        Assert.True(at >= 0, "no (0008,0016) in the stored data set");
        var valueStart = metaEnd + at + 8; // explicit VR "UI" + 2-byte length, or implicit 4-byte length: 8 bytes either way
        Assert.StartsWith("1.2.840.10008.", Encoding.ASCII.GetString(bytes, valueStart, 14));
        bytes[valueStart + 1] = value;
        File.WriteAllBytes(path, bytes);
    }
}
