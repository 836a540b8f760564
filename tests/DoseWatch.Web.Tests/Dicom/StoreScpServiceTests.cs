using System.Net.Http.Json;
using DoseWatch.Data.Repositories;
using DoseWatch.Dicom.Network.Dimse;
using DoseWatch.Tests;
using DoseWatch.Tests.Network;
using Microsoft.Extensions.Options;

namespace DoseWatch.Web.Tests.Dicom;

/// <summary>The product's Store SCP as registered in DoseWatch.Web, driven by DCMTK and Orthanc over loopback.</summary>
public class StoreScpServiceTests
{
    private const string Rdsr = "openrem/CT-RDSR-Siemens-Multi-1.dcm";

    [SamplesFact]
    public async Task StorescuInstanceLandsInTheInboxOnceAndReachesTheSink()
    {
        await using var scp = await StoreScpHost.StartAsync();
        var source = SharedSamples.Path_(Rdsr);
        var echo = await PeerProcess.RunAsync("echoscu", ["-aec", "DOSEWATCH", "127.0.0.1", scp.Port.ToString()]);
        Assert.True(echo.ExitCode == 0, echo.All);
        for (var i = 0; i < 2; i++)
        {
            var r = await PeerProcess.RunAsync("storescu", ["-aet", "CT_ROOM_1", "-aec", "DOSEWATCH", "127.0.0.1", scp.Port.ToString(), source]);
            Assert.True(r.ExitCode == 0, r.All);  // the duplicate is answered with Success as well
        }
        var uid = await DicomContent.SopInstanceUidAsync(source);
        var stored = Assert.Single(scp.InboxFiles);
        Assert.Equal(Path.Combine(scp.Inbox, uid + ".dcm"), stored);
        Assert.Equal(await DicomContent.DumpAsync(source), await DicomContent.DumpAsync(stored));
        Assert.Equal([false, true], scp.Sink.Received.Select(x => x.WasDuplicate));
        Assert.All(scp.Sink.Received, x => Assert.Equal(("CT_ROOM_1", uid), (x.Parties.CallingAeTitle, x.SopInstanceUid)));

        // Every association is journaled for the activity view: echo, then two stores.
        var rows = await WaitForRowsAsync(scp, 3);
        Assert.Equal(["Released", "Released", "Released"], rows.Select(r => r.Outcome));
        Assert.Equal(1, rows.Single(r => r.CallingAe == "ECHOSCU").Echoes);
        Assert.All(rows.Where(r => r.CallingAe == "CT_ROOM_1"), r =>
        {
            Assert.Equal(1, r.InstancesStored);
            Assert.True(r.BytesReceived > new FileInfo(source).Length / 2);
            Assert.Contains("1.2.840.10008.5.1.4.1.1.88.67", r.AcceptedContexts);
            Assert.True(r.UnknownDevice);  // no allow-list configured: accepted, flagged
        });
    }

    [SamplesFact]
    public async Task StrictModeRejectsUnknownCallersAndCallersFromOtherAddresses()
    {
        await using var scp = await StoreScpHost.StartAsync(new Dictionary<string, string?>
        {
            ["Dicom:AcceptUnknownDevices"] = "false",
            ["Dicom:KnownDevices:0:AeTitle"] = "CT_ROOM_1",
            ["Dicom:KnownDevices:0:Addresses:0"] = "127.0.0.1",
            ["Dicom:KnownDevices:1:AeTitle"] = "MG_ROOM_2",
            ["Dicom:KnownDevices:1:Addresses:0"] = "10.1.2.3",
        });
        var file = SharedSamples.Path_(Rdsr);
        var unknown = await PeerProcess.RunAsync("storescu", ["-aet", "STRANGER", "-aec", "DOSEWATCH", "127.0.0.1", scp.Port.ToString(), file]);
        Assert.Contains("Calling AE Title Not Recognized", unknown.All);
        var wrongAddress = await PeerProcess.RunAsync("storescu", ["-aet", "MG_ROOM_2", "-aec", "DOSEWATCH", "127.0.0.1", scp.Port.ToString(), file]);
        Assert.Contains("Calling AE Title Not Recognized", wrongAddress.All);
        var wrongCalled = await PeerProcess.RunAsync("storescu", ["-aet", "CT_ROOM_1", "-aec", "PACS", "127.0.0.1", scp.Port.ToString(), file]);
        Assert.Contains("Called AE Title Not Recognized", wrongCalled.All);
        Assert.Empty(scp.InboxFiles);
        var known = await PeerProcess.RunAsync("storescu", ["-aet", "CT_ROOM_1", "-aec", "DOSEWATCH", "127.0.0.1", scp.Port.ToString(), file]);
        Assert.True(known.ExitCode == 0, known.All);
        Assert.Single(scp.InboxFiles);
        var rows = await WaitForRowsAsync(scp, 4);
        Assert.Equal(3, rows.Count(r => r.Outcome == "Rejected"));
        Assert.False(rows.Single(r => r.Outcome == "Released").UnknownDevice);
    }

