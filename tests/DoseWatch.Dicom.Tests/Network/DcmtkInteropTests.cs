using DoseWatch.Dicom.Network.Acse;
using DoseWatch.Dicom.Network.Dimse;
using DoseWatch.Tests;
using DoseWatch.Tests.Network;

namespace DoseWatch.Dicom.Tests.Network;

/// <summary>DCMTK's echoscu and storescu against our SCP over loopback; stored files are compared with the sent ones through dcmdump.</summary>
public class DcmtkInteropTests
{
    private const string Rdsr = "openrem/CT-RDSR-GEPixelMed.dcm";

    [Fact]
    public async Task EchoscuGetsSuccess()
    {
        await using var scp = new LoopbackScp();
        var r = await PeerProcess.RunAsync("echoscu", ["-aec", "DOSEWATCH", "127.0.0.1", scp.Port.ToString()]);
        Assert.True(r.ExitCode == 0, r.All);
        var record = Assert.Single(await scp.WaitForRecordsAsync(1));
        Assert.Equal((AssociationOutcome.Released, 1, "ECHOSCU"), (record.Outcome, record.Echoes, record.CallingAeTitle));
    }

    /// <summary>
    /// storescu converts the data set to whichever uncompressed syntax we accept; our preference is narrowed to one
    /// syntax per case so that each is really received, and the stored file must carry it and the same content.
    /// </summary>
    [SamplesTheory]
    [InlineData("-xi", "1.2.840.10008.1.2")]
    [InlineData("-xe", "1.2.840.10008.1.2.1")]
    [InlineData("-xb", "1.2.840.10008.1.2.2")]
    [InlineData("-xd", "1.2.840.10008.1.2.1.99")]
    public async Task StorescuInEachUncompressedTransferSyntax(string option, string transferSyntax)
    {
        var policy = new AcceptorPolicy { AeTitle = "DOSEWATCH", TransferSyntaxPreference = [transferSyntax] };
        await using var scp = new LoopbackScp(policy);
        var source = SharedSamples.Path_(Rdsr);
        var r = await PeerProcess.RunAsync("storescu", [option, "-aec", "DOSEWATCH", "127.0.0.1", scp.Port.ToString(), source]);
        Assert.True(r.ExitCode == 0, r.All);
        var stored = Assert.Single(scp.StoredFiles);
        Assert.Contains(transferSyntax, (await PeerProcess.RunAsync("dcmdump", ["-q", "+P", "0002,0010", "-Un", stored])).StdOut);
        Assert.Equal(await DicomContent.DumpAsync(source), await DicomContent.DumpAsync(stored));
    }

    [SamplesFact]
    public async Task StorescuJpegLosslessIsStoredAsReceived()
    {
        using var temp = new TempDirectory();
        var jpeg = temp.File("pet-jpeg.dcm");
        var c = await PeerProcess.RunAsync("dcmcjpeg", ["+e1", SharedSamples.Path_("openrem/NM-PetIm-GE.dcm"), jpeg]);
        Assert.True(c.ExitCode == 0, c.All);
        await using var scp = new LoopbackScp();
        var r = await PeerProcess.RunAsync("storescu", ["-xs", "-aec", "DOSEWATCH", "127.0.0.1", scp.Port.ToString(), jpeg]);
        Assert.True(r.ExitCode == 0, r.All);
        var stored = Assert.Single(scp.StoredFiles);
        Assert.Contains("1.2.840.10008.1.2.4.70", (await PeerProcess.RunAsync("dcmdump", ["-q", "+P", "0002,0010", "-Un", stored])).StdOut);
        Assert.Equal(await DicomContent.DumpAsync(jpeg), await DicomContent.DumpAsync(stored));
        // Encapsulated data are carried, never decoded: the data set bytes are identical.
        Assert.Equal(DataSetBytes(jpeg), DataSetBytes(stored));
    }

