using System.Text;

namespace DoseWatch.Dicom.Tests.Values;

public class CodedConceptTests
{
    [Fact]
    public void Concepts_compare_by_value_and_scheme_never_by_meaning()
    {
        var a = new CodedConcept("113930", "DCM", "Size Specific Dose Estimation");
        var b = new CodedConcept("113930", "DCM", "Size Specific Dose Estimate");
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, new CodedConcept("113930", "99VENDOR", "Size Specific Dose Estimation"));
    }

    [Fact]
    public void Spacing_and_case_are_forgiven_except_in_ucum()
    {
        Assert.Equal(new CodedConcept("113813", "DCM"), new CodedConcept(" 113813 ", "dcm "));
        Assert.Equal(new CodedConcept("r-0038d", "srt"), new CodedConcept("R-0038D", "SRT"));
        Assert.NotEqual(new CodedConcept("mm", "UCUM"), new CodedConcept("Mm", "UCUM"));
        Assert.Equal(new CodedConcept("mGy", "UCUM"), new CodedConcept("mGy ", "UCUM"));
    }

    [Fact]
    public void Legacy_snomed_rt_codes_equal_their_snomed_ct_replacements()
    {
        var chest = new CodedConcept("51185008", "SCT", "Chest");
        Assert.Equal(chest, new CodedConcept("T-D3000", "SRT", "Chest"));
        Assert.Equal(chest, new CodedConcept("T-D3000", "SNM3", "Chest"));
        Assert.Equal(chest.GetHashCode(), new CodedConcept("T-D3000", "SRT").GetHashCode());
        Assert.NotEqual(chest, new CodedConcept("T-D4000", "SRT"));
        Assert.NotEqual(new CodedConcept("T-XXXXX", "SRT"), new CodedConcept("T-XXXXX", "SCT"));
    }

    [Fact]
    public void With_expressions_recompute_the_comparison_key()
    {
        var a = new CodedConcept("113813", "DCM");
        Assert.NotEqual(a, a with { CodeValue = "113838" });
        Assert.Equal(new CodedConcept("113838", "DCM"), a with { CodeValue = "113838" });
    }

    [Fact]
    public void Code_items_read_code_value_then_long_code_value_then_urn()
    {
        static DicomDataSet Item(params (DicomTag Tag, DicomVR VR, string Text)[] e) =>
            new(e.Select(x => new DicomElement(x.Tag, x.VR, Encoding.ASCII.GetBytes(x.Text.Length % 2 == 1 ? x.Text + " " : x.Text))));
        var plain = Item((CodeTags.CodeValue, DicomVR.SH, "113813"), (CodeTags.CodingSchemeDesignator, DicomVR.SH, "DCM"),
            (CodeTags.CodeMeaning, DicomVR.LO, "CT Dose Length Product Total"), (CodeTags.CodingSchemeVersion, DicomVR.SH, "01"));
        var longCode = Item((CodeTags.LongCodeValue, DicomVR.UC, "12345678901234567890"), (CodeTags.CodingSchemeDesignator, DicomVR.SH, "99X"));
        var urn = Item((CodeTags.UrnCodeValue, DicomVR.UR, "urn:oid:1.2.3"));
        var incomplete = Item((CodeTags.CodeMeaning, DicomVR.LO, "meaning only"));
        var seq = new DicomTag(0x0040, 0xA043);
        var ds = new DicomDataSet().Set(new DicomSequence(seq, [incomplete, plain, longCode, urn]));

        var first = ds.GetCodedConcept(seq)!;
        Assert.Equal(("113813", "DCM", "CT Dose Length Product Total", "01"), (first.CodeValue, first.CodingSchemeDesignator, first.CodeMeaning, first.CodingSchemeVersion));
        var all = ds.GetCodedConcepts(seq);
        Assert.Equal(["113813", "12345678901234567890", "urn:oid:1.2.3"], all.Select(c => c.CodeValue));
        Assert.Equal("", all[2].CodingSchemeDesignator);
    }
}
