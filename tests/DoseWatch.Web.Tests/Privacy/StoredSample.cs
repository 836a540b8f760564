using System.Globalization;
using DoseWatch.Core.Access;
using DoseWatch.Tests;
using DoseWatch.Web.Tests.Api;
using DoseWatch.Web.Tests.Jobs;

namespace DoseWatch.Web.Tests.Privacy;

internal static class StoredSample
{
    /// <summary>Sends a sample with storescu to the dose app and returns its Study Instance UID once the study is queryable.</summary>
    public static async Task<string> SendAsync(DoseApp dose, string sample)
    {
        var file = SharedSamples.Path_(sample);
        var studyUid = await Dcmtk.ReadUidAsync(file, "0020,000d");
        await Dcmtk.RunAsync("storescu", "-aec", dose.AeTitle, "127.0.0.1", dose.DicomPort.ToString(CultureInfo.InvariantCulture), file);
        using var client = dose.App.CreateHttpClient(Roles.Viewer);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(await client.GetAsync($"/api/v1/studies/{studyUid}")).IsSuccessStatusCode)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{studyUid} not stored 30 s after storescu");
            await Task.Delay(100);
        }
        return studyUid;
    }
}