    [SamplesFact]
    public async Task ManyFilesInOneAssociation()
    {
        using var temp = new TempDirectory();
        var files = await temp.CopiesWithNewUidsAsync(SharedSamples.Path_(Rdsr), 25, "batch");
        await using var scp = new LoopbackScp();
        var r = await PeerProcess.RunAsync("storescu", ["-aec", "DOSEWATCH", "+sd", "127.0.0.1", scp.Port.ToString(), Path.Combine(temp.Path, "batch")]);
        Assert.True(r.ExitCode == 0, r.All);
        var record = Assert.Single(await scp.WaitForRecordsAsync(1));
        Assert.Equal((AssociationOutcome.Released, files.Length), (record.Outcome, record.InstancesStored));
        var expected = new List<string>();
        foreach (var f in files) expected.Add(await DicomContent.SopInstanceUidAsync(f) + ".dcm");
        Assert.Equal(expected.Order(), scp.StoredFiles.Select(Path.GetFileName).Order());
        Assert.Empty(scp.PartialFiles);
    }

    [SamplesFact]
    public async Task SixteenStorescuProcessesAtOnce()
    {
        using var temp = new TempDirectory();
        var files = await temp.CopiesWithNewUidsAsync(SharedSamples.Path_(Rdsr), 32);
        await using var scp = new LoopbackScp();
        var runs = Enumerable.Range(0, 16).Select(i =>
            PeerProcess.RunAsync("storescu", ["-aet", $"SCU{i}", "-aec", "DOSEWATCH", "127.0.0.1", scp.Port.ToString(), files[2 * i], files[2 * i + 1]], TimeSpan.FromSeconds(90)));
        var results = await Task.WhenAll(runs);
        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.All));
        var records = await scp.WaitForRecordsAsync(16);
        Assert.Equal(16, records.Select(x => x.CallingAeTitle).Distinct().Count());
        Assert.All(records, x => Assert.Equal((AssociationOutcome.Released, 2), (x.Outcome, x.InstancesStored)));
        Assert.Equal(32, scp.StoredFiles.Length);
    }

    [SamplesFact]
    public async Task WrongCalledAeIsRejectedWithReason7()
    {
        await using var scp = new LoopbackScp();
        var r = await PeerProcess.RunAsync("storescu", ["-aec", "NOT_US", "127.0.0.1", scp.Port.ToString(), SharedSamples.Path_(Rdsr)]);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("Called AE Title Not Recognized", r.All);
        Assert.Equal(AssociationOutcome.Rejected, Assert.Single(await scp.WaitForRecordsAsync(1)).Outcome);
        Assert.Empty(scp.StoredFiles);
    }

    [SamplesFact]
    public async Task UnknownCallingAeIsRejectedInStrictModeWithReason3()
    {
        var policy = new AcceptorPolicy { AeTitle = "DOSEWATCH", CallingAeAccess = new CallingAeAccess([new KnownCaller("CT_ROOM_1")], Strict: true) };
        await using var scp = new LoopbackScp(policy);
        var refused = await PeerProcess.RunAsync("storescu", ["-aet", "STRANGER", "-aec", "DOSEWATCH", "127.0.0.1", scp.Port.ToString(), SharedSamples.Path_(Rdsr)]);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("Calling AE Title Not Recognized", refused.All);
        var known = await PeerProcess.RunAsync("storescu", ["-aet", "CT_ROOM_1", "-aec", "DOSEWATCH", "127.0.0.1", scp.Port.ToString(), SharedSamples.Path_(Rdsr)]);
        Assert.True(known.ExitCode == 0, known.All);
        Assert.Single(scp.StoredFiles);
    }

    [SamplesFact]
    public async Task UnsupportedSopClassIsRefused()
    {
        // Only Verification and X-Ray RDSR accepted: a PET image has no presentation context.
        var policy = new AcceptorPolicy { AeTitle = "DOSEWATCH", AbstractSyntaxes = new HashSet<string> { SopClassUids.Verification, SopClassUids.XRayRadiationDoseSr } };
        await using var scp = new LoopbackScp(policy);
        var r = await PeerProcess.RunAsync("storescu", ["-aec", "DOSEWATCH", "127.0.0.1", scp.Port.ToString(), SharedSamples.Path_("openrem/NM-PetIm-GE.dcm")]);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("No presentation context", r.All, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(scp.StoredFiles);
    }

    /// <summary>The bytes after the file meta group, located with dcmdump's own offsets is overkill: the group length tells.</summary>
    private static byte[] DataSetBytes(string path)
    {
        using var s = File.OpenRead(path);
        var meta = FileMetaHeader.ReadAsync(s).GetAwaiter().GetResult();
        return File.ReadAllBytes(path)[(int)meta.DataSetOffset..];
    }
}
