using DoseWatch.Dicom.Network.Dimse;
using DoseWatch.Tests;
using DoseWatch.Tests.Network;

namespace DoseWatch.Dicom.Tests.Network;

/// <summary>Our SCU sending to DCMTK storescp and to Orthanc; what they store has the same content as what we sent (dcmdump).</summary>
public class ScuInteropTests
{
    private static readonly string[] Samples = ["openrem/CT-RDSR-GEPixelMed.dcm", "openrem/NM-PetIm-GE.dcm", "openrem/RF-No-kVp-and-others.dcm", "dcm4che/report_dfl.dcm"];

    [SamplesFact]
    public async Task StoreToDcmtkStorescp()
    {
        using var temp = new TempDirectory();
        // +xa: accept every transfer syntax DCMTK knows (deflated too); +B: write the data set bytes as received.
        await using var storescp = await StorescpProcess.StartAsync(Directory.CreateDirectory(temp.File("out")).FullName, "+xa", "+B");
        var files = Samples.Select(SharedSamples.Path_).ToList();
        var results = await FileSender.SendAsync("127.0.0.1", storescp.Port, "DOSEWATCH", StorescpProcess.AeTitle, files);
        Assert.All(results, r => Assert.True(r.Succeeded, $"{r.Path}: {r.Status} {r.Error}"));
        await storescp.AssertReceivedAsync(files);
    }

    [SamplesFact]
    public async Task StoreToOrthanc()
    {
        await using var orthanc = await OrthancProcess.StartAsync();
        using var temp = new TempDirectory();
        var files = Samples.Select(SharedSamples.Path_).ToList();
        var results = await FileSender.SendAsync("127.0.0.1", orthanc.DicomPort, "DOSEWATCH", OrthancProcess.AeTitle, files);
        Assert.All(results, r => Assert.True(r.Succeeded, $"{r.Path}: {r.Status} {r.Error}"));
        var ids = await orthanc.InstanceIdsAsync();
        Assert.Equal(files.Count, ids.Length);
        var received = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var id in ids)
        {
            var path = temp.File(id + ".dcm");
            await orthanc.DownloadAsync(id, path);
            received[await DicomContent.SopInstanceUidAsync(path)] = await DicomContent.DumpAsync(path);
        }
        foreach (var source in files)
            Assert.Equal(await DicomContent.DumpAsync(source), received[await DicomContent.SopInstanceUidAsync(source)]);
    }
}
