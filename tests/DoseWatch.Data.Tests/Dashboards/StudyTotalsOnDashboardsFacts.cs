using System.Globalization;
using System.Text.Json.Nodes;
using DoseWatch.Core.Domain;
using DoseWatch.Core.Extraction;
using DoseWatch.Data.Repositories;
using DoseWatch.Dicom;
using DoseWatch.Tests;

namespace DoseWatch.Data.Tests.Dashboards;

/// <summary>
/// Issue #16 on the pages that list and chart many studies: the browser's dose filter and sort and the daily medians use
/// the study's total as the study page shows it (the device's accumulated value where reported), a PET/CT's CT events
/// are CT events and its administration an NM one whatever part arrived first, CT protocol counts leave localizers out,
/// and the study time keeps its fractions of a second. Expected values are pydicom's reading of the real files at test time.
/// </summary>
public abstract class StudyTotalsOnDashboardsFacts(ITestDatabases databases) : MigratedDatabaseFacts(databases)
{
    private static ExtractionResult Extract(string sample) => DoseExtractor.Extract(DicomReader.ReadFile(SharedSamples.Path_(sample)));

    private static JsonNode Python(string code, string sample) => IndependentPython.Run(new { file = SharedSamples.Path_(sample) }, "-c", code);

    private static JsonArray SrContainers(string sample, string container) => IndependentPython.Run(new { file = SharedSamples.Path_(sample), container },
        Path.Combine(SharedSamples.RepositoryRoot, "tests", "DoseWatch.Web.Tests", "Api", "independent", "sr_event_items.py")).AsArray();

    private const string StudyDay = """
        import json, sys, pydicom
        ds = pydicom.dcmread(json.load(sys.stdin)["file"], stop_before_pixels=True)
        print(json.dumps({"date": ds.StudyDate, "time": ds.StudyTime}))
        """;

    private static DateOnly DayOf(JsonNode study) => DateOnly.ParseExact(study["date"]!.GetValue<string>(), "yyyyMMdd", CultureInfo.InvariantCulture);

    [SamplesFact]
    public async Task The_browser_dose_filter_and_sort_and_the_daily_median_use_the_device_reported_total()
    {
        // Philips Allura Clarity: the report's accumulated DAP is 16 % above its events' sum (issue #16 item 1).
        const string sample = "pyskindose/philips_allura_clarity_u104.dcm";
        // One JSON line for the one file (the script reads its arguments, not the request on standard input).
        var read = IndependentPython.Run(new { }, Path.Combine(SharedSamples.RepositoryRoot, "tests", "DoseWatch.Web.Tests", "Alerts", "fluoro_event_doses.py"), SharedSamples.Path_(sample));
        static double GyCm2(JsonNode dap) => dap["unit"]!.GetValue<string>() switch
        {
            "Gy.m2" => dap["value"]!.GetValue<double>() * 1e4,
            "Gy.cm2" => dap["value"]!.GetValue<double>(),
            var unit => throw new InvalidOperationException("unexpected DAP unit " + unit),
        };
        var reported = GyCm2(read["accumulated"]!["dap"]!);
        var eventSum = read["events"]!.AsArray().Where(e => e!["dap"] is not null).Sum(e => GyCm2(e!["dap"]!));
        Assert.True(Math.Abs(reported - eventSum) > 0.05 * reported, $"the sample's totals differ: {reported} vs {eventSum}");

        var result = Extract(sample);
        var repository = new DoseRecordRepository(Factory);
        await repository.SaveAsync(result);
        var uid = result.Study!.StudyInstanceUid;
        var modality = result.Study.Modality!;

        // A range that holds the device's total and not the event sum, and the reverse.
        var between = (reported + eventSum) / 2;
        double? above = reported > eventSum ? between : null, below = reported > eventSum ? null : between;
        var byDevice = await repository.ListStudiesAsync(new StudyQuery(modality) { DoseMin = above, DoseMax = below });
        Assert.Equal(uid, Assert.Single(byDevice.Items).Study.StudyInstanceUid);
        var bySum = await repository.ListStudiesAsync(new StudyQuery(modality) { DoseMin = below, DoseMax = above });
        Assert.Empty(bySum.Items);
        // The browser's dose column is the same total (the study page's), so a sort by dose sorts what it shows.
        var listed = Assert.Single((await repository.ListStudiesAsync(new StudyQuery(modality) { Sort = StudySort.Dose })).Items);
        Assert.Equal(reported, HeadlineDose.Of(modality, listed.Totals)!.Value, 6);

        var day = result.Study.StudyDate!.Value;
        var median = Assert.Single(await new DashboardRepository(Factory).DailyMedianStudyDoseAsync(day, day));
        Assert.Equal(reported, median.Median, 6);
        Assert.Equal("Gy·cm²", median.Quantity.Unit);
    }

