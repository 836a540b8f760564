using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using DoseWatch.Cli.Commands;
using DoseWatch.Cli.Tests.Support;
using DoseWatch.Dicom.Tests.IO;
using DoseWatch.Tests;
using static DoseWatch.Cli.Tests.Support.PydicomReading;

namespace DoseWatch.Cli.Tests.EndToEnd;

/// <summary>
/// demo, import, and image-derived MR/US values through the running app's Store SCP, jobs, SQL and REST API. Every
/// expected value is read at test time from the same files by pydicom or dcmdump.
/// </summary>
public sealed partial class ThroughTheRunningAppFacts(RunningDoseWatch app) : IClassFixture<RunningDoseWatch>
{
    [Fact]
    public async Task Demo_of_twenty_studies_is_served_by_the_api_with_its_events_and_its_outliers()
    {
        using var folder = new TempDirectory();
        var output = new StringWriter();
        var exit = await DemoCommand.RunAsync(["--studies", "20", "--seed", "11", "--out", folder.Path, "--send", .. Target()], output, output);
        Assert.True(exit == 0, output.ToString());
        var all = Directory.GetFiles(folder.Path, "*.dcm");
        var readings = Read(all);
        Assert.Equal(20, readings.Values.Select(r => r.GetProperty("studyInstanceUid").GetString()).Distinct().Count());
        // The X-ray reports here; the NM reports and MR and US images have their own test below.
        var files = all.Where(f => DemoObjectReading.SopClass(readings[f]) == "1.2.840.10008.5.1.4.1.1.88.67").ToList();
        Assert.NotEmpty(files);

        var studies = new Dictionary<string, JsonElement>();
        foreach (var file in files)
        {
            var reading = readings[file];
            var events = Events(reading);
            var study = await app.WaitForStudyAsync(reading.GetProperty("studyInstanceUid").GetString()!, events.Count);
            studies[study.GetProperty("studyInstanceUid").GetString()!] = study;
            var apiEvents = study.GetProperty("events").EnumerateArray().ToList();
            Assert.Equal(events.Count, apiEvents.Count);
            foreach (var ev in events)
            {
                var e = Assert.Single(apiEvents, x => x.GetProperty("irradiationEventUid").GetString() == Text(ev, "113769"));
                AssertSame(Canonical(ev, "113830", "mGy"), Number(e, "ctdiVolMGy"), "CTDIvol");
                AssertSame(Canonical(ev, "113838", "mGy.cm"), Number(e, "dlpMGyCm"), "DLP");
                AssertSame(Canonical(ev, "122130", "Gy.cm2"), Number(e, "dapGyCm2"), "DAP");
                AssertSame(Canonical(ev, "111631", "mGy"), Number(e, "agdMGy"), "AGD");
                AssertSame(Canonical(ev, "113733", "kV"), Number(e, "kvp"), "kVp");
                Assert.Equal(Text(ev, "125203"), e.GetProperty("protocol").GetString());
            }
        }
        var listed = await app.Client.GetFromJsonAsync<JsonElement>("/api/v1/studies?pageSize=200");
        var listedUids = listed.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("studyInstanceUid").GetString()!).ToHashSet();
        var missing = studies.Keys.Where(k => !listedUids.Contains(k)).ToList();
        Assert.True(missing.Count == 0, $"not listed by /api/v1/studies (total {listed.GetProperty("total")}): {string.Join(", ", missing)}");

