using System.Net.Http.Json;
using System.Text.Json;
using DoseWatch.Data;
using DoseWatch.Data.Repositories;
using DoseWatch.Tests;
using DoseWatch.Web.Tests.Jobs;

namespace DoseWatch.Web.Tests.Alerts;

/// <summary>One copy of the real Siemens CT RDSR as make_rdsr_series.py wrote it, with the values pydicom read back.</summary>
public sealed record WrittenRdsr(string Name, string File, string StudyInstanceUid, IReadOnlyList<WrittenCtEvent> Events);

public sealed record WrittenCtEvent(string EventUid, string? Protocol, bool Localizer, double? CtdiVolMGy, IReadOnlyList<double> Kvp);

/// <summary>
/// Copies of a real CT RDSR made at test time (new UIDs; CTDIvol, DLP, kVp and protocol changed by pydicom) and sent to
/// the running app by DCMTK storescu; the alerts read back through the REST API.
/// </summary>
internal sealed class RdsrSeries(AlertsAppFixture fixture, DirectoryInfo directory)
{
    /// <summary>Each spec is name:factor[:kvp=V][:protocol=P] (make_rdsr_series.py).</summary>
    public async Task<List<WrittenRdsr>> WriteAsync(params string[] specs)
    {
        var script = Path.Combine(SharedSamples.RepositoryRoot, "tests", "DoseWatch.Web.Tests", "Alerts", "make_rdsr_series.py");
        var stdout = await Dcmtk.RunAsync("/usr/bin/python3", [script, SharedSamples.Path_("openrem/CT-RDSR-Siemens-Multi-2.dcm"), directory.FullName, .. specs]);
        var options = new JsonSerializerOptions { PropertyNameCaseInsensitive = true };
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith('{')).Select(l => JsonSerializer.Deserialize<WrittenRdsr>(l, options)!).ToList();
    }

    public Task SendAsync(IEnumerable<WrittenRdsr> files) =>
        Dcmtk.RunAsync("storescu", ["-aet", "MODALITY", "-aec", AlertsAppFixture.AeTitle, "127.0.0.1", fixture.DicomPort.ToString(System.Globalization.CultureInfo.InvariantCulture), .. files.Select(f => f.File)]);

    /// <summary>Waits until every study is in the dose records (extracted).</summary>
    public async Task WaitExtractedAsync(IEnumerable<WrittenRdsr> studies, TimeSpan timeout)
    {
        var doses = new DoseRecordRepository(fixture.Service<IDbConnectionFactory>());
        var deadline = DateTime.UtcNow + timeout;
        foreach (var study in studies)
            while (await doses.GetStudyAsync(study.StudyInstanceUid) is null)
            {
                Assert.True(DateTime.UtcNow < deadline, $"the RDSRs were not all extracted within {timeout.TotalSeconds} s");
                await Task.Delay(100);
            }
    }

    public static async Task<JsonElement> AlertsAsync(HttpClient client, string query) => await client.GetFromJsonAsync<JsonElement>("/api/v1/alerts?" + query);

    public static async Task<JsonElement> WaitForAlertsAsync(HttpClient client, string query, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var page = await AlertsAsync(client, query);
            if (page.GetProperty("total").GetInt64() > 0 || DateTime.UtcNow > deadline) return page;
            await Task.Delay(50);
        }
    }

    public static double Median(IEnumerable<double> values)
    {
        var s = values.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }
}
