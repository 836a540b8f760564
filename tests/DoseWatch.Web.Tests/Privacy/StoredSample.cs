using System.Globalization;
using DoseWatch.Core.Access;
using DoseWatch.Tests;
using DoseWatch.Web.Tests.Api;
using DoseWatch.Web.Tests.Jobs;

namespace DoseWatch.Web.Tests.Privacy;

public static class StoredSample
{
    /// <summary>Sends a sample with storescu to the dose app and returns its Study Instance UID once the study is queryable.</summary>
    public static async Task<string> SendAsync(DoseApp dose, string sample)
    {
        var file = SharedSamples.Path_(sample);
        var studyUid = await Dcmtk.ReadUidAsync(file, "0020,000d");
        await Dcmtk.RunAsync("storescu", "-aec", dose.AeTitle, "127.0.0.1", dose.DicomPort.ToString(CultureInfo.InvariantCulture), file);
        await WaitUntilServedAsync(dose, studyUid);
        return studyUid;
    }

    /// <summary>Returns once the API serves the study (extraction is asynchronous after storescu returns).</summary>
    public static async Task WaitUntilServedAsync(DoseApp dose, string studyUid)
    {
        using var client = dose.App.CreateHttpClient(Roles.Viewer);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(await client.GetAsync($"/api/v1/studies/{studyUid}")).IsSuccessStatusCode)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{studyUid} not stored 30 s after storescu");
            await Task.Delay(100);
        }
    }
}
