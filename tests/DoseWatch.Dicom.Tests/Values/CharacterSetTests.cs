using System.Text;

namespace DoseWatch.Dicom.Tests.Values;

public class CharacterSetTests
{
    static CharacterSetTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private static readonly DicomTag PatientComments = new(0x0010, 0x4000);
    private static readonly DicomTag OtherPatientNames = new(0x0010, 0x1001);
    private static readonly DicomTag ReferencedStudySequence = new(0x0008, 0x1110);

    private static DicomDataSet WithCharset(string? charset, DicomTag tag, DicomVR vr, byte[] value)
    {
        var ds = new DicomDataSet();
        if (charset is not null) ds.Set(new DicomElement(DicomTag.SpecificCharacterSet, DicomVR.CS, Encoding.ASCII.GetBytes(charset)));
        return ds.Set(new DicomElement(tag, vr, value));
    }

    private static byte[] Bytes(params object[] parts) =>
        parts.SelectMany(p => p switch { string s => Encoding.ASCII.GetBytes(s), byte[] b => b, int i => [(byte)i], _ => throw new ArgumentException() }).ToArray();

    private const int Esc = 0x1B;

    [Theory]
    [InlineData("ISO_IR 100", 28591, "Äneas^Rüdiger")]
    [InlineData("ISO_IR 101", 28592, "Łódź^Świętosław")]
    [InlineData("ISO_IR 144", 28595, "Люксембург^Иван")]
    [InlineData("ISO_IR 126", 28597, "Διονυσιος")]
    [InlineData("ISO_IR 127", 28596, "قباني^لنزار")]
    [InlineData("ISO_IR 138", 28598, "שרון^דבורה")]
    [InlineData("ISO_IR 148", 28599, "Çağlar^Şükrü")]
    [InlineData("ISO_IR 203", 28605, "Œuvre^€")]
    [InlineData("ISO_IR 166", 874, "สวัสดี")]
    [InlineData("ISO_IR 192", 65001, "Wang^XiaoDong=王^小東")]
    [InlineData("GB18030", 54936, "Wang^XiaoDong=王^小东")]
    [InlineData("GBK", 936, "王^小东")]
    public void Single_repertoire_values_decode_with_the_declared_encoding_and_encode_back(string charset, int codePage, string text)
    {
        var bytes = Encoding.GetEncoding(codePage).GetBytes(text); // .NET's own encoder builds the file bytes
        var ds = WithCharset(charset, DicomTag.PatientName, DicomVR.PN, bytes);
        Assert.Equal(text, ds.GetString(DicomTag.PatientName));

        var written = new DicomDataSet().Set(ds.Get(DicomTag.SpecificCharacterSet)!).SetString(PatientComments, DicomVR.LT, text);
        Assert.Equal(bytes, written.Get(PatientComments)!.Value.ToArray().AsSpan(0, bytes.Length).ToArray());
        Assert.Equal(text, written.GetString(PatientComments));
    }

    [Fact]
    public void Default_repertoire_keeps_stray_high_bytes_as_latin1_instead_of_losing_them()
    {
        var ds = WithCharset(null, DicomTag.PatientName, DicomVR.PN, [(byte)'A', 0xE9, (byte)' ']);
        Assert.Equal("Aé", ds.GetString(DicomTag.PatientName));
        Assert.Same(SpecificCharacterSet.Default, ds.CharacterSet);
    }