    /// <summary>The PACS-forwarding path: Orthanc holds a study and pushes it to DoseWatch through its REST API.</summary>
    [SamplesFact]
    public async Task OrthancPushesAStudyThroughItsRestApi()
    {
        await using var scp = await StoreScpHost.StartAsync();
        await using var orthanc = await OrthancProcess.StartAsync(new Dictionary<string, (string, int)> { ["dosewatch"] = ("DOSEWATCH", scp.Port) });
        string[] samples = ["openrem/NM-CT-RDSR-Siemens.dcm", "openrem/NM-PetIm-Siemens.dcm", "openrem/NM-RRDSR-Siemens.dcm"];
        var ids = new List<string>();
        foreach (var s in samples) ids.Add(await orthanc.UploadAsync(SharedSamples.Path_(s)));
        var response = await orthanc.Http.PostAsJsonAsync("modalities/dosewatch/store", ids);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        Assert.Equal(samples.Length, scp.InboxFiles.Length);
        foreach (var s in samples)
        {
            var source = SharedSamples.Path_(s);
            var stored = Path.Combine(scp.Inbox, await DicomContent.SopInstanceUidAsync(source) + ".dcm");
            Assert.Equal(await DicomContent.DumpAsync(source), await DicomContent.DumpAsync(stored));
        }
        // Orthanc may open one association per study; together they carried every instance.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        IReadOnlyList<DicomAssociation> rows;
        do rows = await WaitForRowsAsync(scp, 1);
        while (rows.Sum(r => r.InstancesStored) < samples.Length && DateTime.UtcNow < deadline);
        Assert.All(rows, r => Assert.Equal((OrthancProcess.AeTitle, "Released"), (r.CallingAe, r.Outcome)));
        Assert.Equal(samples.Length, rows.Sum(r => r.InstancesStored));
    }

    [Theory]
    [InlineData("Dicom:AeTitle", "THIS_TITLE_IS_TOO_LONG")]
    [InlineData("Dicom:AeTitle", "BACK\\SLASH")]
    [InlineData("Dicom:MaxAssociations", "0")]
    [InlineData("Dicom:BindAddress", "not-an-address")]
    [InlineData("Dicom:KnownDevices:0:AeTitle", "")]
    [InlineData("Dicom:Tls:Enabled", "true")]
    public async Task InvalidOptionsStopTheStart(string key, string value)
    {
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => StoreScpHost.StartAsync(new Dictionary<string, string?> { [key] = value }));
        Assert.NotEmpty(e.Failures);
    }

    private static async Task<IReadOnlyList<DicomAssociation>> WaitForRowsAsync(StoreScpHost scp, int count)
    {
        var repository = new AssociationRepository(scp.Database);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var rows = await repository.ListRecentAsync(100);
            if (rows.Count >= count || DateTime.UtcNow > deadline) return rows;
            await Task.Delay(25);
        }
    }
}
