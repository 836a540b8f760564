using DoseWatch.Cli.Tests.Support;
using DoseWatch.Core.Domain;
using DoseWatch.Core.Extraction;
using DoseWatch.Dicom;
using DoseWatch.Dicom.Tests.IO;
using static DoseWatch.Cli.Tests.Support.PydicomReading;

namespace DoseWatch.Cli.Tests.Demo;

/// <summary>
/// The demo's RDSRs are valid for independent tools (DCMTK dsrdump, dicom3tools dciodvfy, pydicom), and what DoseWatch
/// extracts from them equals what pydicom reads from the same files, in canonical units converted by the test.
/// </summary>
public sealed class GeneratedRdsrFacts(GeneratedHistory history) : IClassFixture<GeneratedHistory>
{
    [Fact]
    public void Dsrdump_reads_every_generated_report_without_a_complaint()
    {
        Assert.Equal(GeneratedHistory.Studies, history.Files.Count);
        foreach (var file in history.Files)
        {
            var run = ExternalTool.Run("dsrdump", [file]);
            Assert.True(run.ExitCode == 0 && run.StdErr.Length == 0, $"dsrdump {file}: exit {run.ExitCode} {run.StdErr}");
            Assert.Contains("X-Ray Radiation Dose Report", run.StdOut);
        }
    }

    [Fact]
    public void Dciodvfy_finds_no_error_and_no_warning_in_a_sample_of_each_kind()
    {
        var readings = Read(history.Files);
        // One report per kind of event container (CT acquisition, projection event with and without AGD), up to six.
        var sample = history.Files.GroupBy(f => Kind(readings[f])).SelectMany(g => g.Take(2)).ToList();
        Assert.Equal(3, sample.Select(f => Kind(readings[f])).Distinct().Count());
        foreach (var file in sample)
        {
            var run = ExternalTool.Run("dciodvfy", [file]);
            var complaints = (run.StdOut + run.StdErr).Split('\n').Where(l => l.StartsWith("Error") || l.StartsWith("Warning")).ToList();
            Assert.True(complaints.Count == 0, $"dciodvfy {file}:\n{string.Join('\n', complaints)}");
            Assert.Contains("XRayRadiationDoseSR", run.StdOut + run.StdErr);
        }
    }

    [Fact]
    public void Doses_extracted_by_dosewatch_equal_pydicoms_reading_of_the_same_files()
    {
        var readings = Read(history.Files);
        var compared = 0;
        foreach (var file in history.Files)
        {
            var reading = readings[file];
            var result = DoseExtractor.Extract(DicomReader.ReadFile(file));
            Assert.Equal(ExtractionKind.DoseObject, result.Kind);
            Assert.Equal(reading.GetProperty("studyInstanceUid").GetString(), result.Study!.StudyInstanceUid);
            Assert.Equal(reading.GetProperty("manufacturer").GetString(), result.Study.Device.Manufacturer);
            Assert.Equal(reading.GetProperty("patientWeight")[0].GetDouble(), result.Study.Patient.WeightKg);
            var events = Events(reading);
            Assert.Equal(events.Count, result.Events.Count);
            foreach (var ev in events)
            {
                var uid = Text(ev, "113769");
                var actual = Assert.Single(result.Events, e => e.EventUid == uid);
                AssertEvent(ev, actual, $"{Path.GetFileName(file)} event {uid}");
                compared++;
            }
        }
        Assert.True(compared >= GeneratedHistory.Studies, $"only {compared} events compared");
    }

    private static void AssertEvent(Dictionary<(string, string), System.Text.Json.JsonElement> ev, IrradiationEvent actual, string where)
    {
        Assert.Equal(Text(ev, "125203"), actual.Protocol);
        Assert.Equal(Code(ev, "123014"), actual.TargetRegion is { } t ? (t.Value, t.Scheme) : null);
        AssertSame(Canonical(ev, "113733", "kV"), actual.Kvp, $"{where} KVP");
        AssertSame(Canonical(ev, "113734", "mA"), actual.TubeCurrentMA, $"{where} X-Ray Tube Current");
        AssertSame(Canonical(ev, "113824", "s"), actual.ExposureTimeS, $"{where} Exposure Time");
        // CT (TID 10013)
        AssertSame(Canonical(ev, "113830", "mGy"), actual.CtdiVolMGy, $"{where} Mean CTDIvol");
        AssertSame(Canonical(ev, "113838", "mGy.cm"), actual.DlpMGyCm, $"{where} DLP");
        AssertSame(Canonical(ev, "113828", "{ratio}"), actual.PitchFactor, $"{where} Pitch Factor");
        AssertSame(Canonical(ev, "113825", "mm"), actual.ScanLengthMm, $"{where} Scanning Length");
        AssertSame(Canonical(ev, "113930", "mGy"), actual.SsdeMGy, $"{where} SSDE");
        AssertSame(Canonical(ev, "113980", "mm"), actual.WaterEquivalentDiameterMm, $"{where} Water Equivalent Diameter");
        var phantom = Code(ev, "113835") switch
        {
            ("113690", "DCM") => CtdiPhantom.Head16,
            ("113691", "DCM") => CtdiPhantom.Body32,
            null => (CtdiPhantom?)null,
            var other => throw new Xunit.Sdk.XunitException($"{where}: unexpected phantom {other}"),
        };
        Assert.Equal(phantom, actual.Phantom);
        // Projection (TID 10003)
        AssertSame(Canonical(ev, "122130", "Gy.cm2"), actual.DapGyCm2, $"{where} Dose Area Product");
        AssertSame(Canonical(ev, "113738", "Gy"), actual.DoseRpGy, $"{where} Dose (RP)");
        AssertSame(Canonical(ev, "111631", "mGy"), actual.AgdMGy, $"{where} Average Glandular Dose");
        AssertSame(Canonical(ev, "111633", "mm"), actual.CompressionThicknessMm, $"{where} Compression Thickness");
    }

    private static string Kind(System.Text.Json.JsonElement reading)
    {
        var events = Events(reading);
        if (events.Any(e => e.ContainsKey(("113830", "DCM")))) return "CT";
        return events.Any(e => e.ContainsKey(("111631", "DCM"))) ? "mammography" : "projection";
    }
}
