using System.Globalization;
using System.Text.RegularExpressions;
using DoseWatch.Cli.Commands;
using DoseWatch.Cli.Tests.Support;
using DoseWatch.Data;
using DoseWatch.Data.Audit;
using DoseWatch.Dicom.Tests.IO;
using DoseWatch.Tests;

namespace DoseWatch.Cli.Tests.Privacy;

/// <summary>
/// <c>dosewatch deid export</c> against the data directory of a running DoseWatch that received real samples through
/// <c>dosewatch import</c>. The exported objects and CSV are read back with dcmdump: rows and objects agree on the new
/// UIDs and shifted dates, no original identifier is left, and the export is in the audit trail.
/// </summary>
public sealed partial class DeidExportCommandFacts(RunningDoseWatch app) : IClassFixture<RunningDoseWatch>
{
    private static readonly string[] Samples =
        ["openrem/MG-Im-GE_Seno_1_ForPresentation.dcm", "openrem/MG-Im-GE_Seno_1_ForProcessing.dcm", "openrem/CT-RDSR-Siemens-Multi-1.dcm"];

    private string[] Target() => ["--aec", app.AeTitle, "--host", "127.0.0.1", "--port", app.DicomPort.ToString(CultureInfo.InvariantCulture)];

    [GeneratedRegex(@"^ *\((?<tag>[0-9a-f]{4},[0-9a-f]{4})\) \S\S \[(?<value>[^\]]*)\]", RegexOptions.Multiline)]
    private static partial Regex DumpValue();

    private static List<(string Tag, string Value)> Dump(string file) =>
        DumpValue().Matches(ExternalTool.Run("dcmdump", ["-q", "-Un", "+L", file]).StdOut)
            .Select(m => (m.Groups["tag"].Value, m.Groups["value"].Value.TrimEnd('\0', ' '))).ToList();

    private static List<string[]> Csv(string file) =>
        File.ReadAllLines(file).Select(l => l.Split(',')).ToList(); // the values here hold no comma or quote

    [SamplesFact]
    public async Task The_export_holds_deidentified_objects_and_matching_csv_and_is_audited()
    {
        using var folder = new TempDirectory();
        foreach (var sample in Samples) File.CreateSymbolicLink(folder.File(Path.GetFileName(sample)), SharedSamples.Path_(sample));
        Assert.Equal(0, await ImportCommand.RunAsync([folder.Path, .. Target()], new StringWriter(), new StringWriter()));
        var originals = Samples.Select(s => Dump(SharedSamples.Path_(s))).ToList();
        foreach (var study in originals.Select(d => d.First(x => x.Tag == "0020,000d").Value).Distinct())
            await app.WaitForStudyAsync(study, events: 1);
        var outDir = Path.Combine(folder.Path, "export");
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = await DeidCommand.RunAsync(["export", "--out", outDir, "--data", app.DataDirectory], output, error);

        Assert.True(exit == 0, $"{output}{error}");
        var files = Directory.GetFiles(Path.Combine(outDir, "dicom"), "*.dcm", SearchOption.AllDirectories);
        Assert.Equal(Samples.Length, files.Length);
        var exported = files.Select(Dump).ToList();
        // No original patient name/ID, study UID or SOP UID anywhere in the exported objects.
        var secrets = originals.SelectMany(d => d.Where(x => x.Tag is "0010,0010" or "0010,0020" or "0020,000d" or "0008,0018" && x.Value.Length > 0).Select(x => x.Value)).ToHashSet();
        Assert.DoesNotContain(exported.SelectMany(d => d), x => secrets.Contains(x.Value));
        // studies.csv rows are the exported studies, with the objects' shifted dates and pseudonyms.
        var studies = Csv(Path.Combine(outDir, "studies.csv"));
        Assert.Equal(["patient", "study_instance_uid", "study_date"], studies[0][..3]);
        foreach (var row in studies.Skip(1))
        {
            var objects = exported.Where(d => d.Any(x => x.Tag == "0020,000d" && x.Value == row[1])).ToList();
            Assert.NotEmpty(objects);
            Assert.All(objects, d => Assert.Equal(row[0], d.First(x => x.Tag == "0010,0020").Value));
            Assert.All(objects, d => Assert.Equal(row[2].Replace("-", ""), d.First(x => x.Tag == "0008,0020").Value));
        }
        // events.csv event UIDs are the exported RDSR's Irradiation Event UIDs (content UIDREFs).
        var uidrefs = exported.SelectMany(d => d.Where(x => x.Tag == "0040,a124").Select(x => x.Value)).ToHashSet();
        var events = Csv(Path.Combine(outDir, "events.csv")).Skip(1).ToList();
        Assert.Contains(events, e => uidrefs.Contains(e[1]));
        var rdsrStudy = exported.Single(d => d.Any(x => x.Tag == "0040,a124")).First(x => x.Tag == "0020,000d").Value;
        Assert.All(events.Where(e => e[0] == rdsrStudy), e => Assert.Contains(e[1], uidrefs));
        var audit = await new AuditLog(DbConnectionFactory.Create(new DatabaseOptions(), app.DataDirectory), System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)).QueryAsync(new AuditQuery(Action: "export.deidentified"));
        Assert.Contains(audit.Items, e => e.Target == outDir && e.Actor.StartsWith("cli:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_non_empty_output_folder_is_refused_and_left_alone()
    {
        using var folder = new TempDirectory();
        File.WriteAllText(folder.File("keep.txt"), "mine");

        var exit = await DeidCommand.RunAsync(["export", "--out", folder.Path, "--data", app.DataDirectory], new StringWriter(), new StringWriter());

        Assert.Equal(2, exit);
        Assert.Equal("mine", File.ReadAllText(folder.File("keep.txt")));
    }
}
