using System.Buffers.Binary;
using System.Text;

namespace DoseWatch.Dicom.Tests.Values;

public class ValueParsingTests
{
    private static readonly DicomTag SliceThickness = new(0x0018, 0x0050);          // DS
    private static readonly DicomTag FilterThickness = new(0x0018, 0x7052);         // DS 1-n
    private static readonly DicomTag Exposure = new(0x0018, 0x1152);                // IS
    private static readonly DicomTag ContentTime = new(0x0008, 0x0033);            // TM
    private static readonly DicomTag AcquisitionDateTime = new(0x0008, 0x002A);    // DT
    private static readonly DicomTag StudyTime = new(0x0008, 0x0030);

    private static DicomDataSet One(DicomTag tag, DicomVR vr, string ascii) =>
        new DicomDataSet().Set(new DicomElement(tag, vr, Encoding.Latin1.GetBytes(ascii)));

    [Theory]
    [InlineData("1.5 ", 1.5)]
    [InlineData(" 1.5", 1.5)]        // leading space
    [InlineData("1.5\0", 1.5)]       // NUL padding
    [InlineData("+2.50E-1", 0.25)]   // sign and exponent are legal DS
    [InlineData(".5", 0.5)]
    [InlineData("7.", 7.0)]
    public void Decimal_strings_parse_leniently(string text, double expected)
    {
        var ds = One(SliceThickness, DicomVR.DS, text);
        Assert.Equal(expected, ds.GetDouble(SliceThickness));
        Assert.Equal((decimal)expected, ds.GetDecimal(SliceThickness));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("abc")]
    [InlineData("NaN")]
    [InlineData("1..2")]
    public void Unreadable_or_empty_decimal_strings_are_null_not_zero(string text)
    {
        var ds = One(SliceThickness, DicomVR.DS, text);
        Assert.Null(ds.GetDouble(SliceThickness));
        Assert.Null(ds.GetDecimal(SliceThickness));
    }

    [Theory]
    [InlineData("0.1\\0.25")]
    [InlineData("0.1,0.25")]   // Carestream-style comma delimiter
    [InlineData("0.1/0.25")]   // slash delimiter
    [InlineData("0.1 \\ 0.25 ")]
    public void Multi_valued_decimal_strings_split_on_backslash_or_the_vendor_delimiters(string text)
    {
        var ds = One(FilterThickness, DicomVR.DS, text);
        Assert.Equal([0.1, 0.25], ds.GetDoubles(FilterThickness));
        Assert.Equal(0.25, ds.GetDouble(FilterThickness, 1));
        Assert.Null(ds.GetDouble(FilterThickness, 2));
    }

    [Fact]
    public void Empty_values_keep_their_position()
    {
        var ds = One(FilterThickness, DicomVR.DS, "1\\\\3");
        Assert.Equal([1.0, null, 3.0], ds.GetDoubles(FilterThickness));
    }

    [Theory]
    [InlineData("120", 120L)]
    [InlineData(" -3 ", -3L)]
    [InlineData("120.0", 120L)]    // decimals in IS
    [InlineData("12.5", 13L)]      // fractional IS rounds half away from zero
    [InlineData("-12.5", -13L)]
    public void Integer_strings_parse_leniently(string text, long expected)
    {
        Assert.Equal(expected, One(Exposure, DicomVR.IS, text).GetInteger(Exposure));
        Assert.Equal((int)expected, One(Exposure, DicomVR.IS, text).GetInt32(Exposure));
    }

    [Fact]
    public void Integers_beyond_int_range_are_null_as_int32_but_kept_as_int64()
    {
        var ds = One(Exposure, DicomVR.IS, "3000000000");
        Assert.Equal(3_000_000_000L, ds.GetInteger(Exposure));
        Assert.Null(ds.GetInt32(Exposure));
    }

    [Theory]
    [InlineData("20190102", 2019, 1, 2)]
    [InlineData("2019.01.02", 2019, 1, 2)] // ACR-NEMA
    [InlineData("2019-01-02", 2019, 1, 2)]
    [InlineData("201901", 2019, 1, 1)]
    [InlineData("2019 ", 2019, 1, 1)]
    public void Dates(string text, int y, int m, int d) =>
        Assert.Equal(new DateOnly(y, m, d), One(DicomTag.StudyDate, DicomVR.DA, text).GetDate(DicomTag.StudyDate));

