using DoseWatch.Core.Backfill;
using DoseWatch.Dicom.Network.Acse;
using DoseWatch.Dicom.Network.QueryRetrieve;

namespace DoseWatch.Core.Tests.Backfill;

public class DoseCarrierSelectionFacts
{
    private const string Study = "1.2.3";

    private static SeriesMatch Series(string uid, string modality, string? description = null) => new(Study, uid, modality, 1, description, null);

    private static InstanceMatch Image(string series, string uid, string? sopClass, int? number) => new(Study, series, uid, sopClass, number);

    [Fact]
    public void A_ct_study_with_an_rdsr_retrieves_the_report_and_no_image()
    {
        IReadOnlyList<SeriesMatch> series = [Series("s.ct", "CT"), Series("s.sr", "SR")];
        var instances = new Dictionary<string, IReadOnlyList<InstanceMatch>>
        {
            ["s.ct"] = [Image("s.ct", "i.1", SopClassUids.CtImage, 1), Image("s.ct", "i.2", SopClassUids.CtImage, 2)],
            ["s.sr"] = [Image("s.sr", "r.1", SopClassUids.XRayRadiationDoseSr, 1)],
        };
        var pick = Assert.Single(DoseCarrierSelection.Select(series, instances));
        Assert.Equal(["r.1"], pick.SopInstanceUids);
    }

    [Fact]
    public void Without_a_report_mr_gives_its_first_image_and_dx_every_image()
    {
        IReadOnlyList<SeriesMatch> series = [Series("s.mr", "MR"), Series("s.dx", "DX"), Series("s.pr", "PR")];
        var instances = new Dictionary<string, IReadOnlyList<InstanceMatch>>
        {
            ["s.mr"] = [Image("s.mr", "m.3", null, 3), Image("s.mr", "m.1", null, 1), Image("s.mr", "m.2", null, 2)],
            ["s.dx"] = [Image("s.dx", "d.1", null, 1), Image("s.dx", "d.2", null, 2)],
        };
        var picks = DoseCarrierSelection.Select(series, instances).ToDictionary(p => p.Series.SeriesInstanceUid, p => p.SopInstanceUids);
        Assert.Equal(["m.1"], picks["s.mr"]);
        Assert.Equal(["d.1", "d.2"], picks["s.dx"]);
        Assert.False(picks.ContainsKey("s.pr"));
        Assert.False(DoseCarrierSelection.MayCarryDose(Series("s.pr", "PR")));
    }

    [Fact]
    public void An_sr_series_whose_sop_class_the_pacs_did_not_return_is_taken_and_a_key_object_is_not()
    {
        IReadOnlyList<SeriesMatch> series = [Series("s.sr", "SR"), Series("s.ko", "SR")];
        var instances = new Dictionary<string, IReadOnlyList<InstanceMatch>>
        {
            ["s.sr"] = [Image("s.sr", "r.1", null, 1)],
            ["s.ko"] = [Image("s.ko", "k.1", "1.2.840.10008.5.1.4.1.1.88.59", 1)],
        };
        var pick = Assert.Single(DoseCarrierSelection.Select(series, instances));
        Assert.Equal(["r.1"], pick.SopInstanceUids);
    }

    [Fact]
    public void A_dose_screen_is_retrieved_beside_the_images()
    {
        IReadOnlyList<SeriesMatch> series = [Series("s.sc", "OT", "Patient Protocol"), Series("s.ot", "OT", "Scout")];
        var instances = new Dictionary<string, IReadOnlyList<InstanceMatch>>
        {
            ["s.sc"] = [Image("s.sc", "p.1", SopClassUids.SecondaryCaptureImage, 1)],
            ["s.ot"] = [Image("s.ot", "o.1", SopClassUids.SecondaryCaptureImage, 1)],
        };
        var pick = Assert.Single(DoseCarrierSelection.Select(series, instances));
        Assert.Equal(("dose screen", "p.1"), (pick.Reason, Assert.Single(pick.SopInstanceUids)));
    }
}
