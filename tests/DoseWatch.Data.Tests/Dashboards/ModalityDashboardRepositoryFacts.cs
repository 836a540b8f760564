using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using DoseWatch.Core.Analysis;
using DoseWatch.Core.Domain;
using DoseWatch.Data.Repositories;
using DoseWatch.Tests;

namespace DoseWatch.Data.Tests.Dashboards;

/// <summary>
/// The per-modality aggregates on both engines. Real CT and fluoroscopy RDSRs (re-dated, re-filed under new UIDs) and a
/// seeded set of MR series are saved; expected boxes and rolling quantiles come from Python's statistics module over the
/// values taken from the extraction results (not from the database), workload and SAR counts from the seeded series.
/// </summary>
public abstract partial class ModalityDashboardRepositoryFacts(ITestDatabases databases) : MigratedDatabaseFacts(databases)
{
    private static readonly DateOnly Anchor = new(2026, 11, 20);
    private static readonly DateOnly From = Anchor.AddDays(-60);

    private static readonly (string Sample, int DaysBefore)[] Placements =
    [
        ("openrem/CT-RDSR-Siemens-Multi-1.dcm", 0), ("openrem/CT-RDSR-Siemens-Multi-1.dcm", 2), ("openrem/CT-RDSR-Siemens-Multi-1.dcm", 5),
        ("openrem/CT-RDSR-Toshiba_DoseCheck.dcm", 3), ("openrem/CT-RDSR-GEPixelMed.dcm", 2), ("openrem/CT-RDSR-Siemens_Flash-TAP-SS.dcm", 9),
        ("openrem/CT-RDSR-Siemens-Multi-2.dcm", 1), ("openrem/CT-RDSR-Siemens-Multi-3.dcm", 3), ("openrem/CT-RDSR-ToshibaPixelMed.dcm", 4),
        ("openrem/CT-RDSR-Philips_BigBore4DCT.dcm", 0), ("openrem/CT-RDSR-Siemens-Multi-2.dcm", 4),
        ("openrem/RF-RDSR-Siemens-Zee.dcm", 1), ("openrem/RF-RDSR-Philips_Allura.dcm", 4), ("openrem/RF-RDSR-GE.dcm", 4),
    ];

    private async Task<List<ExtractionResult>> SaveAsync()
    {
        var saved = await PlacedSamples.SaveAsync(Factory, Anchor, Placements);
        var repository = new DoseRecordRepository(Factory);
        foreach (var mr in MrSeries())
        {
            await repository.SaveAsync(mr);
            saved.Add(mr);
        }
        return saved;
    }

    /// <summary>40 MR studies of one series each: two scanners, three protocols, modes and definitions mixed, SAR 0.2–4.8 W/kg.</summary>
    private static IEnumerable<ExtractionResult> MrSeries()
    {
        var random = new Random(5);
        string[] protocols = ["t2_tse_tra", "ep2d_diff", "t1_mprage"];
        string?[] modes = [null, "IEC_NORMAL", "RF:IEC_FIRST_LEVEL; GRADIENT:IEC_NORMAL"];
        string?[] definitions = [null, "IEC_WHOLE_BODY", "IEC_HEAD"];
        for (var i = 0; i < 40; i++)
        {
            var uid = $"2.25.5550{i}";
            var device = new DeviceIdentity("SIEMENS", i % 2 == 0 ? "Skyra" : "Aera", i % 2 == 0 ? "MR_1" : "MR_2", null, $"2.25.777{i % 2}");
            var study = new Study(uid, null, Anchor.AddDays(-random.Next(0, 20)), new TimeOnly(random.Next(7, 20), random.Next(60)), "MR", "MR BRAIN",
                new PatientCharacteristics(null, null, null, i % 5 == 0 ? null : 50 + random.Next(50), null), device);
            var ev = new IrradiationEvent
            {
                EventUid = uid + ".1", EventKeyKind = "SeriesInstanceUid", Source = DoseSourceKind.MrImageHeader, Protocol = protocols[i % 3],
                SarWPerKg = Math.Round(0.2 + 4.6 * random.NextDouble(), 3), OperatingMode = modes[i % 3 == 0 ? i % 2 : 2 - i % 2], SarDefinition = definitions[i % 3],
            };
            yield return new ExtractionResult(ExtractionKind.DoseObject, new SourceInstance("1.2.840.10008.5.1.4.1.1.4", uid + ".1.1", uid + ".1", "MR"),
                study, [ev], AccumulatedDose.None, [], []);
        }
    }