    [Theory]
    [InlineData("20190230")]
    [InlineData("2019013")]
    [InlineData("2019x102")]
    [InlineData("00000000")]
    public void Impossible_dates_are_null(string text) => Assert.Null(One(DicomTag.StudyDate, DicomVR.DA, text).GetDate(DicomTag.StudyDate));

    [Theory]
    [InlineData("142305.123", 14, 23, 5, 123000)]
    [InlineData("142305.000001", 14, 23, 5, 1)]
    [InlineData("14:23:05", 14, 23, 5, 0)] // ACR-NEMA
    [InlineData("14:23:05.5", 14, 23, 5, 500000)]
    [InlineData("1423", 14, 23, 0, 0)]
    [InlineData("14", 14, 0, 0, 0)]
    [InlineData("235960", 23, 59, 59, 999999)] // leap second
    public void Times(string text, int h, int m, int s, int micro) =>
        Assert.Equal(new TimeOnly(h, m, s).Add(TimeSpan.FromMicroseconds(micro)), One(ContentTime, DicomVR.TM, text).GetTime(ContentTime));

    [Theory]
    [InlineData("2460")]
    [InlineData("1261")]
    [InlineData("12.5")]
    [InlineData("120000.1234567")]
    public void Impossible_times_are_null(string text) => Assert.Null(One(ContentTime, DicomVR.TM, text).GetTime(ContentTime));

    [Fact]
    public void Date_times_keep_their_offset_and_otherwise_take_the_timezone_offset_from_utc()
    {
        var ds = One(AcquisitionDateTime, DicomVR.DT, "20190102142305.5-0500");
        var dt = ds.GetDateTime(AcquisitionDateTime)!.Value;
        Assert.Equal(new DateTime(2019, 1, 2, 14, 23, 5, 500), dt.DateTime);
        Assert.Equal(new DateTimeOffset(2019, 1, 2, 19, 23, 5, 500, TimeSpan.Zero), dt.ToDateTimeOffset());

        ds.Set(new DicomElement(AcquisitionDateTime, DicomVR.DT, Encoding.ASCII.GetBytes("201901")));
        Assert.Null(ds.GetDateTime(AcquisitionDateTime)!.Value.UtcOffset);
        ds.SetString(new DicomTag(0x0008, 0x0201), DicomVR.SH, "+0100");
        Assert.Equal(TimeSpan.FromHours(1), ds.GetDateTime(AcquisitionDateTime)!.Value.UtcOffset);
        Assert.Equal(new DateTime(2019, 1, 1), ds.GetDateTime(AcquisitionDateTime)!.Value.DateTime);
    }

    [Fact]
    public void Date_and_time_elements_combine()
    {
        var ds = One(DicomTag.StudyDate, DicomVR.DA, "20190102").SetString(StudyTime, DicomVR.TM, "0930");
        Assert.Equal(new DateTime(2019, 1, 2, 9, 30, 0), ds.GetDateTime(DicomTag.StudyDate, StudyTime)!.Value.DateTime);
    }

    [Fact]
    public void Person_names_split_into_groups_and_components()
    {
        var ds = One(DicomTag.PatientName, DicomVR.PN, "Doe^John^Q^Dr^Jr=D^J\\Roe^Jane ");
        var names = ds.GetPersonNames(DicomTag.PatientName);
        Assert.Equal(2, names.Length);
        Assert.Equal(new PersonNameGroup("Doe", "John", "Q", "Dr", "Jr"), names[0].Alphabetic);
        Assert.Equal("D^J", names[0].Ideographic.ToString());
        Assert.True(names[0].Phonetic.IsEmpty);
        Assert.Equal("Roe", names[1].Alphabetic.FamilyName);
        Assert.Equal("Jane", names[1].Alphabetic.GivenName);
    }

