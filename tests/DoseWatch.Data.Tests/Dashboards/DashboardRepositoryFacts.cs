using DoseWatch.Core.Domain;
using DoseWatch.Data.Repositories;
using DoseWatch.Tests;

namespace DoseWatch.Data.Tests.Dashboards;

/// <summary>
/// The dashboard aggregates on a real database filled with real extraction results. The samples are placed on chosen
/// study days (and re-filed under new study UIDs to give a device a history); every expected aggregate is computed here,
/// in C#, from the same extraction results, never written down.
/// </summary>
public abstract class DashboardRepositoryFacts(ITestDatabases databases) : MigratedDatabaseFacts(databases)
{
    private static readonly DateOnly Anchor = new(2026, 11, 20);

    // (sample, days before the anchor): Siemens works every other day up to the anchor; Toshiba stopped 16 days ago
    // after a 2-day rhythm; GE and Flash have one day each (no rhythm); Philips is outside the 30 days.
    private static readonly (string Sample, int DaysBefore)[] Placements =
    [
        ("openrem/CT-RDSR-Siemens-Multi-1.dcm", 0), ("openrem/CT-RDSR-Siemens-Multi-1.dcm", 2), ("openrem/CT-RDSR-Siemens-Multi-1.dcm", 4),
        ("openrem/CT-RDSR-Toshiba_DoseCheck.dcm", 16), ("openrem/CT-RDSR-Toshiba_DoseCheck.dcm", 18), ("openrem/CT-RDSR-Toshiba_DoseCheck.dcm", 20),
        ("openrem/CT-RDSR-GEPixelMed.dcm", 2), ("openrem/CT-RDSR-Siemens_Flash-TAP-SS.dcm", 2), ("openrem/CT-RDSR-Philips_BigBore4DCT.dcm", 40),
        ("openrem/DX-RDSR-Canon_CXDI.dcm", 1), ("openrem/MG-RDSR-Hologic_2D.dcm", 1),
    ];

    private Task<List<ExtractionResult>> SaveAllAsync() => PlacedSamples.SaveAsync(Factory, Anchor, Placements);

    private static int EventCount(ExtractionResult r) => r.Events.Select(e => e.EventUid).Distinct().Count();

    private static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static void Close(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Max(1, Math.Abs(expected)), $"expected {expected}, database has {actual}");

    [SamplesFact]
    public async Task Counts_studies_and_events_per_modality_in_the_7_and_30_days_to_the_anchor()
    {
        var saved = await SaveAllAsync();

        var activity = await new DashboardRepository(Factory).ActivityAsync(Anchor);

        var expected = saved.Where(r => r.Study!.StudyDate >= Anchor.AddDays(-29) && r.Study.StudyDate <= Anchor)
            .GroupBy(r => r.Study!.Modality ?? "")
            .Select(g =>
            {
                var week = g.Where(r => r.Study!.StudyDate >= Anchor.AddDays(-6)).ToList();
                return new ModalityActivity(g.Key, week.Count, week.Sum(EventCount), g.Count(), g.Sum(EventCount));
            })
            .OrderBy(a => a.Modality, StringComparer.Ordinal).ToList();
        Assert.Equal(3, expected.Count);
        Assert.Equal(expected, activity.OrderBy(a => a.Modality, StringComparer.Ordinal).ToList());
        Assert.Equal(Anchor, await new DashboardRepository(Factory).LatestStudyDayAsync());
    }

