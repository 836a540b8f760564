using DoseWatch.Dicom.Network.Acse;
using DoseWatch.Dicom.Network.Dimse;
using DoseWatch.Dicom.Network.QueryRetrieve;
using DoseWatch.Tests;
using DoseWatch.Tests.Network;

namespace DoseWatch.Dicom.Tests.Network;

/// <summary>
/// Two real archives, DCMTK dcmqrscp and Orthanc, seeded with three dcmodify-made studies on three dates, and our
/// Store SCP as their move destination DOSEWATCH. Started once for the class.
/// </summary>
public sealed class QueryRetrievePeers : IAsyncLifetime
{
    public TempDirectory Temp { get; } = new();
    public LoopbackScp Destination { get; } = new();
    public DcmqrscpProcess Dcmqrscp { get; private set; } = null!;
    public OrthancProcess Orthanc { get; private set; } = null!;
    public SeededStudy CtMarch1 { get; private set; } = null!;
    public SeededStudy DxMarch15 { get; private set; } = null!;
    public SeededStudy RfApril2 { get; private set; } = null!;
    public IEnumerable<SeededStudy> All => [CtMarch1, DxMarch15, RfApril2];

    public async Task InitializeAsync()
    {
        if (!SharedSamples.Available) return;
        CtMarch1 = await SeededStudies.MakeAsync(Temp, new DateOnly(2024, 3, 1), "QR0001", SharedSamples.Path_("openrem/CT-RDSR-GEPixelMed.dcm"));
        DxMarch15 = await SeededStudies.MakeAsync(Temp, new DateOnly(2024, 3, 15), "QR0002",
            SharedSamples.Path_("openrem/DX-Im-Carestream_DRX.dcm"), SharedSamples.Path_("openrem/DX-RDSR-Canon_CXDI.dcm"));
        RfApril2 = await SeededStudies.MakeAsync(Temp, new DateOnly(2024, 4, 2), "QR0003", SharedSamples.Path_("openrem/RF-RDSR-GE.dcm"));
        var files = All.SelectMany(s => s.Files).ToList();
        Dcmqrscp = await DcmqrscpProcess.StartAsync(files, new Dictionary<string, int> { ["DOSEWATCH"] = Destination.Port });
        Orthanc = await OrthancProcess.StartAsync(new Dictionary<string, (string, int)> { ["dosewatch"] = ("DOSEWATCH", Destination.Port) });
        foreach (var f in files) await Orthanc.UploadAsync(f);
    }

    public (int Port, string AeTitle) Peer(string name) => name switch
    {
        "dcmqrscp" => (Dcmqrscp.Port, DcmqrscpProcess.AeTitle),
        "orthanc" => (Orthanc.DicomPort, OrthancProcess.AeTitle),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    public async Task DisposeAsync()
    {
        if (Dcmqrscp is not null) await Dcmqrscp.DisposeAsync();
        if (Orthanc is not null) await Orthanc.DisposeAsync();
        await Destination.DisposeAsync();
        Temp.Dispose();
    }
}

/// <summary>Our Query/Retrieve SCU (C-FIND, C-MOVE, C-GET, C-CANCEL) against dcmqrscp and Orthanc.</summary>
public class QueryRetrieveScuTests(QueryRetrievePeers peers) : IClassFixture<QueryRetrievePeers>
{
    private const string Ours = "DOSEWATCH";

    private async Task<AssociationRequestor> AssociateAsync(string peer, IReadOnlyCollection<string>? storage = null)
    {
        var (port, ae) = peers.Peer(peer);
        return await AssociationRequestor.ConnectAsync("127.0.0.1", port, AssociationRequestor.QueryRetrieveRequest(Ours, ae, storage, 128 * 1024));
    }

