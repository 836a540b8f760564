using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DoseWatch.Core.Access;
using DoseWatch.Data.Audit;
using DoseWatch.Tests;
using DoseWatch.Web.Api;
using DoseWatch.Web.Tests.Api;
using DoseWatch.Web.Tests.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace DoseWatch.Web.Tests.Devices;

/// <summary>
/// Issue #21: an administrator names a device and the pages that label it (study browser, study page, Devices page)
/// show the name; other roles cannot; the change is in the audit chain. A real DX image is sent with storescu under new
/// UIDs and a serial number of this test's own, so the device is this test's alone in the shared app; its device key is
/// composed from dcmdump's reading of the sent file, not from DoseWatch.
/// </summary>
[Collection(nameof(DoseApp))]
public sealed class DeviceDisplayNameFacts(DoseApp dose)
{
    private const string Sample = "openrem/DX-Im-GE_XR220-1.dcm";

    private async Task<(string StudyUid, string DeviceKey)> SendOwnDeviceAsync()
    {
        var file = Path.Combine(Path.GetTempPath(), $"dw-device-{Guid.NewGuid():N}.dcm");
        File.Copy(SharedSamples.Path_(Sample), file);
        try
        {
            await Dcmtk.RunAsync("dcmodify", "-nb", "-gst", "-gse", "-gin", "-i", $"(0018,1000)=SN{Guid.NewGuid():N}"[..25], file);
            var studyUid = await Dcmtk.ReadUidAsync(file, "0020,000d");
            // DeviceIdentity.Key without a Device Observer UID: manufacturer|model|serial|station, read here by dcmdump.
            var key = string.Join('|', await ValueAsync(file, "0008,0070"), await ValueAsync(file, "0008,1090"), await ValueAsync(file, "0018,1000"),
                await ValueAsync(file, "0008,1010"));
            await Dcmtk.RunAsync("storescu", "-aec", dose.AeTitle, "127.0.0.1", dose.DicomPort.ToString(CultureInfo.InvariantCulture), file);
            await Privacy.StoredSample.WaitUntilServedAsync(dose, studyUid);
            return (studyUid, key);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<string> ValueAsync(string file, string tag)
    {
        var line = await Dcmtk.RunAsync("dcmdump", "-q", "+P", tag, file);
        var start = line.IndexOf('[', StringComparison.Ordinal);
        return line[(start + 1)..line.IndexOf(']', start)].Trim();
    }

    private Task<HttpResponseMessage> RenameAsync(string role, string deviceKey, string name)
    {
        var client = dose.App.CreateHttpClient(role);
        return client.PutAsJsonAsync("/api/v1/devices/display-name", new DeviceDisplayNameChange(deviceKey, name));
    }

    private async Task<string> PageAsync(string path)
    {
        using var client = dose.App.CreateHttpClient(Roles.Physicist);
        return WebUtility.HtmlDecode(await client.GetStringAsync(path));
    }

    [Fact]
    public async Task An_administrators_name_for_a_device_shows_on_the_study_pages_and_the_devices_page()
    {
        var (studyUid, deviceKey) = await SendOwnDeviceAsync();
        var name = $"Ward 7 mobile {Guid.NewGuid():N}"[..20];
        var studies = "/studies" + new StudyFilter { Device = deviceKey, From = new DateOnly(1990, 1, 1), To = new DateOnly(2100, 1, 1) }.ToQueryString();
        var devicePage = "/devices?device=" + Uri.EscapeDataString(deviceKey);
        Assert.Contains("01234MOB54 · Optima XR220 · GE Healthcare", await PageAsync(studies));

        using (var refused = await RenameAsync(Roles.Physicist, deviceKey, name)) Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using (var unknown = await RenameAsync(Roles.Administrator, "uid:2.25.404", name)) Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.DoesNotContain(name, await PageAsync(studies));

        using (var renamed = await RenameAsync(Roles.Administrator, deviceKey, name))
        {
            Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
            Assert.Equal(name, (await renamed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("label").GetString());
        }
        Assert.Matches($"data-field=\"device\"[^>]*>{System.Text.RegularExpressions.Regex.Escape(name)}</td>", await PageAsync(studies));
        Assert.Contains(name, await PageAsync("/studies/" + Uri.EscapeDataString(studyUid)));
        Assert.Matches($"data-device=\"{System.Text.RegularExpressions.Regex.Escape(deviceKey)}\"[^>]*>{System.Text.RegularExpressions.Regex.Escape(name)}</a>", await PageAsync(devicePage));
        Assert.Equal(name, await ExportedDeviceAsync(studies, studyUid));

        var audit = (await dose.App.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery(Action: "device.rename", PageSize: 100))).Items;
        var entry = Assert.Single(audit, e => e.Target == deviceKey);
        Assert.Equal("apikey:" + TestAccounts.ApiKeyName(Roles.Administrator), entry.Actor);
        Assert.Equal($"'' -> '{name}'", entry.Detail);

        // A blank name gives the device its studies' name back.
        using (var removed = await RenameAsync(Roles.Administrator, deviceKey, " ")) Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        var after = await PageAsync(studies);
        Assert.DoesNotContain(name, after);
        Assert.Contains("01234MOB54 · Optima XR220 · GE Healthcare", after);
        Assert.Equal("01234MOB54 · Optima XR220 · GE Healthcare", await ExportedDeviceAsync(studies, studyUid));
    }

    /// <summary>The "Device" cell of the study's row in the CSV export with the browser's filters.</summary>
    private async Task<string> ExportedDeviceAsync(string studiesPage, string studyUid)
    {
        using var client = dose.App.CreateHttpClient(Roles.Physicist);
        var csv = Studies.ExportReading.Csv(await client.GetStringAsync("/api/v1/studies/export" + studiesPage["/studies".Length..] + "&format=csv"));
        var row = Assert.Single(csv.Skip(1), r => r[csv[0].IndexOf("Study instance UID")] == studyUid);
        return row[csv[0].IndexOf("Device")];
    }
}
