using System.Globalization;
using System.Text.Json;
using DoseWatch.Core.Extraction;
using DoseWatch.Dicom;
using DoseWatch.Tests;

namespace DoseWatch.Core.Tests.Extraction;

/// <summary>
/// Issue #16 item 2: event start times keep their fraction of a second and are local times: the offset written in the
/// value, else the object's Timezone Offset From UTC (0008,0201), else the site time zone. The expected UTC instants
/// come from pydicom and Python's zoneinfo (independent/event_times.py), run now on the same files.
/// </summary>
public sealed class EventTimeTests : IDisposable
{
    private const string Site = "Europe/Berlin";
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("dosewatch-times-");

    public void Dispose() => _directory.Delete(recursive: true);

    private static (List<string> Written, List<DateTime> Utc) Expected(string path)
    {
        using var json = JsonDocument.Parse(ExternalTool.Python("event_times.py", path, Site));
        var events = json.RootElement.GetProperty("events").EnumerateArray().ToList();
        return (events.Select(e => e.GetProperty("written").GetString()!).ToList(),
            events.Select(e => DateTime.ParseExact(e.GetProperty("utc").GetString()!, "yyyy-MM-ddTHH:mm:ss.ffffff", CultureInfo.InvariantCulture)).ToList());
    }

    private static void SameInstants(string path, Action<Domain.ExtractionResult>? more = null)
    {
        var (written, utc) = Expected(path);
        Assert.NotEmpty(utc);
        var result = DoseExtractor.Extract(DicomReader.ReadFile(path), TimeZoneInfo.FindSystemTimeZoneById(Site));
        var started = result.Events.Select(e => e.StartedAt).ToList();
        Assert.Equal(utc.Count, started.Count(s => s is not null));
        Assert.Equal(utc.Order(), started.OfType<DateTimeOffset>().Select(s => s.UtcDateTime).Order());
        more?.Invoke(result);
        Assert.Contains(written, w => w.Contains('.', StringComparison.Ordinal)); // the sample has fractions to keep (or this check says nothing)
    }

    [SamplesTheory]
    [InlineData("openrem/DX-RDSR-Canon_CXDI.dcm")]
    [InlineData("openrem/DX-RDSR-Carestream_DRXEvolution.dcm")]
    public void Event_times_keep_their_fraction_and_are_local_to_the_site(string sample) =>
        SameInstants(SharedSamples.Path_(sample), result =>
            // No offset in the object: the site's (+01:00 in March, +02:00 in August), never +00:00.
            Assert.All(result.Events, e => Assert.Equal(TimeZoneInfo.FindSystemTimeZoneById(Site).GetUtcOffset(e.StartedAt!.Value.DateTime), e.StartedAt!.Value.Offset)));

    [SamplesFact]
    public void The_objects_timezone_offset_from_utc_wins_over_the_site()
    {
        var variant = Dcmtk.Modified(SharedSamples.Path_("openrem/DX-RDSR-Canon_CXDI.dcm"), _directory.FullName, "tokyo.dcm", "-i", "(0008,0201)=+0900");
        SameInstants(variant, result => Assert.All(result.Events, e => Assert.Equal(TimeSpan.FromHours(9), e.StartedAt!.Value.Offset)));
    }

    [SamplesFact]
    public void A_timezone_offset_written_as_utc_minus_hours_is_read_with_a_warning()
    {
        // RF-RDSR-GE.dcm writes (0008,0201) as "UTC-04:00" instead of "-0400".
        var path = SharedSamples.Path_("openrem/RF-RDSR-GE.dcm");
        var (_, utc) = Expected(path);
        var result = DoseExtractor.Extract(DicomReader.ReadFile(path), TimeZoneInfo.FindSystemTimeZoneById(Site));
        Assert.Equal(utc.Order(), result.Events.Select(e => e.StartedAt).OfType<DateTimeOffset>().Select(s => s.UtcDateTime).Order());
        Assert.All(result.Events, e => Assert.Equal(TimeSpan.FromHours(-4), e.StartedAt!.Value.Offset));
        Assert.Contains(result.Warnings, w => w.Where.Contains("0008,0201", StringComparison.Ordinal) && w.Message.Contains("UTC-04:00", StringComparison.Ordinal));
    }
}