    [SamplesTheory]
    [InlineData("dcmqrscp")]
    [InlineData("orthanc")]
    public async Task FindAtStudySeriesAndImageLevels(string peer)
    {
        await using var qr = await AssociateAsync(peer);
        var studies = await qr.FindAsync(StudyRootQuery.Studies(new DateOnly(2024, 3, 1), new DateOnly(2024, 3, 31)));
        Assert.Equal(StatusCategory.Success, studies.Status.Category);
        var matched = studies.Matches.Select(StudyRootQuery.ReadStudy).OrderBy(s => s.StudyDate).ToList();
        Assert.Equal([peers.CtMarch1.StudyInstanceUid, peers.DxMarch15.StudyInstanceUid], matched.Select(s => s.StudyInstanceUid));
        Assert.Equal([peers.CtMarch1.StudyDate, peers.DxMarch15.StudyDate], matched.Select(s => s.StudyDate));
        Assert.Equal(["QR0001", "QR0002"], matched.Select(s => s.AccessionNumber));

        var series = await qr.FindAsync(StudyRootQuery.Series(peers.DxMarch15.StudyInstanceUid));
        Assert.Equal(StatusCategory.Success, series.Status.Category);
        var seriesMatches = series.Matches.Select(StudyRootQuery.ReadSeries).ToList();
        var expectedSeries = new List<(string, string)>();
        foreach (var f in peers.DxMarch15.Files)
            expectedSeries.Add((await DumpValueAsync(f, "0020,000e"), await DumpValueAsync(f, "0008,0060")));
        Assert.Equal(expectedSeries.Order(), seriesMatches.Select(s => (s.SeriesInstanceUid, s.Modality!)).Order());

        foreach (var f in peers.DxMarch15.Files)
        {
            var seriesUid = await DumpValueAsync(f, "0020,000e");
            var instances = await qr.FindAsync(StudyRootQuery.Instances(peers.DxMarch15.StudyInstanceUid, seriesUid));
            Assert.Equal(StatusCategory.Success, instances.Status.Category);
            var instance = Assert.Single(instances.Matches.Select(StudyRootQuery.ReadInstance));
            Assert.Equal(await DicomContent.SopInstanceUidAsync(f), instance.SopInstanceUid);
            // dcmqrscp's index keeps no SOP Class UID, so it cannot return one (the back-fill then selects by modality).
            if (peer == "orthanc") Assert.Equal(await DumpValueAsync(f, "0008,0016"), instance.SopClassUid);
            else Assert.Null(instance.SopClassUid);
        }
        await qr.ReleaseAsync();
    }

    [SamplesTheory]
    [InlineData("dcmqrscp")]
    [InlineData("orthanc")]
    public async Task MoveSendsTheStudyToOurStoreScp(string peer)
    {
        var study = peers.RfApril2;
        var uid = await DicomContent.SopInstanceUidAsync(study.Files[0]);
        var target = Path.Combine(peers.Destination.Directory, uid + ".dcm");
        File.Delete(target);
        await using var qr = await AssociateAsync(peer);
        var result = await qr.MoveAsync(StudyRootQuery.Retrieve(study.StudyInstanceUid), Ours);
        Assert.Equal(StatusCategory.Success, result.Status.Category);
        Assert.Equal(1, result.Completed);
        Assert.Equal(0, result.Failed);
        await qr.ReleaseAsync();
        Assert.True(File.Exists(target), $"{uid} not received by the move destination");
        Assert.Equal(await DicomContent.DumpAsync(study.Files[0]), await DicomContent.DumpAsync(target));
    }

    [SamplesTheory]
    [InlineData("dcmqrscp")]
    [InlineData("orthanc")]
    public async Task MoveToAnUnknownDestinationIsAFailureStatusNotAnException(string peer)
    {
        await using var qr = await AssociateAsync(peer);
        var result = await qr.MoveAsync(StudyRootQuery.Retrieve(peers.CtMarch1.StudyInstanceUid), "NOSUCHAE");
        // PS3.4 C.4.2.1.5: 0xA801 "Move Destination unknown"; some SCPs answer a general failure instead.
        Assert.Equal(StatusCategory.Failure, result.Status.Category);
        Assert.True((await qr.EchoAsync()).IsSuccess, "the association must still be usable after a failed C-MOVE");
        await qr.ReleaseAsync();
    }

