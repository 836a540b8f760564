using System.Net;
using System.Net.Sockets;
using DoseWatch.Dicom.Network.Acse;
using DoseWatch.Dicom.Network.Dimse;
using DoseWatch.Dicom.Network.Pdu;
using DoseWatch.Tests;
using DoseWatch.Tests.Network;

namespace DoseWatch.Dicom.Tests.Network;

/// <summary>A second, independent SCU implementation (PixelMed, Debian libpixelmed-java), and the association limit.</summary>
public class IndependentScuTests
{
    [SamplesFact]
    public async Task PixelMedStorageScuIsServed()
    {
        await using var scp = new LoopbackScp();
        var source = SharedSamples.Path_("openrem/MG-RDSR-Hologic_2D.dcm");
        var r = await PeerProcess.RunAsync("java", ["-cp", "/usr/share/java/pixelmed.jar", "com.pixelmed.network.StorageSOPClassSCU",
            "127.0.0.1", scp.Port.ToString(), "DOSEWATCH", "PIXELMED", source], TimeSpan.FromSeconds(60));
        Assert.True(r.ExitCode == 0, r.All);
        var record = Assert.Single(await scp.WaitForRecordsAsync(1));
        Assert.Equal(("PIXELMED", AssociationOutcome.Released, 1), (record.CallingAeTitle, record.Outcome, record.InstancesStored));
        var stored = Assert.Single(scp.StoredFiles);
        Assert.Equal(await DicomContent.DumpAsync(source), await DicomContent.DumpAsync(stored));
    }

    [SamplesFact]
    public async Task OneAssociationOverTheLimitIsRejectedAsTemporaryCongestion()
    {
        await using var scp = new LoopbackScp(maxAssociations: 1);
        using var holder = new TcpClient { NoDelay = true };
        await holder.ConnectAsync(IPAddress.Loopback, scp.Port);
        var s = holder.GetStream();
        await s.WriteAsync(PduEncoder.Encode(AssociationNegotiation.BuildRequest("HOLDER", "DOSEWATCH", [(SopClassUids.Verification, ["1.2.840.10008.1.2"])], 16384)));
        var header = new byte[6];
        await s.ReadExactlyAsync(header);
        Assert.Equal((byte)PduType.AAssociateAc, header[0]);

        var r = await PeerProcess.RunAsync("storescu", ["-aec", "DOSEWATCH", "127.0.0.1", scp.Port.ToString(), SharedSamples.Path_("openrem/CT-RDSR-GEPixelMed.dcm")]);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("Congestion", r.All, StringComparison.OrdinalIgnoreCase);
        var refused = Assert.Single(await scp.WaitForRecordsAsync(1));
        Assert.Equal(AssociationOutcome.Rejected, refused.Outcome);
        Assert.Empty(scp.StoredFiles);
    }
}