    /// <summary>
    /// 36 ultrasound studies of one image each: three presets (one of them sent only as the protocol), two scanners, MI
    /// 0.2–1.6, distinct start times: boxes of a grouping other than the protocol come from the modality's latest values.
    /// </summary>
    private static List<ExtractionResult> UsImages()
    {
        var random = new Random(11);
        string?[] presets = ["Abdomen", "Thyroid", null];
        return Enumerable.Range(0, 36).Select(i =>
        {
            var uid = $"2.25.6660{i}";
            var day = Anchor.AddDays(-random.Next(0, 10));
            var device = new DeviceIdentity("GE", "LOGIQ", i % 2 == 0 ? "US_1" : "US_2", null, $"2.25.888{i % 2}");
            var study = new Study(uid, null, day, new TimeOnly(8 + i % 10, i), "US", "US", new PatientCharacteristics(null, null, null, null, null), device);
            var ev = new IrradiationEvent
            {
                EventUid = uid + ".1", EventKeyKind = "SopInstanceUid", Source = DoseSourceKind.UsImageHeader,
                Preset = presets[i % 3 == 0 ? 0 : i % 3 == 1 && i < 20 ? 1 : 2], Protocol = "OB 2nd trimester",
                MechanicalIndex = Math.Round(0.2 + 1.4 * random.NextDouble(), 3),
                StartedAt = new DateTimeOffset(day.ToDateTime(new TimeOnly(8 + i % 10, i)), TimeSpan.Zero),
            };
            return new ExtractionResult(ExtractionKind.DoseObject, new SourceInstance("1.2.840.10008.5.1.4.1.1.6.1", uid + ".1.1", uid + ".1", "US"),
                study, [ev], AccumulatedDose.None, [], []);
        }).ToList();
    }

    [Fact]
    public async Task Preset_boxes_are_each_presets_latest_values_among_the_modalitys_latest()
    {
        var repository = new DoseRecordRepository(Factory);
        var images = UsImages();
        foreach (var image in images) await repository.SaveAsync(image);
        const int latest = 4;
        // Newest first (day, then start time); the group is the preset, else the protocol.
        var ordered = images.Select(r => (Group: r.Events[0].Preset ?? r.Events[0].Protocol!, Device: r.Study!.Device.Key, r.Study.StudyDate!.Value, r.Events[0].StartedAt!.Value, Value: r.Events[0].MechanicalIndex!.Value))
            .OrderByDescending(x => x.Item3).ThenByDescending(x => x.Item4).ToList();
        Assert.True(ordered.Count < ModalityDashboardRepository.GroupedSampleValues);
        var expected = ordered.GroupBy(x => x.Group).ToDictionary(g => g.Key, g => g.Take(latest).Select(x => x.Value).ToList());
        var order = ordered.GroupBy(x => x.Group).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Key).ToList();
        Assert.Equal(3, order.Count);
        SameBoxes(expected, await new ModalityDashboardRepository(Factory).BoxesByGroupAsync(ModalityQuantities.MechanicalIndex, From, Anchor, valuesPerGroup: latest), order);