    [SamplesFact]
    public async Task Gives_the_ct_dose_values_of_each_protocol_ordered_by_event_count()
    {
        var saved = await SaveAllAsync();
        var from = Anchor.AddDays(-29);

        var protocols = await new DashboardRepository(Factory).CtProtocolDosesAsync(from, Anchor, maximumProtocols: 1000);

        var ctEvents = saved.Where(r => r.Study!.Modality == "CT" && r.Study.StudyDate >= from)
            .SelectMany(r => r.Events.DistinctBy(e => e.EventUid))
            .Where(e => e.CtdiVolMGy is not null || e.DlpMGyCm is not null).ToList();
        // Localizers (Constant Angle Acquisition) are neither counted nor charted (#16): a protocol of localizers only
        // (the samples' Topogram) is no CT protocol row.
        var expected = ctEvents.Where(e => e.AcquisitionType?.Value != "113805").GroupBy(e => e.Protocol ?? DashboardRepository.NoProtocol, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList());
        Assert.True(expected.Count > 1);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), protocols.Select(p => p.Protocol).Order(StringComparer.Ordinal));
        Assert.Equal(protocols.Select(p => p.EventCount).OrderDescending(), protocols.Select(p => p.EventCount));
        foreach (var p in protocols)
        {
            var events = expected[p.Protocol];
            Assert.Equal(events.Count, p.EventCount);
            // The values leave out localizers (Constant Angle Acquisition), as /protocols and the CT modality page do.
            var scans = events.Where(e => e.AcquisitionType?.Value != "113805").ToList();
            Assert.Equal(scans.Where(e => e.CtdiVolMGy is not null).Select(e => e.CtdiVolMGy!.Value).Order(), p.CtdiVolMGy.Order());
            Assert.Equal(scans.Where(e => e.DlpMGyCm is not null).Select(e => e.DlpMGyCm!.Value).Order(), p.DlpMGyCm.Order());
            Assert.All(p.CtdiVolPoints, point => Assert.NotEqual("Constant Angle Acquisition", point.AcquisitionType));
            Assert.Equal(p.CtdiVolMGy.Count, p.CtdiVolPoints.Count);
        }
        Assert.Contains(ctEvents, e => e.AcquisitionType?.Value == "113805"); // the samples have localizers to leave out

        // The limits hold: the biggest protocol only, and at most 2 of its values.
        var limited = Assert.Single(await new DashboardRepository(Factory).CtProtocolDosesAsync(from, Anchor, maximumProtocols: 1, maximumValuesPerProtocol: 2));
        Assert.Equal(protocols[0].EventCount, limited.EventCount);
        Assert.True(limited.CtdiVolMGy.Count <= 2 && limited.DlpMGyCm.Count <= 2);
    }

    [SamplesFact]
    public async Task Gives_the_daily_median_of_the_study_dose_per_modality()
    {
        var saved = await SaveAllAsync();
        var from = Anchor.AddDays(-29);

        var trend = await new DashboardRepository(Factory).DailyMedianStudyDoseAsync(from, Anchor);

        double? StudyDose(ExtractionResult r) => r.Study!.Modality switch
        {
            "CT" => Sum(r.Events.DistinctBy(e => e.EventUid).Select(e => e.DlpMGyCm)),
            "DX" => Sum(r.Events.DistinctBy(e => e.EventUid).Select(e => e.DapGyCm2)),
            "MG" => Sum(r.Events.DistinctBy(e => e.EventUid).Select(e => e.AgdMGy)),
            var other => throw new InvalidOperationException($"no study dose for {other} in this test"),
        };
        var expected = saved.Where(r => r.Study!.StudyDate >= from)
            .Select(r => (r.Study!.Modality!, Day: r.Study.StudyDate!.Value, Dose: StudyDose(r)))
            .Where(x => x.Dose is not null)
            .GroupBy(x => (x.Item1, x.Day))
            .ToDictionary(g => g.Key, g => (Median: Median(g.Select(x => x.Dose!.Value).ToList()), Studies: g.Count()));
        Assert.Contains(expected.Values, v => v.Studies == 3);
        Assert.Equal(expected.Keys.Order(), trend.Select(t => (t.Quantity.Modality, t.Day)).Order());
        foreach (var t in trend)
        {
            Close(expected[(t.Quantity.Modality, t.Day)].Median, t.Median);
            Assert.Equal(expected[(t.Quantity.Modality, t.Day)].Studies, t.Studies);
        }
        Assert.Equal("mGy·cm", trend.First(t => t.Quantity.Modality == "CT").Quantity.Unit);
    }

    [SamplesFact]
    public async Task A_device_silent_for_longer_than_its_usual_gap_is_listed_and_a_regular_one_is_not()
    {
        var saved = await SaveAllAsync();

        var silent = await new DashboardRepository(Factory).SilentDevicesAsync(Anchor);

        var devices = saved.GroupBy(r => r.Study!.Device.Key).Select(g =>
        {
            var days = g.Select(r => r.Study!.StudyDate!.Value).Distinct().Order().ToList();
            var gap = days.Count > 1 ? (days[^1].DayNumber - days[0].DayNumber) / (double)(days.Count - 1) : 0;
            return (Key: g.Key, Days: days, Gap: gap, Silent: Anchor.DayNumber - days[^1].DayNumber);
        }).ToList();
        var expected = devices.Where(d => d.Days.Count >= 3 && d.Silent > Math.Max(3 * d.Gap, 3)).ToList();
        var toshiba = saved.First(r => r.Instance.SopInstanceUid.EndsWith(".3", StringComparison.Ordinal)).Study!.Device.Key;
        var siemens = saved[0].Study!.Device.Key;
        Assert.Equal([toshiba], expected.Select(d => d.Key));
        Assert.DoesNotContain(siemens, expected.Select(d => d.Key));
        var device = Assert.Single(silent);
        Assert.Equal(toshiba, device.DeviceKey);
        Close(expected[0].Gap, device.TypicalGapDays);
        Assert.Equal((expected[0].Days[0], expected[0].Days[^1], expected[0].Days.Count, expected[0].Silent),
            (device.FirstStudyDay, device.LastStudyDay, (int)device.ActiveDays, device.DaysSilent));
        // Described as in its last study (the sample's studies of one device describe it alike).
        var last = saved.Select(r => r.Study!).Where(st => st.Device.Key == toshiba).MaxBy(st => st.StudyDate)!;
        Assert.Equal((last.Modality, last.Device.Manufacturer, last.Device.Model, last.Device.StationName),
            (device.Modality, device.Manufacturer, device.Model, device.StationName));
        Assert.NotNull(device.Manufacturer);
    }

    private static double? Sum(IEnumerable<double?> values) => values.Aggregate((double?)null, (s, v) => v is { } x ? (s ?? 0) + x : s);
}

public sealed class SqliteDashboardRepositoryFacts() : DashboardRepositoryFacts(new SqliteTestDatabases());

public sealed class PostgreSqlDashboardRepositoryFacts(PostgresServerFixture postgres)
    : DashboardRepositoryFacts(new PostgreSqlTestDatabases(postgres.Server)), IClassFixture<PostgresServerFixture>;