        // The outliers the demo announced are in the data, far above every other study of their protocol.
        var outliers = AnomalyLine().Matches(output.ToString()).Where(m => m.Groups[1].Value == "DoseOutlier").Select(m => m.Groups[2].Value).ToList();
        Assert.NotEmpty(outliers);
        foreach (var uid in outliers)
        {
            var outlier = studies[uid];
            var protocol = MainEvent(outlier).GetProperty("protocol").GetString();
            var others = studies.Values.Where(s => s.GetProperty("studyInstanceUid").GetString() != uid && MainEvent(s).GetProperty("protocol").GetString() == protocol).ToList();
            Assert.NotEmpty(others);
            Assert.All(others, o => Assert.True(MainDose(outlier) > 2 * MainDose(o), $"outlier {MainDose(outlier)} not above {MainDose(o)} of {protocol}"));
        }
        Assert.Equal(4, AnomalyLine().Matches(output.ToString()).Select(m => m.Groups[1].Value).Distinct().Count());
    }

    [Fact]
    public async Task Demo_nm_reports_and_mr_and_us_images_are_served_by_the_api_with_the_values_pydicom_and_dcmdump_read()
    {
        using var folder = new TempDirectory();
        var output = new StringWriter();
        var exit = await DemoCommand.RunAsync(["--studies", "40", "--seed", "17", "--out", folder.Path, "--send", .. Target()], output, output);
        Assert.True(exit == 0, output.ToString());
        var expected = DemoObjectReading.Events(Read(Directory.GetFiles(folder.Path, "*.dcm")));
        Assert.Equal(["MR", "NM", "US"], expected.Select(e => e.Kind).Distinct().Order(StringComparer.Ordinal));
        foreach (var study in expected.GroupBy(e => e.StudyUid))
        {
            // An MR or US study arrives image by image: wait until every series or image has been extracted.
            var served = await app.WaitForStudyAsync(study.Key, study.Count());
            Assert.Equal(study.First().Kind, served.GetProperty("modality").GetString());
            var events = served.GetProperty("events").EnumerateArray().ToList();
            Assert.Equal(study.Count(), events.Count);
            foreach (var ev in study)
                DemoEventAssert.SameAsApi(ev, Assert.Single(events, e => e.GetProperty("irradiationEventUid").GetString() == ev.EventUid));
        }
    }

    [SamplesFact]
    public async Task Import_stores_and_extracts_the_dicom_files_of_a_folder_and_skips_the_rest_with_a_reason()
    {
        using var folder = new TempDirectory();
        string[] samples = ["openrem/CT-RDSR-Siemens-Multi-2.dcm", "openrem/MG-RDSR-Hologic_2D.dcm", "openrem/RF-RDSR-Siemens-Zee.dcm"];
        // Links, not copies: the samples are read in place.
        foreach (var sample in samples) File.CreateSymbolicLink(folder.File(Path.GetFileName(sample)), SharedSamples.Path_(sample));
        File.WriteAllText(folder.File("notes.txt"), "not a DICOM file\n");
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = await ImportCommand.RunAsync([folder.Path, .. Target()], output, error);

        Assert.True(exit == 0, $"{output}{error}");
        Assert.Contains("3 stored, 0 failed, 1 skipped", output.ToString());
        Assert.Matches(@"skipped .*notes\.txt: not a readable Part 10 file", error.ToString());
        var readings = Read(samples.Select(SharedSamples.Path_).ToList());
        foreach (var reading in readings.Values)
        {
            var events = Events(reading);
            var study = await app.WaitForStudyAsync(reading.GetProperty("studyInstanceUid").GetString()!, events.Count);
            var apiEvents = study.GetProperty("events").EnumerateArray().ToList();
            foreach (var ev in events.Where(e => Text(e, "113769") is not null))
            {
                var e = Assert.Single(apiEvents, x => x.GetProperty("irradiationEventUid").GetString() == Text(ev, "113769"));
                AssertSame(Canonical(ev, "113830", "mGy"), Number(e, "ctdiVolMGy"), "CTDIvol");
                AssertSame(Canonical(ev, "113838", "mGy.cm"), Number(e, "dlpMGyCm"), "DLP");
                AssertSame(Canonical(ev, "122130", "Gy.cm2"), Number(e, "dapGyCm2"), "DAP");
                AssertSame(Canonical(ev, "111631", "mGy"), Number(e, "agdMGy"), "AGD");
            }
        }
    }

    [SamplesFact]
    public async Task Mr_and_us_images_made_with_dcmodify_give_the_safety_values_dcmdump_reads()
    {
        using var folder = new TempDirectory();
        var source = SharedSamples.Path_("openrem/NM-PetIm-GE.dcm");
        var mr = Modified(folder, source, "mr.dcm", "1.2.840.10008.5.1.4.1.1.4", "MR",
            ("0018,1316", "1.83"), ("0018,1318", "42.5"), ("0018,1320", "2.75"));
        var us = Modified(folder, source, "us.dcm", "1.2.840.10008.5.1.4.1.1.6.1", "US",
            ("0018,5022", "1.2"), ("0018,5027", "0.7"), ("0018,5024", "0.4"), ("0018,5026", "0.3"));
        var send = ExternalTool.Run("/usr/bin/env", ["TCP_NODELAY=1", "storescu", "-aet", "DW_TEST", "-aec", app.AeTitle, "127.0.0.1", app.DicomPort.ToString(CultureInfo.InvariantCulture), mr, us]);
        Assert.True(send.ExitCode == 0, send.StdErr);

        var mrEvent = MainEvent(await app.WaitForStudyAsync(Dcmdump(mr, "0020,000d")!));
        Assert.Equal(Dcmdump(mr, "0020,000e"), mrEvent.GetProperty("irradiationEventUid").GetString());
        AssertSame(DcmdumpNumber(mr, "0018,1316"), Number(mrEvent, "sarWPerKg"), "SAR W/kg");
        AssertSame(DcmdumpNumber(mr, "0018,1318"), Number(mrEvent, "dbdtTPerS"), "dB/dt T/s");
        // B1rms is FL: a float, compared at float precision.
        Assert.Equal(DcmdumpNumber(mr, "0018,1320")!.Value, Number(mrEvent, "b1rmsUT")!.Value, 5);

        var usEvent = MainEvent(await app.WaitForStudyAsync(Dcmdump(us, "0020,000d")!));
        AssertSame(DcmdumpNumber(us, "0018,5022"), Number(usEvent, "mechanicalIndex"), "MI");
        AssertSame(DcmdumpNumber(us, "0018,5027"), Number(usEvent, "thermalIndexSoftTissue"), "TIS");
        AssertSame(DcmdumpNumber(us, "0018,5024"), Number(usEvent, "thermalIndexBone"), "TIB");
        AssertSame(DcmdumpNumber(us, "0018,5026"), Number(usEvent, "thermalIndexCranialBone"), "TIC");
    }

    private string[] Target() => ["--host", "127.0.0.1", "--port", app.DicomPort.ToString(CultureInfo.InvariantCulture), "--aec", app.AeTitle];

    /// <summary>A copy of a real image turned into another modality by DCMTK: new UIDs, SOP class, modality, inserted values.</summary>
    private static string Modified(TempDirectory folder, string source, string name, string sopClass, string modality, params (string Tag, string Value)[] values)
    {
        var path = folder.File(name);
        File.Copy(source, path);
        var args = new List<string> { "-nb", "-gst", "-gse", "-gin", "-m", $"(0008,0016)={sopClass}", "-m", $"(0008,0060)={modality}" };
        foreach (var (tag, value) in values) args.AddRange(["-i", $"({tag})={value}"]);
        args.Add(path);
        var run = ExternalTool.Run("dcmodify", args);
        Assert.True(run.ExitCode == 0, run.StdErr);
        return path;
    }

    private static string? Dcmdump(string file, string tag)
    {
        var run = ExternalTool.Run("dcmdump", ["-q", "+P", tag, file]);
        var m = DcmdumpValue().Match(run.StdOut);
        return !m.Success ? null : (m.Groups[1].Success ? m.Groups[1] : m.Groups[2]).Value.Trim();
    }

    private static double? DcmdumpNumber(string file, string tag) =>
        Dcmdump(file, tag) is { } text ? double.Parse(text, CultureInfo.InvariantCulture) : null;

    private static double? Number(JsonElement e, string name) =>
        e.GetProperty(name) is { ValueKind: JsonValueKind.Number } v ? v.GetDouble() : null;

    // The last event is the study's main exposure (after the CT localizer); image-derived studies have one.
    private static JsonElement MainEvent(JsonElement study) =>
        study.GetProperty("events").EnumerateArray().OrderBy(e => e.GetProperty("startedAt").ToString()).Last();

    private static double MainDose(JsonElement study)
    {
        var e = MainEvent(study);
        return Number(e, "ctdiVolMGy") ?? Number(e, "dapGyCm2") ?? Number(e, "agdMGy") ?? throw new InvalidOperationException("no dose");
    }

    [GeneratedRegex(@"anomaly (\w+): study ([0-9.]+)")]
    private static partial Regex AnomalyLine();

    // dcmdump prints [text] for strings and DS, and a bare number for FL.
    [GeneratedRegex(@"^\([0-9a-f,]+\) \w\w (?:\[([^\]]*)\]|([-0-9.eE+]+))", RegexOptions.Multiline)]
    private static partial Regex DcmdumpValue();
}
