using DoseWatch.Cli.Tests.Support;
using DoseWatch.Core.Domain;
using DoseWatch.Core.Extraction;
using DoseWatch.Dicom;
using DoseWatch.Dicom.Tests.IO;
using System.Text.Json;
using System.Text.RegularExpressions;
using DoseWatch.Core.Analysis;
using static DoseWatch.Cli.Tests.Support.PydicomReading;
using static DoseWatch.Cli.Tests.Support.DemoObjectReading;

namespace DoseWatch.Cli.Tests.Demo;

/// <summary>
/// The demo's objects (X-Ray and Radiopharmaceutical Radiation Dose SRs, MR and ultrasound images) are valid for
/// independent tools (DCMTK dsrdump and dcmdump, dicom3tools dciodvfy, pydicom), and what DoseWatch extracts from them
/// equals what those tools read from the same files, in canonical units converted by the test.
/// </summary>
public sealed partial class GeneratedRdsrFacts(GeneratedHistory history) : IClassFixture<GeneratedHistory>
{
    private static bool IsReport(JsonElement reading) => SopClass(reading).StartsWith("1.2.840.10008.5.1.4.1.1.88.", StringComparison.Ordinal);

    [Fact]
    public void Every_study_is_written_and_dsrdump_reads_every_generated_report_without_a_complaint()
    {
        var readings = Read(history.Files);
        Assert.Equal(GeneratedHistory.Studies, readings.Values.Select(r => r.GetProperty("studyInstanceUid").GetString()).Distinct().Count());
        var reports = history.Files.Where(f => IsReport(readings[f])).ToList();
        // MR and ultrasound studies send images, every other study one report.
        var imageStudies = readings.Values.Where(r => !IsReport(r)).Select(r => r.GetProperty("studyInstanceUid").GetString()).Distinct().Count();
        Assert.Equal(GeneratedHistory.Studies - imageStudies, reports.Count);
        foreach (var file in reports)
        {
            var run = ExternalTool.Run("dsrdump", [file]);
            Assert.True(run.ExitCode == 0 && run.StdErr.Length == 0, $"dsrdump {file}: exit {run.ExitCode} {run.StdErr}");
            Assert.Contains(SopClass(readings[file]) == RadiopharmaceuticalSr ? "Radiopharmaceutical Radiation Dose Report" : "X-Ray Radiation Dose Report", run.StdOut);
        }
    }

    [Fact]
    public void Dciodvfy_finds_no_error_and_no_warning_in_a_sample_of_each_kind()
    {
        var readings = Read(history.Files);
        // Two objects per kind: CT acquisition, projection event with and without AGD, radiopharmaceutical administration, MR and US image.
        var sample = history.Files.GroupBy(f => Kind(readings[f])).SelectMany(g => g.Take(2)).ToList();
        Assert.Equal(6, sample.Select(f => Kind(readings[f])).Distinct().Count());
        foreach (var file in sample)
        {
            var run = ExternalTool.Run("dciodvfy", [file]);
            var output = run.StdOut + run.StdErr;
            // The MR images carry four enhanced-MR attributes as a standard extended SOP class (PS3.4 B.1.3): dciodvfy
            // names them, and says so, as warnings; those and only those are expected.
            var complaints = output.Split('\n').Where(l => l.StartsWith("Error") || l.StartsWith("Warning"))
                .Where(l => !(Kind(readings[file]) == "MR" && StandardExtended().IsMatch(l))).ToList();
            Assert.True(complaints.Count == 0, $"dciodvfy {file}:\n{string.Join('\n', complaints)}");
            Assert.Contains(Kind(readings[file]) switch
            {
                "NM" => "RadiopharmaceuticalRadiationDoseSR", "MR" => "MRImage", "US" => "USImage", _ => "XRayRadiationDoseSR",
            }, output);
        }
    }