    [Fact]
    public void Unknown_term_falls_back_to_latin1_with_a_warning()
    {
        var ds = WithCharset("ISO_IR 999", DicomTag.PatientName, DicomVR.PN, [0xC4, (byte)'x']);
        Assert.Equal("Äx", ds.GetString(DicomTag.PatientName));
        Assert.Contains(ds.CharacterSet.Warnings, w => w.Contains("ISO_IR 999", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ISO_IR_100")]
    [InlineData("ISO-IR 100")]
    [InlineData("iso ir100")]
    public void Misspelt_terms_are_understood_and_reported(string term)
    {
        var ds = WithCharset(term, DicomTag.PatientName, DicomVR.PN, [0xC4, (byte)'x']);
        Assert.Equal("Äx", ds.GetString(DicomTag.PatientName));
        Assert.Single(ds.CharacterSet.Warnings);
    }

    [Fact]
    public void Sequence_items_inherit_the_character_set_unless_they_declare_their_own()
    {
        var latin2 = Encoding.GetEncoding(28592).GetBytes("Łódź ");
        var inheriting = new DicomDataSet().Set(new DicomElement(DicomTag.PatientName, DicomVR.PN, latin2));
        var overriding = WithCharset("ISO_IR 192", DicomTag.PatientName, DicomVR.PN, Encoding.UTF8.GetBytes("Łódź"));
        var root = WithCharset("ISO_IR 101", DicomTag.PatientId, DicomVR.LO, [(byte)'1', (byte)' '])
            .Set(new DicomSequence(ReferencedStudySequence, [inheriting, overriding]));
        Assert.Equal("Łódź", inheriting.GetString(DicomTag.PatientName));
        Assert.Equal("Łódź", overriding.GetString(DicomTag.PatientName));
    }

    // PS3.5 Annex H.3.1 example (also pydicom's chrH31.dcm): JIS X 0208 in G0 per component, ASCII between.
    private static readonly byte[] H31 = Bytes("Yamada^Tarou=", Esc, "$B;3ED", Esc, "(B^", Esc, "$BB@O:", Esc, "(B=",
        Esc, "$B$d$^$@", Esc, "(B^", Esc, "$B$?$m$&", Esc, "(B");

    [Fact]
    public void Iso2022_jis_x_0208_person_name_decodes_and_encodes_to_the_standard_example_bytes()
    {
        var expected = "Yamada^Tarou=" + Jis("山田") + "^" + Jis("太郎") + "=" + Jis("やまだ") + "^" + Jis("たろう");
        Assert.Equal("Yamada^Tarou=山田^太郎=やまだ^たろう", expected); // the EUC-JP round trip agrees with the literal text
        var ds = WithCharset("\\ISO 2022 IR 87", DicomTag.PatientName, DicomVR.PN, H31);
        Assert.Equal(expected, ds.GetString(DicomTag.PatientName));
        var name = ds.GetPersonName(DicomTag.PatientName)!;
        Assert.Equal("山田", name.Ideographic.FamilyName);
        Assert.Equal("たろう", name.Phonetic.GivenName);

        var written = new DicomDataSet().Set(ds.Get(DicomTag.SpecificCharacterSet)!).SetString(DicomTag.PatientName, DicomVR.PN, expected);
        Assert.Equal(H31, written.Get(DicomTag.PatientName)!.Value.ToArray());
    }

    // Independent decoding of the kana/kanji: .NET's EUC-JP decoder.
    private static string Jis(string text) => Encoding.GetEncoding(51932).GetString(Encoding.GetEncoding(51932).GetBytes(text));

    [Fact]
    public void Iso2022_korean_g1_designation_is_renewed_after_each_delimiter()
    {
        // PS3.5 Annex I.2 example (pydicom chrI2.dcm): KS X 1001 designated to G1 by ESC $ ) C before each component.
        var euc = Encoding.GetEncoding(51949);
        var bytes = Bytes("Hong^Gildong=", Esc, "$)C", euc.GetBytes("洪"), "^", Esc, "$)C", euc.GetBytes("吉洞"), "=", Esc, "$)C",
            euc.GetBytes("홍"), "^", Esc, "$)C", euc.GetBytes("길동"));
        var ds = WithCharset("\\ISO 2022 IR 149", DicomTag.PatientName, DicomVR.PN, bytes);
        Assert.Equal("Hong^Gildong=洪^吉洞=홍^길동", ds.GetString(DicomTag.PatientName));

        var written = new DicomDataSet().Set(ds.Get(DicomTag.SpecificCharacterSet)!).SetString(DicomTag.PatientName, DicomVR.PN, "Hong^Gildong=洪^吉洞=홍^길동");
        Assert.Equal(bytes, written.Get(DicomTag.PatientName)!.Value.ToArray());
    }

    [Fact]
    public void Iso2022_katakana_in_g1_and_romaji_in_g0_from_value_one()
    {
        // PS3.5 Annex H.3.2 (chrH32.dcm): half-width katakana in G1 without escape, JIS X 0208 after ESC $ B, back with ESC ( J.
        var sjis = Encoding.GetEncoding(932);
        var bytes = Bytes(sjis.GetBytes("ﾔﾏﾀﾞ"), "^", sjis.GetBytes("ﾀﾛｳ"), "=", Esc, "$B;3ED", Esc, "(J^", Esc, "$BB@O:", Esc, "(J");
        var ds = WithCharset("ISO 2022 IR 13\\ISO 2022 IR 87", DicomTag.PatientName, DicomVR.PN, bytes);
        Assert.Equal("ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎", ds.GetString(DicomTag.PatientName));
    }

    [Fact]
    public void A_backslash_byte_inside_a_two_byte_character_is_not_a_value_delimiter()
    {
        var euc = Encoding.GetEncoding(51932);
        var kanji = euc.GetString([0x30 | 0x80, 0x5C | 0x80]); // the JIS X 0208 character whose second byte is 0x5C
        var bytes = Bytes(Esc, "$B", 0x30, 0x5C, Esc, "(B\\A");
        var ds = WithCharset("\\ISO 2022 IR 87", OtherPatientNames, DicomVR.LO, bytes);
        Assert.Equal([kanji, "A"], ds.GetStrings(OtherPatientNames));
    }

    [Fact]
    public void Iso2022_latin_g1_switches_inside_a_value()
    {
        var bytes = Bytes("A", Esc, "-A", 0xC4, Esc, "-B", 0xA3, " ");
        var ds = WithCharset("ISO 2022 IR 100\\ISO 2022 IR 101", PatientComments, DicomVR.LT, bytes);
        Assert.Equal("AÄŁ", ds.GetString(PatientComments));
    }

    [Fact]
    public void Person_name_delimiters_reset_g1_to_value_one()
    {
        // After '^' the initial G1 (Latin-1 from value 1) is in force again, so 0xC4 is Ä, not the Latin-2 letter.
        var bytes = Bytes(Esc, "-B", 0xA3, "^", 0xC4);
        var ds = WithCharset("ISO 2022 IR 100\\ISO 2022 IR 101", DicomTag.PatientName, DicomVR.PN, bytes);
        Assert.Equal("Ł^Ä", ds.GetString(DicomTag.PatientName));
    }

    [Fact]
    public void Unknown_escape_sequences_are_kept_not_dropped()
    {
        var ds = WithCharset("\\ISO 2022 IR 87", PatientComments, DicomVR.LT, Bytes("a", Esc, "%Gb"));
        Assert.Equal("a\u001b%Gb", ds.GetString(PatientComments));
    }

    [Fact]
    public void Unrepresentable_characters_are_a_clear_argument_error()
    {
        var ds = WithCharset("ISO_IR 100", DicomTag.PatientId, DicomVR.LO, [(byte)'1', (byte)' ']);
        var e = Assert.Throws<ArgumentException>(() => ds.SetString(DicomTag.PatientName, DicomVR.PN, "王"));
        Assert.Contains("U+738B", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ds.SetString(DicomTag.Modality, DicomVR.CS, "É"));
    }

    [Fact]
    public void Text_vrs_keep_leading_spaces_and_single_valued_vrs_keep_backslashes()
    {
        var ds = WithCharset(null, PatientComments, DicomVR.LT, Bytes("  a\\b  "));
        Assert.Equal("  a\\b", ds.GetString(PatientComments));
        Assert.Equal(["  a\\b"], ds.GetStrings(PatientComments));
        ds.Set(new DicomElement(DicomTag.Modality, DicomVR.CS, Bytes(" CT\\SR ")));
        Assert.Equal(["CT", "SR"], ds.GetStrings(DicomTag.Modality));
        ds.Set(new DicomElement(DicomTag.SopClassUid, DicomVR.UI, Bytes("1.2.3", 0)));
        Assert.Equal("1.2.3", ds.GetString(DicomTag.SopClassUid));
    }
}
