using DoseWatch.Core.Analysis;
using DoseWatch.Core.Domain;
using DoseWatch.Data.Repositories;
using DoseWatch.Tests;

namespace DoseWatch.Data.Tests.Dashboards;

/// <summary>
/// The dashboards' device filter (issue #21) on both engines. Real CT and fluoroscopy RDSRs from several devices are
/// saved on chosen days, and 40 seeded MR series on two scanners. The filter must narrow every aggregate to one device's
/// studies: the studies counted equal the placements of that device's file made here (the workload, the recent studies),
/// the MR series equal the seeded ones of that scanner, and every chart's numbers equal those of a second database that
/// holds only that device's studies (boxes, device boxes, trend, scatter, CT protocol values, peak skin dose).
/// </summary>
public abstract class DeviceFilterFacts(ITestDatabases databases, ITestDatabases oracle) : MigratedDatabaseFacts(databases), IAsyncLifetime
{
    public new Task InitializeAsync() => base.InitializeAsync();

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await oracle.DisposeAsync();
    }

    private static readonly DateOnly Anchor = new(2026, 11, 20);
    private static readonly DateOnly From = Anchor.AddDays(-60);

    private const string Filtered = "openrem/CT-RDSR-Toshiba_DoseCheck.dcm";
    private const string FilteredFluoroscopy = "openrem/RF-RDSR-Philips_Allura.dcm";

    private static readonly (string Sample, int DaysBefore)[] Placements =
    [
        ("openrem/CT-RDSR-Siemens-Multi-1.dcm", 0), (Filtered, 1), ("openrem/CT-RDSR-GEPixelMed.dcm", 2), (Filtered, 3),
        ("openrem/CT-RDSR-Siemens_Flash-TAP-SS.dcm", 9), ("openrem/CT-RDSR-ToshibaPixelMed.dcm", 4), (Filtered, 12), ("openrem/CT-RDSR-Philips_BigBore4DCT.dcm", 0),
        ("openrem/RF-RDSR-Siemens-Zee.dcm", 1), (FilteredFluoroscopy, 4), ("openrem/RF-RDSR-GE.dcm", 4), (FilteredFluoroscopy, 8),
    ];

    private static IEnumerable<ExtractionResult> MrSeries()
    {
        for (var i = 0; i < 40; i++)
        {
            var uid = $"2.25.7770{i}";
            var device = new DeviceIdentity("SIEMENS", i % 2 == 0 ? "Skyra" : "Aera", i % 2 == 0 ? "MR_1" : "MR_2", null, $"2.25.999{i % 2}");
            var study = new Study(uid, null, Anchor.AddDays(-(i % 20)), new TimeOnly(8 + i % 10, i), "MR", "MR BRAIN",
                new PatientCharacteristics(null, null, null, 60 + i, null), device);
            var ev = new IrradiationEvent
            {
                EventUid = uid + ".1", EventKeyKind = "SeriesInstanceUid", Source = DoseSourceKind.MrImageHeader, Protocol = i % 3 == 0 ? "t1_mprage" : "t2_tse_tra",
                SarWPerKg = 0.5 + i * 0.1, OperatingMode = "IEC_NORMAL", SarDefinition = "IEC_WHOLE_BODY",
            };
            yield return new ExtractionResult(ExtractionKind.DoseObject, new SourceInstance("1.2.840.10008.5.1.4.1.1.4", uid + ".1.1", uid + ".1", "MR"),
                study, [ev], AccumulatedDose.None, [], []);
        }
    }

    private async Task<(List<ExtractionResult> Saved, IDbConnectionFactory Only)> SaveAsync(Func<string, bool> onlyDatabaseHolds, Func<int, bool> onlyMr)
    {
        var saved = await PlacedSamples.SaveAsync(Factory, Anchor, Placements);
        var only = await oracle.NewDatabaseAsync();
        await new global::DoseWatch.Data.Migrations.MigrationRunner(only, global::DoseWatch.Data.Migrations.MigrationCatalog.Embedded(oracle.Provider)).MigrateAsync();
        // The same placements (same index, so the same re-filed UIDs) of the kept files only.
        await PlacedSamples.SaveAsync(only, Anchor, Placements.Select(p => onlyDatabaseHolds(p.Sample) ? p : ("", p.DaysBefore)).ToList(), skipBlank: true);
        var mr = MrSeries().ToList();
        for (var i = 0; i < mr.Count; i++)
        {
            await new DoseRecordRepository(Factory).SaveAsync(mr[i]);
            if (onlyMr(i)) await new DoseRecordRepository(only).SaveAsync(mr[i]);
        }
        saved.AddRange(mr);
        return (saved, only);
    }

    private static string KeyOf(List<ExtractionResult> saved, int placement) => saved[placement].Study!.Device.Key;

    private static async Task SameNumbersAsync(ModalityDashboardRepository filtered, ModalityDashboardRepository only, DashboardQuantity quantity)
    {
        var boxes = await filtered.BoxesByGroupAsync(quantity, From, Anchor);
        Assert.NotEmpty(boxes);
        Assert.Equal((await only.BoxesByGroupAsync(quantity, From, Anchor)).Select(b => (b.Key, b.Box)), boxes.Select(b => (b.Key, b.Box)));
        foreach (var group in boxes.Select(b => b.Key))
            Assert.Equal((await only.BoxesByDeviceAsync(quantity, group, From, Anchor)).Select(b => (b.Key, b.Box)),
                (await filtered.BoxesByDeviceAsync(quantity, group, From, Anchor)).Select(b => (b.Key, b.Box)));
        Assert.Equal(await only.TrendAsync(quantity, From, Anchor, 28), await filtered.TrendAsync(quantity, From, Anchor, 28));
        Assert.Equal((await only.ScatterAsync(quantity, quantity.ScatterAxes[0], From, Anchor)).Points,
            (await filtered.ScatterAsync(quantity, quantity.ScatterAxes[0], From, Anchor)).Points);
    }

    [Fact]
    public async Task A_ct_device_filter_narrows_every_ct_and_fluoroscopy_number_to_that_devices_studies()
    {
        var (saved, only) = await SaveAsync(sample => sample is Filtered or FilteredFluoroscopy, _ => false);
        var ct = KeyOf(saved, 1);
        var rf = KeyOf(saved, 9);
        // The files of the other placements come from other devices, or the filter could not narrow anything.
        Assert.All(Placements.Select((p, i) => (p.Sample, i)).Where(p => p.Sample != Filtered && p.Sample.StartsWith("openrem/CT", StringComparison.Ordinal)),
            p => Assert.NotEqual(ct, KeyOf(saved, p.i)));
        var all = new ModalityDashboardRepository(Factory);

        // Studies counted: the placements of the device's file made above (3 CT, 2 fluoroscopy).
        var ctPlacements = Placements.Count(p => p.Sample == Filtered);
        Assert.Equal(3, ctPlacements);
        Assert.Equal(ctPlacements, (await all.ForDevice(ct).WorkloadAsync(["CT"], From, Anchor)).Cells.Sum(c => c.Studies));
        Assert.Equal(Placements.Count(p => p.Sample.StartsWith("openrem/CT", StringComparison.Ordinal)), (await all.WorkloadAsync(["CT"], From, Anchor)).Cells.Sum(c => c.Studies));
        Assert.Equal(Placements.Count(p => p.Sample == FilteredFluoroscopy), (await all.ForDevice(rf).WorkloadAsync(["RF", "XA"], From, Anchor)).Cells.Sum(c => c.Studies));
        var recent = await new RecentStudyRepository(Factory).RecentAsync("CT", Anchor, ct, 50);
        Assert.Equal(Placements.Select((p, i) => (p.Sample, i)).Where(p => p.Sample == Filtered).Select(p => saved[p.i].Study!.StudyInstanceUid).Order(),
            recent.Select(r => r.StudyInstanceUid).Order());

        // The Overview: placed 1, 3 and 12 days before the anchor, so 2 in the last 7 days and 3 in the last 30.
        var activity = Assert.Single(await new DashboardRepository(Factory).ActivityAsync(Anchor, ct));
        Assert.Equal(("CT", 2L, 3L), (activity.Modality, activity.Studies7Days, activity.Studies30Days));
        Assert.Equal(ctPlacements, (await new OverviewRepository(Factory).CountAsync(ct)).Studies);
        Assert.Equal(Placements.Length + 40, (await new OverviewRepository(Factory).CountAsync(null)).Studies);

        // Every chart's numbers: as a database holding only that device's studies draws them.
        var onlyRepository = new ModalityDashboardRepository(only);
        await SameNumbersAsync(all.ForDevice(ct), onlyRepository, ModalityQuantities.CtdiVol);
        await SameNumbersAsync(all.ForDevice(ct), onlyRepository, ModalityQuantities.Dlp);
        await SameNumbersAsync(all.ForDevice(rf), onlyRepository, ModalityQuantities.FluoroDap);
        var filteredCt = await new DashboardRepository(Factory).CtProtocolDosesAsync(From, Anchor, ct, 1000, 2000);
        var onlyCt = await new DashboardRepository(only).CtProtocolDosesAsync(From, Anchor, 1000, 2000);
        Assert.NotEmpty(filteredCt);
        Assert.Equal(onlyCt.Select(p => (p.Protocol, string.Join(",", p.CtdiVolMGy), string.Join(",", p.DlpMGyCm), string.Join(",", p.CtdiVolStudyUids))),
            filteredCt.Select(p => (p.Protocol, string.Join(",", p.CtdiVolMGy), string.Join(",", p.DlpMGyCm), string.Join(",", p.CtdiVolStudyUids))));
        Assert.Equal(ctPlacements, (await new DashboardRepository(Factory).DailyMedianStudyDoseAsync(From, Anchor, ct)).Sum(d => d.Studies));
        Assert.Equal(
            (await new DashboardRepository(only).DailyMedianStudyDoseAsync(From, Anchor)).Where(d => d.Quantity.Modality == "CT").Select(d => (d.Day, d.Median, d.Studies)),
            (await new DashboardRepository(Factory).DailyMedianStudyDoseAsync(From, Anchor, ct)).Select(d => (d.Day, d.Median, d.Studies)));
        Assert.Equal((await onlyRepository.PeakSkinDoseByDeviceAsync(From, Anchor, [2, 3, 5])).Select(d => (d.Device, d.StudiesWithMap, d.StudiesWithoutMap)),
            (await all.ForDevice(rf).PeakSkinDoseByDeviceAsync(From, Anchor, [2, 3, 5])).Select(d => (d.Device, d.StudiesWithMap, d.StudiesWithoutMap)));
    }

    [Fact]
    public async Task An_mr_device_filter_counts_that_scanners_seeded_series_only()
    {
        var (saved, only) = await SaveAsync(_ => false, i => i % 2 == 0);
        var mr1 = saved.First(s => s.Study!.Device.StationName == "MR_1").Study!.Device.Key;
        var filtered = new ModalityDashboardRepository(Factory).ForDevice(mr1);

        // Seeded: the even series are MR_1's, 20 of 40; a third of all (i % 3 == 0) are t1_mprage.
        var modes = await filtered.SarByOperatingModeAsync(From, Anchor);
        Assert.Equal(20, modes.Sum(m => m.Series));
        Assert.Equal(Enumerable.Range(0, 40).Count(i => i % 2 == 0 && i % 3 == 0), modes.Single(m => m.Protocol == "t1_mprage").Series);
        Assert.Equal(40, (await new ModalityDashboardRepository(Factory).SarByOperatingModeAsync(From, Anchor)).Sum(m => m.Series));
        Assert.Equal(20, (await filtered.WorkloadAsync(["MR"], From, Anchor)).Cells.Sum(c => c.Studies));
        await SameNumbersAsync(filtered, new ModalityDashboardRepository(only), ModalityQuantities.Sar);
        // Blank is every device.
        Assert.Null(filtered.ForDevice(" ").DeviceKey);
    }
}

public sealed class SqliteDeviceFilterFacts() : DeviceFilterFacts(new SqliteTestDatabases(), new SqliteTestDatabases());

public sealed class PostgreSqlDeviceFilterFacts(PostgresServerFixture postgres)
    : DeviceFilterFacts(new PostgreSqlTestDatabases(postgres.Server), new PostgreSqlTestDatabases(postgres.Server)), IClassFixture<PostgresServerFixture>;