        // One preset on each scanner.
        var perDevice = ordered.Where(x => x.Group == "Abdomen").GroupBy(x => x.Device).ToDictionary(g => g.Key, g => g.Take(latest).Select(x => x.Value).ToList());
        Assert.Equal(2, perDevice.Count);
        SameBoxes(perDevice, await new ModalityDashboardRepository(Factory).BoxesByDeviceAsync(ModalityQuantities.MechanicalIndex, "Abdomen", From, Anchor, valuesPerDevice: latest));
    }

    private static JsonNode Independent(object request) =>
        IndependentPython.Run(request, Path.Combine(SharedSamples.RepositoryRoot, "tests", "DoseWatch.Data.Tests", "Dashboards", "independent_stats.py"));

    private static void Close(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected}, got {actual}");

    /// <param name="order">The keys in the expected order; by default most values first (study-level boxes).</param>
    private static void SameBoxes(Dictionary<string, List<double>> expectedValues, IReadOnlyList<GroupBox> boxes, IReadOnlyList<string>? order = null)
    {
        var expected = Independent(new { boxes = expectedValues })["boxes"]!.AsObject();
        Assert.Equal(expected.Select(e => e.Key).Order(StringComparer.Ordinal), boxes.Select(b => b.Key).Order(StringComparer.Ordinal));
        foreach (var box in boxes)
        {
            var e = expected[box.Key]!.AsArray().Select(x => x!.GetValue<double>()).ToArray();
            Assert.Equal((long)e[0], box.Box.Count);
            double[] actual = [box.Box.Minimum, box.Box.P25, box.Box.Median, box.Box.P75, box.Box.Maximum, box.Box.Mean];
            for (var i = 0; i < actual.Length; i++) Close(e[i + 1], actual[i], $"{box.Key} statistic {i}");
        }
        if (order is not null) Assert.Equal(order, boxes.Select(b => b.Key));
        else Assert.Equal(boxes.Select(b => b.Box.Count).OrderDescending(), boxes.Select(b => b.Box.Count)); // most values first
    }

    // Localizers (113805 Constant Angle Acquisition, PS3.16 CID 10013) are not part of a protocol's CT dose.
    private static bool IsLocalizer(IrradiationEvent e) => e.AcquisitionType is { Value: "113805", Scheme: "DCM" };

    private static IEnumerable<(ExtractionResult Result, IrradiationEvent Event)> EventsOf(IEnumerable<ExtractionResult> saved, string modality) =>
        saved.Where(r => r.Study!.Modality == modality).SelectMany(r => r.Events.DistinctBy(e => e.EventUid).Select(e => (r, e)));

    [SamplesFact]
    public async Task Ct_boxes_per_protocol_match_python_over_the_extracted_values()
    {
        var saved = await SaveAsync();
        var boxes = await new ModalityDashboardRepository(Factory).BoxesByGroupAsync(ModalityQuantities.CtdiVol, From, Anchor);

        var values = EventsOf(saved, "CT").Where(x => x.Event.CtdiVolMGy is not null && !IsLocalizer(x.Event))
            .GroupBy(x => x.Event.Protocol ?? DashboardRepository.NoProtocol)
            .ToDictionary(g => g.Key, g => g.Select(x => x.Event.CtdiVolMGy!.Value).ToList());
        Assert.True(values.Count >= 3 && values.Values.Any(v => v.Count >= 3), string.Join("; ", values.Select(v => $"{v.Key}: {v.Value.Count}")));
        // Fewer than LatestValuesPerGroup values each: every value is drawn; protocols with the most events (localizers too) first.
        Assert.All(values.Values, v => Assert.True(v.Count < ModalityDashboardRepository.LatestValuesPerGroup));
        var order = EventsOf(saved, "CT").GroupBy(x => x.Event.Protocol ?? DashboardRepository.NoProtocol).Where(g => values.ContainsKey(g.Key))
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Key).ToList();
        SameBoxes(values, boxes, order);
    }

    [SamplesFact]
    public async Task Fluoroscopy_study_totals_are_boxed_per_procedure()
    {
        var saved = await SaveAsync();
        var repository = new ModalityDashboardRepository(Factory);

        foreach (var (quantity, value) in new (DashboardQuantity, Func<AccumulatedDose, double?>)[]
                 {
                     (ModalityQuantities.FluoroDap, a => a.DapTotalGyCm2), (ModalityQuantities.FluoroDoseRp, a => a.DoseRpTotalGy),
                     (ModalityQuantities.FluoroTime, a => a.FluoroTimeTotalS),
                 })
        {
            var studies = saved.Where(r => r.Study!.Modality is "RF" or "XA" && value(r.Accumulated) is not null).ToList();
            Assert.NotEmpty(studies);
            var expected = studies.GroupBy(r => r.Study!.StudyDescription ?? r.Events.Max(e => e.Protocol) ?? DashboardRepository.NoProtocol)
                .ToDictionary(g => g.Key, g => g.Select(r => value(r.Accumulated)!.Value).ToList());
            SameBoxes(expected, await repository.BoxesByGroupAsync(quantity, From, Anchor));
        }
    }

    [SamplesFact]
    public async Task Rolling_trend_matches_python_over_a_trailing_window()
    {
        var saved = await SaveAsync();
        const int window = 3;
        var from = Anchor.AddDays(-4);
        var trend = await new ModalityDashboardRepository(Factory).TrendAsync(ModalityQuantities.CtdiVol, from, Anchor, window);

        var values = EventsOf(saved, "CT").Where(x => x.Event.CtdiVolMGy is not null && !IsLocalizer(x.Event))
            .Select(x => new object[] { x.Result.Study!.StudyDate!.Value.ToString("yyyy-MM-dd"), x.Event.CtdiVolMGy!.Value }).ToList();
        var expected = Independent(new { rolling = new { window, from = from.ToString("yyyy-MM-dd"), values } })["rolling"]!.AsArray();
        Assert.True(expected.Count >= 3, $"{expected.Count} days");
        Assert.Equal(expected.Count, trend.Count);
        for (var i = 0; i < trend.Count; i++)
        {
            var e = expected[i]!.AsArray();
            Assert.Equal(e[0]!.GetValue<string>(), trend[i].Day.ToString("yyyy-MM-dd"));
            Assert.Equal(e[1]!.GetValue<long>(), trend[i].WindowCount);
            Close(e[2]!.GetValue<double>(), trend[i].P25, "P25");
            Close(e[3]!.GetValue<double>(), trend[i].Median, "median");
            Close(e[4]!.GetValue<double>(), trend[i].P75, "P75");
        }
    }

    [SamplesFact]
    public async Task Mr_sar_per_device_scatter_workload_and_limits_follow_the_seeded_series()
    {
        var saved = await SaveAsync();
        var repository = new ModalityDashboardRepository(Factory);
        var mr = saved.Where(r => r.Study!.Modality == "MR").ToList();

        // Per protocol, then per device for one protocol.
        SameBoxes(mr.GroupBy(r => r.Events[0].Protocol!).ToDictionary(g => g.Key, g => g.Select(r => r.Events[0].SarWPerKg!.Value).ToList()),
            await repository.BoxesByGroupAsync(ModalityQuantities.Sar, From, Anchor));
        var devices = await repository.BoxesByDeviceAsync(ModalityQuantities.Sar, "ep2d_diff", From, Anchor);
        var perDevice = mr.Where(r => r.Events[0].Protocol == "ep2d_diff").GroupBy(r => r.Study!.Device.Key)
            .ToDictionary(g => g.Key, g => g.Select(r => r.Events[0].SarWPerKg!.Value).ToList());
        SameBoxes(perDevice, devices);
        // Labelled by the device's name for people (station · model · manufacturer), never its key.
        Assert.Equal(devices.Select(d => mr.First(r => r.Study!.Device.Key == d.Key).Study!.Device).Select(x => DoseWatch.Core.Presentation.DisplayText.DeviceName(x.StationName, x.Model, x.Manufacturer)),
            devices.Select(d => d.Label));
        Assert.All(devices, d => Assert.StartsWith(mr.First(r => r.Study!.Device.Key == d.Key).Study!.Device.StationName!, d.Label, StringComparison.Ordinal));

        // Scatter against weight: only studies with a weight, most recent first, capped.
        var scatter = await repository.ScatterAsync(ModalityQuantities.Sar, ModalityQuantities.PatientWeight, From, Anchor, limit: 10);
        var withWeight = mr.Where(r => r.Study!.Patient.WeightKg is not null).ToList();
        Assert.True(withWeight.Count > 10, $"{withWeight.Count} studies with a weight");
        Assert.True(scatter.More);
        Assert.False((await repository.ScatterAsync(ModalityQuantities.Sar, ModalityQuantities.PatientWeight, From, Anchor, limit: withWeight.Count)).More);
        Assert.Equal(10, scatter.Points.Count);
        var latest = withWeight.Max(r => r.Study!.StudyDate!.Value);
        Assert.Equal(latest, scatter.Points[0].Day);
        foreach (var p in scatter.Points)
        {
            var study = Assert.Single(withWeight, r => r.Study!.StudyInstanceUid == p.StudyInstanceUid);
            Assert.Equal((study.Study!.Patient.WeightKg!.Value, study.Events[0].SarWPerKg!.Value), (p.X, p.Y));
        }

        // Workload: studies per weekday and hour of the study time.
        var workload = await repository.WorkloadAsync(["MR"], From, Anchor);
        var expectedCells = mr.GroupBy(r => (r.Study!.StudyDate!.Value.DayOfWeek, r.Study.StudyTime!.Value.Hour))
            .Select(g => new WorkloadCell(g.Key.DayOfWeek, g.Key.Hour, g.Count())).OrderBy(c => c.Weekday).ThenBy(c => c.Hour).ToList();
        Assert.Equal(expectedCells, workload.Cells);
        Assert.Equal(0, workload.StudiesWithoutTime);

        // SAR per protocol, definition and mode: the limit of each mode from the IEC table and the series above it.
        var modes = await repository.SarByOperatingModeAsync(From, Anchor);
        var expectedModes = mr.GroupBy(r => (r.Events[0].Protocol, r.Events[0].SarDefinition, r.Events[0].OperatingMode)).ToList();
        Assert.Equal(expectedModes.Count, modes.Count);
        foreach (var g in expectedModes)
        {
            var m = Assert.Single(modes, x => x.Protocol == g.Key.Protocol && x.SarDefinition == g.Key.SarDefinition && x.OperatingMode == g.Key.OperatingMode);
            var limit = (g.Key.SarDefinition, g.Key.OperatingMode) switch
            {
                ("IEC_HEAD", _) => 3.2,
                (_, "RF:IEC_FIRST_LEVEL; GRADIENT:IEC_NORMAL") => 4.0,
                _ => 2.0,
            };
            Assert.Equal(limit, m.LimitWPerKg);
            Assert.Equal(g.Count(), m.Series);
            Assert.Equal(g.Max(r => r.Events[0].SarWPerKg!.Value), m.MaximumWPerKg);
            Assert.Equal(g.Count(r => r.Events[0].SarWPerKg > limit), m.AboveLimit);
        }
        Assert.Contains(modes, m => m.AboveLimit > 0);
    }

    /// <summary>
    /// /protocols shows each device row of a raw name that device's own numbers (issue #21): boxes per (protocol, device),
    /// for the MR series (every protocol on both scanners, SAR as seeded) and the CT samples (CTDIvol as extracted).
    /// </summary>
    [SamplesFact]
    public async Task Protocol_boxes_per_device_are_each_devices_own_values()
    {
        var saved = await SaveAsync();
        var repository = new ModalityDashboardRepository(Factory);
        // A separator below every printable character: the pairs sort as (protocol, device), as the repository ranks ties.
        static string Pair(string protocol, string device) => $"{protocol}\u0001{device}";

        var mr = saved.Where(r => r.Study!.Modality == "MR").ToList();
        var mrExpected = mr.GroupBy(r => Pair(r.Events[0].Protocol!, r.Study!.Device.Key))
            .ToDictionary(g => g.Key, g => g.Select(r => r.Events[0].SarWPerKg!.Value).ToList());
        Assert.Equal(6, mrExpected.Count); // three protocols, each on both scanners
        var mrBoxes = await repository.BoxesByGroupAndDeviceAsync(ModalityQuantities.Sar with { Modalities = ["MR"] }, From, Anchor);
        SameBoxes(mrExpected, mrBoxes.Select(b => new GroupBox(Pair(b.Group, b.DeviceKey), "", b.Box)).ToList(),
            order: mr.GroupBy(r => Pair(r.Events[0].Protocol!, r.Study!.Device.Key)).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Key).ToList());
        // The point of it: one name, two scanners, two different medians.
        Assert.All(mrBoxes.GroupBy(b => b.Group), g => Assert.Equal(2, g.Select(b => b.Box.Median).Distinct().Count()));

        var ct = EventsOf(saved, "CT").Where(x => x.Event.CtdiVolMGy is not null && !IsLocalizer(x.Event))
            .GroupBy(x => Pair(x.Event.Protocol ?? DashboardRepository.NoProtocol, x.Result.Study!.Device.Key))
            .ToDictionary(g => g.Key, g => g.Select(x => x.Event.CtdiVolMGy!.Value).ToList());
        var ctBoxes = await repository.BoxesByGroupAndDeviceAsync(ModalityQuantities.CtdiVol, From, Anchor);
        SameBoxes(ct, ctBoxes.Select(b => new GroupBox(Pair(b.Group, b.DeviceKey), "", b.Box)).ToList(),
            order: EventsOf(saved, "CT").GroupBy(x => Pair(x.Event.Protocol ?? DashboardRepository.NoProtocol, x.Result.Study!.Device.Key)).Where(g => ct.ContainsKey(g.Key))
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Key).ToList());
    }

    [SamplesFact]
    public async Task Raw_protocols_are_listed_per_modality_and_device()
    {
        var saved = await SaveAsync();
        var uses = await new ModalityDashboardRepository(Factory).RawProtocolsAsync(From, Anchor);

        var expected = saved.SelectMany(r => r.Events.DistinctBy(e => e.EventUid).Select(e => (r.Study!, e)))
            .GroupBy(x => (x.Item1.Modality ?? "", x.e.Protocol ?? DashboardRepository.NoProtocol, x.Item1.Device.Key))
            .ToDictionary(g => g.Key, g => (Events: (long)g.Count(), Studies: (long)g.Select(x => x.Item1.StudyInstanceUid).Distinct().Count(),
                First: g.Min(x => x.Item1.StudyDate), Last: g.Max(x => x.Item1.StudyDate)));
        Assert.Equal(expected.Count, uses.Count);
        foreach (var u in uses)
            Assert.Equal(expected[(u.Modality, u.Protocol, u.DeviceKey)], (u.Events, u.Studies, u.FirstDay, u.LastDay));
    }
}

public sealed class SqliteModalityDashboardRepositoryFacts() : ModalityDashboardRepositoryFacts(new SqliteTestDatabases());

public sealed class PostgreSqlModalityDashboardRepositoryFacts(PostgresServerFixture postgres)
    : ModalityDashboardRepositoryFacts(new PostgreSqlTestDatabases(postgres.Server)), IClassFixture<PostgresServerFixture>;
