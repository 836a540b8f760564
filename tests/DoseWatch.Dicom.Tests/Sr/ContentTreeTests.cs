using System.Buffers.Binary;
using DoseWatch.Dicom.Sr;
using DoseWatch.Dicom.Sr.Codes;
using static DoseWatch.Dicom.Tests.Sr.SrBuilder;

namespace DoseWatch.Dicom.Tests.Sr;

public class ContentTreeTests
{
    private static readonly (string, string, string) Title = ("113701", "DCM", "X-Ray Radiation Dose Report");
    private static readonly (string, string, string) Accumulated = ("113811", "DCM", "CT Accumulated Dose Data");
    private static readonly (string, string, string) DlpTotal = ("113813", "DCM", "CT Dose Length Product Total");
    private static readonly (string, string, string) Event = ("113819", "DCM", "CT Acquisition");
    private static readonly (string, string, string) CtDose = ("113829", "DCM", "CT Dose");
    private static readonly (string, string, string) Ctdi = ("113830", "DCM", "Mean CTDIvol");
    private static readonly (string, string, string) Dlp = ("113838", "DCM", "DLP");
    private static readonly (string, string, string) TargetRegion = ("123014", "DCM", "Target Region");

    /// <summary>A TID 10011-shaped document with the vendor habits the view must tolerate.</summary>
    private static DicomDataSet Document()
    {
        var root = Item(null, "CONTAINER", Title, children:
        [
            Code("HAS CONCEPT MOD", ("121058", "DCM", "Procedure reported"), ("P5-08000", "SRT", "Computed Tomography X-Ray")),
            Item("HAS OBS CONTEXT", "UIDREF", ("121012", "DCM", "Device Observer UID"), [Text(SrTags.Uid, DicomVR.UI, "1.2.3.4")]),
            Item("HAS OBS CONTEXT", "DATETIME", ("113809", "DCM", "Start of X-Ray Irradiation"), [Text(SrTags.DateTime, DicomVR.DT, "20190102142305+0100")]),
            Item("CONTAINS", "CONTAINER", Accumulated, children: [Num(DlpTotal, "1234.5", "mGy.cm")]),
            Item("CONTAINS", "CONTAINER", Event, children:
            [
                Code("CONTAINS", TargetRegion, ("T-D3000", "SRT", "Chest")),
                Item("CONTAINS", "TEXT", ("125203", "DCM", "Acquisition Protocol"), [Text(SrTags.TextValue, DicomVR.UT, "Thorax ")]),
                Item(null, "CONTAINER", CtDose, children: // RelationshipType missing, as some devices send
                [
                    Num(Ctdi, "12.3", "mGy", floating: [12.3456789]),
                    Num(Dlp, "", "mGy.cm"),
                ]),
            ]),
            Item("CONTAINS", "CONTAINER", Event, children:
            [
                Item("CONTAINS", "CONTAINER", CtDose, children: [Num(Ctdi, "4.5", "mGy"), Num(Dlp, null, null)]),
                Num(("113733", "DCM", "KVP"), "80\\100\\120", "kV"),
                Item("CONTAINS", "PNAME", ("113870", "DCM", "Person Name"), [Text(SrTags.PersonName, DicomVR.PN, "Doe^Jane")]),
                Item("CONTAINS", "IMAGE", ("121191", "DCM", "Referenced Segment"),
                    [new DicomSequence(SrTags.ReferencedSopSequence, [new DicomDataSet([Text(SrTags.ReferencedSopClassUid, DicomVR.UI, "1.2.840.10008.5.1.4.1.1.2"), Text(SrTags.ReferencedSopInstanceUid, DicomVR.UI, "1.2.3.5")])])]),
                ByReference("INFERRED FROM", 1, 5, 3),
            ]),
        ]);
        root.Set(Text(SrTags.ObservationDateTime, DicomVR.DT, "20190102150000"));
        root.Set(Text(SrTags.ContinuityOfContent, DicomVR.CS, "SEPARATE"));
        root.Set(new DicomSequence(SrTags.ContentTemplateSequence,
            [new DicomDataSet([Text(SrTags.MappingResource, DicomVR.CS, "DCMR"), Text(SrTags.TemplateIdentifier, DicomVR.CS, "10011")])]));
        return root;
    }

