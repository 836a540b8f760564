using DoseWatch.Dicom.Deidentification;
using DoseWatch.Dicom.Tests.IO;

namespace DoseWatch.Dicom.Tests.Deidentification;

public sealed class TemporalShiftFacts
{
    // Python's datetime computes the expected dates independently.
    private static string PythonShift(string yyyymmdd, int days) =>
        ExternalTool.Run(ExternalTool.DebianPython, ["-c",
            "import sys, datetime as d; print((d.datetime.strptime(sys.argv[1], '%Y%m%d') + d.timedelta(days=int(sys.argv[2]))).strftime('%Y%m%d'))",
            yyyymmdd, days.ToString(System.Globalization.CultureInfo.InvariantCulture)]).StdOut.Trim();

    [Theory]
    [InlineData("20240229", -366)]
    [InlineData("20000101", -3650)]
    [InlineData("19991231", -365)]
    public void DA_and_DT_move_by_whole_days_and_keep_the_time_and_offset(string date, int days)
    {
        var expected = PythonShift(date, days);

        Assert.Equal(expected, TemporalShift.Shift(date, DicomVR.DA, days));
        Assert.Equal(expected + "093015.123456+0100", TemporalShift.Shift(date + "093015.123456+0100", DicomVR.DT, days));
        Assert.Equal(expected + "0930", TemporalShift.Shift(date + "0930", DicomVR.DT, days));
    }

    [Fact]
    public void Coarser_DT_keeps_its_precision_and_unreadable_values_are_refused()
    {
        Assert.Equal(PythonShift("20240101", -400)[..4], TemporalShift.Shift("2024", DicomVR.DT, -400));
        Assert.Equal(PythonShift("20240301", -400)[..6], TemporalShift.Shift("202403", DicomVR.DT, -400));
        Assert.Null(TemporalShift.Shift("2024.03.01", DicomVR.DA, -1));
        Assert.Null(TemporalShift.Shift("20241341", DicomVR.DA, -1));
        Assert.Null(TemporalShift.Shift("ABC", DicomVR.DT, -1));
        Assert.Equal("", TemporalShift.Shift("", DicomVR.DA, -1));
    }
}