    [SamplesTheory]
    [InlineData("dcmqrscp")]
    [InlineData("orthanc")]
    public async Task GetReceivesTheInstancesOnTheSameAssociation(string peer)
    {
        var study = peers.DxMarch15;
        using var received = new TempDirectory();
        var store = new DirectoryStore(received.Path);
        var classes = new List<string>();
        foreach (var f in study.Files) classes.Add(await DumpValueAsync(f, "0008,0016"));
        await using var qr = await AssociateAsync(peer, classes.Distinct().ToList());
        Assert.All(classes, c => Assert.True(qr.AcceptedScpRole(c), $"{peer} refused our SCP role for {c}"));
        var result = await qr.GetAsync(StudyRootQuery.Retrieve(study.StudyInstanceUid), store);
        Assert.Equal(StatusCategory.Success, result.Status.Category);
        Assert.Equal(study.Files.Count, result.Completed);
        Assert.Equal(study.Files.Count, result.StoredHere);
        await qr.ReleaseAsync();
        foreach (var f in study.Files)
        {
            var path = Path.Combine(received.Path, await DicomContent.SopInstanceUidAsync(f) + ".dcm");
            Assert.Equal(await DicomContent.DumpAsync(f), await DicomContent.DumpAsync(path));
        }
    }

    [SamplesTheory]
    [InlineData("dcmqrscp")]
    [InlineData("orthanc")]
    public async Task CancelEndsAFindAndTheAssociationStaysInStep(string peer)
    {
        await using var qr = await AssociateAsync(peer);
        var result = await qr.FindAsync(StudyRootQuery.Studies(null, null), maxMatches: 1);
        Assert.True(result.Cancelled);
        // The SCP may have sent every match before our C-CANCEL arrived: then it ends with Success, else with Cancel
        // (PS3.4 C.4.1.3.1). Either way its final response was consumed, so the next C-FIND reads only its own answers.
        Assert.Contains(result.Status, new[] { DimseStatus.Cancel, DimseStatus.Success });
        Assert.InRange(result.Matches.Count, 1, 3);
        var again = await qr.FindAsync(StudyRootQuery.Studies(null, null));
        Assert.Equal(3, again.Matches.Count);
        await qr.ReleaseAsync();
    }

    [SamplesTheory]
    [InlineData("dcmqrscp")]
    [InlineData("orthanc")]
    public async Task AFindTheArchiveRefusesIsReportedAndTheAssociationGoesOn(string peer)
    {
        await using var qr = await AssociateAsync(peer);
        // FOO is no Query/Retrieve Level (PS3.4 C.6.2.1): the SCP must fail the request.
        var refused = await qr.FindAsync(new DicomDataSet()
            .SetString(QueryRetrieveTags.QueryRetrieveLevel, DicomVR.CS, "FOO")
            .SetString(DicomTag.PatientId, DicomVR.LO, ""));
        Assert.Equal(StatusCategory.Failure, refused.Status.Category);
        Assert.Empty(refused.Matches);
        var studies = await qr.FindAsync(StudyRootQuery.Studies(null, null));
        Assert.Equal(3, studies.Matches.Count);
        await qr.ReleaseAsync();
    }

    private static async Task<string> DumpValueAsync(string path, string tag)
    {
        var r = await PeerProcess.RunAsync("dcmdump", ["-q", "-Un", "+P", tag, path]);
        var m = System.Text.RegularExpressions.Regex.Match(r.StdOut, @"\[(?<v>[^\]]*)\]");
        return m.Success ? m.Groups["v"].Value : throw new InvalidOperationException($"no {tag} in {path}: {r.All}");
    }
}