    private static DicomDataSet ByReference(string relationship, params uint[] path)
    {
        var bytes = new byte[4 * path.Length];
        for (var i = 0; i < path.Length; i++) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4 * i), path[i]);
        return Item(relationship, null, null, [new DicomElement(SrTags.ReferencedContentItemIdentifier, DicomVR.UL, bytes)]);
    }

    [Fact]
    public void The_root_carries_the_title_and_template()
    {
        var doc = SrDocument.From(Document());
        Assert.Equal(CtDoseCodes.XRayRadiationDoseReport, doc.Title);
        Assert.Equal("10011", doc.TemplateIdentifier);
        Assert.Equal("DCMR", doc.MappingResource);
        Assert.Equal(SrValueType.Container, doc.Root.ValueType);
        Assert.Equal(RelationshipType.None, doc.Root.RelationshipType);
        Assert.Equal(new DateTime(2019, 1, 2, 15, 0, 0), doc.Root.ObservationDateTime!.Value.DateTime);
        Assert.Equal("SEPARATE", doc.Root.ContinuityOfContent);
    }

    [Fact]
    public void Lookups_use_the_code_and_find_legacy_srt_codes_by_their_sct_replacement()
    {
        var root = SrDocument.From(Document()).Root;
        Assert.Equal(CtDoseCodes.ComputedTomographyXRay, root.Child(CommonSrCodes.ProcedureReported)!.Code);
        Assert.Equal(new CodedConcept("51185008", "SCT"), root.Find(CommonSrCodes.TargetRegion)!.Code);
        Assert.Equal(2, root.Children(CtDoseCodes.CtAcquisition).Count());
        Assert.Empty(root.Children(CtDoseCodes.MeanCtdiVol)); // not a direct child
        Assert.Equal("1.2.3.4", root.Child(CommonSrCodes.DeviceObserverUid)!.Uid);
    }

    [Fact]
    public void Num_items_give_value_and_units_and_prefer_the_floating_point_value()
    {
        var root = SrDocument.From(Document()).Root;
        var dlp = root.FirstNum(CtDoseCodes.CtDoseLengthProductTotal)!;
        Assert.Equal(1234.5, dlp.Value);
        Assert.Equal(UcumUnits.MilliGrayCentimetre, dlp.Units);
        Assert.Equal(12.3456789, root.FirstNum(CtDoseCodes.MeanCtdiVol)!.Value);
        Assert.Equal("12.3", root.FirstNum(CtDoseCodes.MeanCtdiVol)!.NumericValueText);
    }

    [Fact]
    public void A_num_without_a_number_has_a_null_value_not_zero()
    {
        var root = SrDocument.From(Document()).Root;
        var dlps = root.FindAll(CtDoseCodes.Dlp).Select(i => i.MeasuredValue!).ToList();
        Assert.Equal(2, dlps.Count);
        Assert.All(dlps, d => Assert.Null(d.Value));
        Assert.Null(dlps[1].Units); // empty Measured Value Sequence: no units either
    }

    [Fact]
    public void Multi_valued_numeric_values_are_all_kept()
    {
        var kvp = SrDocument.From(Document()).Root.FirstNum(CtDoseCodes.Kvp)!;
        Assert.Equal([80.0, 100.0, 120.0], kvp.Values);
        Assert.Equal(80.0, kvp.Value);
    }

    [Fact]
    public void Missing_relationship_type_is_tolerated_and_other_value_types_are_read()
    {
        var root = SrDocument.From(Document()).Root;
        var ctDose = root.Find(CtDoseCodes.CtDose)!;
        Assert.Equal(RelationshipType.None, ctDose.RelationshipType);
        Assert.Equal(2, ctDose.Content.Count);
        Assert.Equal("Thorax", root.Find(CommonSrCodes.AcquisitionProtocol)!.Text);
        Assert.Equal(new DateTimeOffset(2019, 1, 2, 14, 23, 5, TimeSpan.FromHours(1)), root.Find(CtDoseCodes.StartOfXRayIrradiation)!.DateTime!.Value.ToDateTimeOffset());
        Assert.Equal("Jane", root.Find(CommonSrCodes.PersonName)!.PersonName!.Alphabetic.GivenName);
        var image = root.Find(new CodedConcept("121191", "DCM"))!;
        Assert.Equal(SrValueType.Image, image.ValueType);
        Assert.Equal("1.2.3.5", image.ReferencedSops.Single().SopInstanceUid);
        Assert.Null(image.Text); // accessor of another value type
    }

    [Fact]
    public void By_reference_items_resolve_to_their_target()
    {
        var doc = SrDocument.From(Document());
        var byRef = doc.Root.Descendants().Single(i => i.IsByReference);
        Assert.Equal(SrValueType.None, byRef.ValueType);
        Assert.Equal(RelationshipType.InferredFrom, byRef.RelationshipType);
        var target = byRef.ReferencedItem!;
        Assert.Equal(CtDoseCodes.CtDose, target.ConceptName);
        Assert.Same(doc.Root.Content[4].Content[2], target);
        Assert.Null(doc.Resolve([1, 9]));
        Assert.Null(doc.Resolve([2]));
        Assert.Null(doc.Resolve([]));
    }

    [Fact]
    public void Paths_and_document_order()
    {
        var root = SrDocument.From(Document()).Root;
        Assert.Equal(12.3456789, root.Find(CtDoseCodes.CtAcquisition, CtDoseCodes.CtDose, CtDoseCodes.MeanCtdiVol)!.MeasuredValue!.Value);
        Assert.Null(root.Find(CtDoseCodes.CtAcquisition, CtDoseCodes.Dlp));
        var order = root.Descendants().Select(i => i.ConceptName?.CodeValue ?? "-").ToArray();
        Assert.Equal(["121058", "121012", "113809", "113811", "113813", "113819", "123014", "125203", "113829", "113830", "113838",
            "113819", "113829", "113830", "113838", "113733", "113870", "121191", "-"], order);
    }

    [Fact]
    public void A_very_deep_tree_is_walked_without_recursion()
    {
        var leaf = Num(DlpTotal, "7", "mGy.cm");
        for (var i = 0; i < 3000; i++) leaf = Item("CONTAINS", "CONTAINER", Event, children: [leaf]);
        var root = SrDocument.From(Item(null, "CONTAINER", Title, children: [leaf])).Root;
        Assert.Equal(7.0, root.FirstNum(CtDoseCodes.CtDoseLengthProductTotal)!.Value);
        Assert.Equal(3001, root.Descendants().Count());
    }

    [Fact]
    public void A_data_set_without_sr_content_gives_an_empty_tree_not_an_error()
    {
        var doc = SrDocument.From(new DicomDataSet());
        Assert.Null(doc.Title);
        Assert.Empty(doc.Root.Content);
        Assert.Null(doc.Root.Find(CtDoseCodes.Dlp));
        Assert.False(doc.IsStructuredReportSopClass);
    }
}
