using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using DoseWatch.Tests;

namespace DoseWatch.Web.Tests.Jobs;

/// <summary>
/// An inbox row says what arrived as a PACS administrator recognises it: modality, device, accession number and study
/// date from the header, checked against dcmdump of the file sent by storescu; shown on the Inbox page and in the API.
/// </summary>
public sealed class InboxHeaderFacts : IAsyncLifetime
{
    private const string Sample = "openrem/MG-RDSR-Hologic_2D.dcm";
    private readonly string _aeTitle = $"DW{Random.Shared.Next(100000, 999999)}";
    private readonly int _dicomPort = DoseWatchApp.FreeTcpPort();
    private DoseWatchApp _app = null!;

    public async Task InitializeAsync() => _app = await DoseWatchApp.StartAsync(new Dictionary<string, string?>
    {
        ["Dicom:AeTitle"] = _aeTitle,
        ["Dicom:Port"] = _dicomPort.ToString(CultureInfo.InvariantCulture),
    });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static async Task<string?> DumpAsync(string tag)
    {
        var line = await Dcmtk.RunAsync("dcmdump", "-q", "+P", tag, SharedSamples.Path_(Sample));
        var start = line.IndexOf('[');
        return start < 0 ? null : line[(start + 1)..line.IndexOf(']', start)].TrimEnd();
    }

    [SamplesFact]
    public async Task A_received_instance_is_listed_with_modality_device_accession_and_study_date()
    {
        await Dcmtk.RunAsync("storescu", "-aet", "MG_ROOM", "-aec", _aeTitle, "127.0.0.1", _dicomPort.ToString(CultureInfo.InvariantCulture), SharedSamples.Path_(Sample));
        using var client = _app.CreateHttpClient();
        var row = (await client.GetFromJsonAsync<JsonElement>("/api/v1/instances")).GetProperty("items").EnumerateArray().Single();

        var (manufacturer, model, station) = (await DumpAsync("0008,0070"), await DumpAsync("0008,1090"), await DumpAsync("0008,1010"));
        var device = string.Join(' ', new[] { manufacturer, model }.Where(p => !string.IsNullOrEmpty(p)));
        if (!string.IsNullOrEmpty(station)) device = $"{device} ({station})";
        var da = await DumpAsync("0008,0020");
        var studyDate = DateOnly.ParseExact(da!, "yyyyMMdd", CultureInfo.InvariantCulture).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Assert.Equal(await DumpAsync("0008,0060"), row.GetProperty("modality").GetString());
        Assert.Equal(device, row.GetProperty("device").GetString());
        Assert.Equal(await DumpAsync("0008,0050") is { Length: > 0 } acc ? acc : null, row.GetProperty("accessionNumber").GetString());
        Assert.Equal(studyDate, row.GetProperty("studyDate").GetString());

        var html = await client.GetStringAsync("/inbox");
        Assert.Contains($"data-field=\"modality\"", html);
        Assert.Contains($">{System.Net.WebUtility.HtmlEncode(device)}<", html);
        Assert.Contains($"data-field=\"study-date\">{studyDate}<", html);
    }
}