    [Fact]
    public void Binary_values_read_as_their_types_and_as_numbers()
    {
        var ds = new DicomDataSet();
        var us = new byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(us, 512);
        BinaryPrimitives.WriteUInt16LittleEndian(us.AsSpan(2), 65535);
        ds.Set(new DicomElement(new DicomTag(0x0028, 0x0010), DicomVR.US, us));
        Assert.Equal((ushort)512, ds.GetUInt16(new DicomTag(0x0028, 0x0010)));
        Assert.Equal([512, 65535], ds.GetBinaryValues<ushort>(new DicomTag(0x0028, 0x0010)).Select(v => (int)v));
        Assert.Equal(65535L, ds.GetInteger(new DicomTag(0x0028, 0x0010), 1));

        var ss = new byte[2];
        BinaryPrimitives.WriteInt16LittleEndian(ss, -7);
        ds.Set(new DicomElement(new DicomTag(0x0028, 0x0106), DicomVR.SS, ss));
        Assert.Equal(-7.0, ds.GetDouble(new DicomTag(0x0028, 0x0106)));

        var fd = new byte[16];
        BinaryPrimitives.WriteDoubleLittleEndian(fd, 12.25);
        BinaryPrimitives.WriteDoubleLittleEndian(fd.AsSpan(8), -0.5);
        var ctdi = new DicomTag(0x0018, 0x9345);
        ds.Set(new DicomElement(ctdi, DicomVR.FD, fd));
        Assert.Equal([12.25, -0.5], ds.GetDoubles(ctdi));
        Assert.Equal(-1L, ds.GetInteger(ctdi, 1)); // -0.5 rounds away from zero

        var fl = new byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(fl, 1.5f);
        ds.Set(new DicomElement(new DicomTag(0x0070, 0x0022), DicomVR.FL, fl));
        Assert.Equal(1.5f, ds.GetBinaryValue<float>(new DicomTag(0x0070, 0x0022)));

        var sl = new byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(sl, int.MinValue);
        BinaryPrimitives.WriteUInt32LittleEndian(sl.AsSpan(4), uint.MaxValue);
        ds.Set(new DicomElement(new DicomTag(0x0040, 0xA162), DicomVR.SL, sl));
        Assert.Equal((long)int.MinValue, ds.GetInteger(new DicomTag(0x0040, 0xA162)));
        Assert.Equal((uint?)uint.MaxValue, ds.GetBinaryValue<uint>(new DicomTag(0x0040, 0xA162), 1));

        var uv = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(uv, ulong.MaxValue);
        ds.Set(new DicomElement(new DicomTag(0x0018, 0x9999), DicomVR.UV, uv));
        Assert.Equal([ulong.MaxValue], ds.GetBinaryValues<ulong>(new DicomTag(0x0018, 0x9999)));
        Assert.Equal([null], ds.GetIntegers(new DicomTag(0x0018, 0x9999))); // does not fit a long: null, not wrapped

        var sv = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(sv, long.MinValue);
        ds.Set(new DicomElement(new DicomTag(0x0018, 0x9998), DicomVR.SV, sv));
        Assert.Equal(long.MinValue, ds.GetInteger(new DicomTag(0x0018, 0x9998)));

        var at = new byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(at, 0x0010);
        BinaryPrimitives.WriteUInt16LittleEndian(at.AsSpan(2), 0x0020);
        ds.Set(new DicomElement(new DicomTag(0x0020, 0x9165), DicomVR.AT, at));
        Assert.Equal([DicomTag.PatientId], ds.GetTags(new DicomTag(0x0020, 0x9165)));
    }

    [Fact]
    public void Binary_reads_never_run_past_the_value()
    {
        var ds = new DicomDataSet().Set(new DicomElement(new DicomTag(0x0028, 0x0010), DicomVR.US, new byte[3]));
        Assert.Empty(ds.GetBinaryValues<ushort>(new DicomTag(0x0028, 0x0010)));
        Assert.Null(ds.GetBinaryValue<ushort>(new DicomTag(0x0028, 0x0010), 1));
        Assert.Null(ds.GetBinaryValue<ushort>(new DicomTag(0x0028, 0x0010), -1));
        Assert.Null(ds.GetBinaryValue<uint>(new DicomTag(0x0028, 0x0011)));
    }

    [Fact]
    public void Binary_values_written_are_read_back()
    {
        var tag = new DicomTag(0x0018, 0x9345);
        var ds = new DicomDataSet().SetBinaryValues(tag, DicomVR.FD, 1.25, 2.5);
        Assert.Equal(16, ds.Get(tag)!.Value.Length);
        Assert.Equal(2.5, BinaryPrimitives.ReadDoubleLittleEndian(ds.Get(tag)!.Value.Span[8..]));
        Assert.Throws<ArgumentException>(() => ds.SetBinaryValues(tag, DicomVR.LO, 1.0));
    }
}
