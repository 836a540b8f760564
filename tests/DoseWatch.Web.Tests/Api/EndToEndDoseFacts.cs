using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using DoseWatch.Core.Extraction;
using DoseWatch.Dicom;
using DoseWatch.Tests;
using DoseWatch.Web.Tests.Jobs;

namespace DoseWatch.Web.Tests.Api;

/// <summary>
/// The whole path with the real extractor: storescu → Store SCP → inbox → Hangfire job → extraction → SQL → API.
/// An RDSR sample, and MR / US images made from real images with dcmodify; values checked against dcmdump (MR/US)
/// or the extraction of the same file (RDSR; that extraction is compared with pydicom in Core.Tests).
/// </summary>
[Collection(nameof(DoseApp))]
public sealed partial class EndToEndDoseFacts(DoseApp dose) : IAsyncLifetime
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("dosewatch-e2e-");
    private DoseWatchApp _app => dose.App;
    private string _aeTitle => dose.AeTitle;
    private int _port => dose.DicomPort;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        _directory.Delete(recursive: true);
        return Task.CompletedTask;
    }

    private async Task<(JsonElement Study, TimeSpan Latency)> SendAndQueryAsync(string file, string studyUid)
    {
        using var client = _app.CreateHttpClient();
        var clock = Stopwatch.StartNew();
        await Dcmtk.RunAsync("storescu", "-aet", "E2E_SCU", "-aec", _aeTitle, "127.0.0.1", _port.ToString(CultureInfo.InvariantCulture), file);
        while (true)
        {
            using var response = await client.GetAsync($"/api/v1/studies/{studyUid}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var json = await response.Content.ReadFromJsonAsync<JsonElement>();
                if (json.GetProperty("events").GetArrayLength() > 0) return (json, clock.Elapsed);
            }
            // The acceptance target is 2 s; the deadline is wider because CI shares two cores with other suites.
            if (clock.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException($"{studyUid} not queryable 30 s after storescu");
            await Task.Delay(50);
        }
    }

    [GeneratedRegex(@"^\([0-9a-f,]+\) [A-Z]{2} (\[(?<text>[^\]]*)\]|(?<binary>[-+0-9.eE]+))", RegexOptions.Multiline)]
    private static partial Regex DumpLine();

    private static async Task<string?> DumpValueAsync(string file, string tag)
    {
        var m = DumpLine().Match(await Dcmtk.RunAsync("dcmdump", "-q", "-Un", "+P", tag, file));
        return !m.Success ? null : m.Groups["text"].Success ? m.Groups["text"].Value : m.Groups["binary"].Value;
    }

    private static async Task<double> DumpNumberAsync(string file, string tag) =>
        double.Parse((await DumpValueAsync(file, tag))!, CultureInfo.InvariantCulture);

    private string Modified(string source, string name, params string[] arguments)
    {
        var path = Path.Combine(_directory.FullName, name);
        File.Copy(source, path);
        Dcmtk.RunAsync("dcmodify", ["-nb", .. arguments, path]).GetAwaiter().GetResult();
        return path;
    }

    [SamplesFact]
    public async Task An_rdsr_sent_by_storescu_is_queryable_with_its_values()
    {
        // A sample no other test in this app stores, so the study appears only through the C-STORE.
        var sample = SharedSamples.Path_("openrem/CT-RDSR-ToshibaPixelMed.dcm");
        var expected = DoseExtractor.Extract(DicomReader.ReadFile(sample));

        var (study, latency) = await SendAndQueryAsync(sample, expected.Study!.StudyInstanceUid);

        Console.WriteLine($"C-STORE to queryable RDSR: {latency.TotalMilliseconds:0} ms");
        var events = study.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(expected.Events.Count, events.Count);
        foreach (var ev in expected.Events)
        {
            var e = Assert.Single(events, x => x.GetProperty("irradiationEventUid").GetString() == ev.EventUid);
            Assert.Equal(ev.CtdiVolMGy, e.GetProperty("ctdiVolMGy").ValueKind == JsonValueKind.Null ? null : e.GetProperty("ctdiVolMGy").GetDouble());
            Assert.Equal(ev.DlpMGyCm, e.GetProperty("dlpMGyCm").ValueKind == JsonValueKind.Null ? null : e.GetProperty("dlpMGyCm").GetDouble());
        }
        Assert.Equal(expected.Study.Device.Model, study.GetProperty("device").GetProperty("model").GetString());
        Assert.NotEqual(JsonValueKind.Null, study.GetProperty("device").GetProperty("deviceId").ValueKind);
    }

    [Fact]
    public async Task An_mr_image_sent_by_storescu_gives_its_sar_and_dbdt()
    {
        var mr = Modified("/usr/lib/python3/dist-packages/pydicom/data/test_files/MR_small.dcm", "mr.dcm",
            "-i", "(0018,1316)=2.71", "-i", "(0018,1318)=38.4", "-i", "(0018,9179)=IEC_WHOLE_BODY");

        var (study, latency) = await SendAndQueryAsync(mr, (await DumpValueAsync(mr, "0020,000d"))!);

        Console.WriteLine($"C-STORE to queryable MR image: {latency.TotalMilliseconds:0} ms");
        var e = Assert.Single(study.GetProperty("events").EnumerateArray());
        Assert.Equal(await DumpValueAsync(mr, "0020,000e"), e.GetProperty("irradiationEventUid").GetString());
        Assert.Equal(await DumpNumberAsync(mr, "0018,1316"), e.GetProperty("sarWPerKg").GetDouble());
        Assert.Equal(await DumpNumberAsync(mr, "0018,1318"), e.GetProperty("dbdtTPerS").GetDouble());
        Assert.Equal(JsonValueKind.Null, e.GetProperty("ctdiVolMGy").ValueKind);
    }

    [SamplesFact]
    public async Task An_ultrasound_image_sent_by_storescu_gives_its_mechanical_and_thermal_indices()
    {
        var us = Modified(SharedSamples.Path_("openrem/DX-Im-GE_XR220-2.dcm"), "us.dcm",
            "-m", "(0008,0016)=1.2.840.10008.5.1.4.1.1.6.1", "-m", "(0008,0060)=US",
            "-i", "(0018,5022)=1.1", "-i", "(0018,5027)=0.7", "-i", "(0018,5024)=0.9", "-i", "(0018,5026)=0.5");

        var (study, _) = await SendAndQueryAsync(us, (await DumpValueAsync(us, "0020,000d"))!);

        var e = Assert.Single(study.GetProperty("events").EnumerateArray());
        Assert.Equal(await DumpNumberAsync(us, "0018,5022"), e.GetProperty("mechanicalIndex").GetDouble());
        Assert.Equal(await DumpNumberAsync(us, "0018,5027"), e.GetProperty("thermalIndexSoftTissue").GetDouble());
        Assert.Equal(await DumpNumberAsync(us, "0018,5024"), e.GetProperty("thermalIndexBone").GetDouble());
        Assert.Equal(await DumpNumberAsync(us, "0018,5026"), e.GetProperty("thermalIndexCranialBone").GetDouble());
        Assert.Equal(JsonValueKind.Null, e.GetProperty("dapGyCm2").ValueKind);
    }
}