    [Fact]
    public void Nm_mr_and_us_values_extracted_by_dosewatch_equal_pydicom_and_dcmdumps_reading_of_the_same_files()
    {
        var expected = DemoObjectReading.Events(Read(history.Files));
        // Forty studies hold a planted outlier of each of the three, so none of them can be missing.
        Assert.Equal(["MR", "NM", "US"], expected.Select(e => e.Kind).Distinct().Order(StringComparer.Ordinal));
        foreach (var group in expected.GroupBy(e => e.File))
        {
            var result = DoseExtractor.Extract(DicomReader.ReadFile(group.Key));
            Assert.Equal(ExtractionKind.DoseObject, result.Kind);
            Assert.Equal(group.First().StudyUid, result.Study!.StudyInstanceUid);
            Assert.Equal(group.First().Kind, result.Study.Modality);
            Assert.Equal(group.Count(), result.Events.Count);
            foreach (var ev in group)
                DemoEventAssert.Same(ev, Assert.Single(result.Events, e => e.EventUid == ev.EventUid));
        }
    }

    [Fact]
    public void Each_planted_nm_mr_and_us_outlier_stands_out_as_its_rules_see_it()
    {
        var events = DemoObjectReading.Events(Read(history.Files));
        var planted = GeneratedHistory.Anomalies(history.Output).Where(a => a.Kind == "DoseOutlier").Select(a => a.StudyUid).ToHashSet();
        var outliers = events.Where(e => planted.Contains(e.StudyUid)).GroupBy(e => e.Kind).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(["MR", "NM", "US"], outliers.Keys.Order(StringComparer.Ordinal));

        // MR: one series above the whole-body limit of its RF operating mode; no other series is (IEC 60601-2-33).
        bool AboveSarLimit(IndependentEvent e) => e.SarWPerKg > MrSarLimits.LimitWPerKg(DemoObjectReading.RfMode(e.OperatingModes), e.SarDefinition);
        Assert.Single(outliers["MR"], AboveSarLimit);
        Assert.DoesNotContain(events.Where(e => e.Kind == "MR" && !planted.Contains(e.StudyUid)), AboveSarLimit);
        // US: one image above the FDA Track 3 MI, no other image.
        Assert.Contains(outliers["US"], e => e.MechanicalIndex > UltrasoundOutputGuidance.GeneralMechanicalIndex);
        Assert.DoesNotContain(events.Where(e => e.Kind == "US" && !planted.Contains(e.StudyUid)), e => e.MechanicalIndex > UltrasoundOutputGuidance.GeneralMechanicalIndex);
        // NM: activity per kg over twice that of every other administration of the same agent.
        var nm = Assert.Single(outliers["NM"]);
        var others = events.Where(e => e.Kind == "NM" && e.Agent == nm.Agent && e.StudyUid != nm.StudyUid).ToList();
        Assert.All(others, o => Assert.True(nm.AdministeredActivityMBq / nm.PatientWeightKg > 2 * o.AdministeredActivityMBq / o.PatientWeightKg,
            $"{nm.AdministeredActivityMBq} MBq for {nm.PatientWeightKg} kg not above {o.AdministeredActivityMBq} MBq for {o.PatientWeightKg} kg"));
    }

    [Fact]
    public void Doses_extracted_by_dosewatch_equal_pydicoms_reading_of_the_same_files()
    {
        var readings = Read(history.Files);
        var compared = 0;
        foreach (var file in history.Files.Where(f => IsReport(readings[f]) && SopClass(readings[f]) != RadiopharmaceuticalSr))
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
        Assert.True(compared >= readings.Values.Count(r => IsReport(r) && SopClass(r) != RadiopharmaceuticalSr), $"only {compared} events compared");
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

    private static string Kind(JsonElement reading)
    {
        switch (SopClass(reading))
        {
            case MrImageStorage: return "MR";
            case UsImageStorage: return "US";
            case RadiopharmaceuticalSr: return "NM";
        }
        var events = Events(reading);
        if (events.Any(e => e.ContainsKey(("113830", "DCM")))) return "CT";
        return events.Any(e => e.ContainsKey(("111631", "DCM"))) ? "mammography" : "projection";
    }

    [GeneratedRegex(@"^Warning - (Attribute is not present in standard DICOM IOD - \(0x0018,0x917[6-9]\)|Dicom dataset contains attributes not present in standard DICOM IOD - this is a Standard Extended SOP Class)")]
    private static partial Regex StandardExtended();
}