    [SamplesFact]
    public async Task A_pet_ct_keeps_its_ct_events_on_the_ct_page_and_its_administration_on_the_nm_page_whichever_part_came_first()
    {
        // The Siemens Biograph's RRDSR first: the study is named NM by it; its CT RDSR's events are still CT events.
        string[] parts = ["openrem/NM-RRDSR-Siemens.dcm", "openrem/NM-CT-RDSR-Siemens.dcm", "openrem/NM-PetIm-Siemens.dcm"];
        var repository = new DoseRecordRepository(Factory);
        foreach (var part in parts) await repository.SaveAsync(Extract(part));
        var day = DayOf(Python(StudyDay, parts[0]));
        Assert.Equal(day, DayOf(Python(StudyDay, parts[1])));
        var acquisitions = SrContainers(parts[1], "113819"); // CT Acquisition (TID 10013)
        var administrations = SrContainers(parts[0], "113502"); // Radiopharmaceutical Administration (TID 10022)
        static double Mgy(JsonNode? num) => num!["unit"]!.GetValue<string>() == "mGy" ? num["values"]![0]!.GetValue<double>() : throw new InvalidOperationException("unit");

        // CT page: per protocol, the CT acquisitions without localizers, counted and charted.
        var scans = acquisitions.Where(a => a!["113820"]?["meaning"]?.GetValue<string>() != "Constant Angle Acquisition").ToList();
        var localizers = acquisitions.Except(scans).ToList();
        Assert.NotEmpty(scans);
        Assert.NotEmpty(localizers);
        var ct = await new DashboardRepository(Factory).CtProtocolDosesAsync(day, day, maximumProtocols: 1000);
        Assert.Equal(scans.Select(a => a!["125203"]!["text"]!.GetValue<string>()).Distinct().Order(StringComparer.Ordinal), ct.Select(p => p.Protocol).Order(StringComparer.Ordinal));
        foreach (var p in ct)
        {
            var of = scans.Where(a => a!["125203"]!["text"]!.GetValue<string>() == p.Protocol).ToList();
            Assert.Equal(of.Count, p.EventCount);
            Assert.Equal(of.Select(a => Mgy(a!["113830"])).Order(), p.CtdiVolMGy.Order());
        }
        // The localizer-only protocol (Topogram) is no CT protocol row: its events are not counted.
        Assert.All(localizers, l => Assert.DoesNotContain(ct, p => p.Protocol == l!["125203"]!["text"]!.GetValue<string>()));
        var ctdiBoxes = await new ModalityDashboardRepository(Factory).BoxesByGroupAsync(ModalityQuantities.CtdiVol, day, day);
        Assert.Equal(scans.Count, ctdiBoxes.Sum(b => b.Box.Count));

        // NM/PET page: the RRDSR's administration (the PET image's own is superseded by it), not the CT events.
        var activity = Assert.Single(administrations)!["113507"]!;
        Assert.Equal("MBq", activity["unit"]!.GetValue<string>());
        var nm = Assert.Single(await new ModalityDashboardRepository(Factory).BoxesByGroupAsync(ModalityQuantities.AdministeredActivity, day, day));
        Assert.Equal(1, nm.Box.Count);
        Assert.Equal(activity["values"]![0]!.GetValue<double>(), nm.Box.Median, 6);
    }

    [SamplesFact]
    public async Task The_study_time_keeps_its_fractions_of_a_second()
    {
        const string sample = "openrem/DX-RDSR-Canon_CXDI.dcm";
        var tm = Python(StudyDay, sample)["time"]!.GetValue<string>(); // "192501.650000"
        Assert.Contains('.', tm);
        var expected = new TimeOnly(int.Parse(tm[..2], CultureInfo.InvariantCulture), int.Parse(tm[2..4], CultureInfo.InvariantCulture), int.Parse(tm[4..6], CultureInfo.InvariantCulture))
            .Add(TimeSpan.FromMicroseconds(int.Parse(tm[7..].PadRight(6, '0')[..6], CultureInfo.InvariantCulture)));
        Assert.NotEqual(0, expected.Ticks % TimeSpan.TicksPerSecond);
        var repository = new DoseRecordRepository(Factory);
        var result = Extract(sample);
        await repository.SaveAsync(result);

        var stored = await repository.GetStudyAsync(result.Study!.StudyInstanceUid);
        Assert.Equal(expected, stored!.Study.StudyTime);
        var listed = Assert.Single((await repository.ListStudiesAsync(new StudyQuery())).Items);
        Assert.Equal(expected, listed.Study.StudyTime);
    }
}

public sealed class SqliteStudyTotalsOnDashboardsFacts() : StudyTotalsOnDashboardsFacts(new SqliteTestDatabases());

public sealed class PostgreSqlStudyTotalsOnDashboardsFacts(PostgresServerFixture postgres)
    : StudyTotalsOnDashboardsFacts(new PostgreSqlTestDatabases(postgres.Server)), IClassFixture<PostgresServerFixture>;
