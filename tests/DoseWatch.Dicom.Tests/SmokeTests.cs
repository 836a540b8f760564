namespace DoseWatch.Dicom.Tests;

public class DicomTagTests
{
    [Fact]
    public void Tags_order_by_group_then_element_and_print_like_the_standard()
    {
        var a = new DicomTag(0x0008, 0x0016);
        var b = DicomTag.Parse("(0010,0010)");
        Assert.True(a.CompareTo(b) < 0);
        Assert.Equal("(0010,0010)", b.ToString());
        Assert.True(new DicomTag(0x0009, 0x0010).IsPrivateCreator);
        Assert.False(DicomTag.PatientName.IsPrivate);
    }

    [Fact]
    public void Explicit_VR_long_length_set_matches_PS3_5_table_7_1_1()
    {
        string[] longOnes = ["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"];
        foreach (var name in new[] { "AE", "AS", "AT", "CS", "DA", "DS", "DT", "FL", "FD", "IS", "LO", "LT", "PN", "SH", "SL", "SS", "ST", "TM", "UI", "UL", "US" }.Concat(longOnes))
            Assert.Equal(longOnes.Contains(name), DicomVR.Parse(name).HasLongExplicitLength);
    }
}
