using Dapper;
using DoseWatch.Core.Domain;
using DoseWatch.Core.Extraction;
using DoseWatch.Data.Migrations;
using DoseWatch.Data.Repositories;
using DoseWatch.Dicom;
using DoseWatch.Tests;

namespace DoseWatch.Data.Tests.DoseRecords;

/// <summary>
/// Saving real extraction results (from ../shared/samples) to a real database file / server: idempotency, merging of
/// cumulative and continued RDSRs by Irradiation Event UID, and no double counting of RDSR and image-header events.
/// Expected values come from the extraction result of the same file (itself checked against pydicom in Core.Tests).
/// </summary>
public abstract class DoseRecordRepositoryFacts(ITestDatabases databases) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await databases.DisposeAsync();

    private async Task<(DoseRecordRepository Repository, IDbConnectionFactory Factory)> NewRepositoryAsync()
    {
        var factory = await databases.NewDatabaseAsync();
        await new MigrationRunner(factory, MigrationCatalog.Embedded(databases.Provider)).MigrateAsync();
        return (new DoseRecordRepository(factory), factory);
    }

    private static ExtractionResult Extract(string sample) => DoseExtractor.Extract(DicomReader.ReadFile(SharedSamples.Path_(sample)));

    private static async Task<long> CountAsync(IDbConnectionFactory factory, string sql, object? parameters = null)
    {
        await using var connection = await factory.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(sql, parameters);
    }

    private static double? Sum(IEnumerable<double?> values) => values.Aggregate((double?)null, (s, v) => v is { } x ? (s ?? 0) + x : s);

    [SamplesFact]
    public async Task The_same_instance_saved_twice_is_one_record_with_unchanged_values()
    {
        var (repository, factory) = await NewRepositoryAsync();
        var result = Extract("openrem/CT-RDSR-Siemens_Flash-TAP-SS.dcm");

        var first = await repository.SaveAsync(result);
        var second = await repository.SaveAsync(result);

        Assert.Equal((result.Events.Count, 0, false), (first.EventsInserted, first.EventsMerged, first.SourceObjectWasKnown));
        Assert.Equal((0, result.Events.Count, true), (second.EventsInserted, second.EventsMerged, second.SourceObjectWasKnown));
        Assert.Equal(1, await CountAsync(factory, "SELECT COUNT(*) FROM dose_source_objects"));
        Assert.Equal(1, await CountAsync(factory, "SELECT COUNT(*) FROM studies"));
        Assert.Equal(result.Events.Count, await CountAsync(factory, "SELECT COUNT(*) FROM irradiation_events"));

        var stored = await repository.GetStudyAsync(result.Study!.StudyInstanceUid);
        Assert.NotNull(stored);
        Assert.Equal(result.Events.Count, stored!.Totals.EventCount);
        Assert.NotNull(result.Accumulated.DlpTotalMGyCm);
        Assert.Equal(result.Accumulated.DlpTotalMGyCm!.Value, stored.Totals.DlpTotalMGyCm!.Value, 9); // the device's own total
        Assert.Equal(Sum(result.Events.Select(e => e.DlpMGyCm))!.Value, stored.Totals.Sums.DlpMGyCm!.Value, 9);
        Assert.Null(stored.Totals.DapTotalGyCm2); // no projection values in a CT study: null, never 0
        foreach (var ev in result.Events)
        {
            var s = Assert.Single(stored.Events, x => x.Event.EventUid == ev.EventUid).Event;
            Assert.Equal((ev.CtdiVolMGy, ev.DlpMGyCm, ev.Phantom, ev.Protocol, ev.PitchFactor, ev.Kvp), (s.CtdiVolMGy, s.DlpMGyCm, s.Phantom, s.Protocol, s.PitchFactor, s.Kvp));
            Assert.Equal(ev.TargetRegion, s.TargetRegion);
            Assert.Equal(ev.XRaySources, s.XRaySources);
            Assert.Equal(ev.Estimates.Select(x => (x.Quantity, x.Method)), s.Estimates.Select(x => (x.Quantity, x.Method)));
        }
        Assert.Equal(result.Study.AccessionNumber, stored.Study.AccessionNumber);
        Assert.Equal(result.Study.Device, stored.Study.Device);
    }

    [SamplesTheory]
    [InlineData("pyskindose/siemens_axiom_artis.dcm")]
    [InlineData("openrem/RF-RDSR-Philips_Allura.dcm")]
    [InlineData("openrem/MG-RDSR-Hologic_mix.dcm")]
    [InlineData("openrem/CT-RDSR-Toshiba_DoseCheck.dcm")]
    [InlineData("openrem/CT-RDSR-Siemens_Flash-TAP-SS.dcm")]
    [InlineData("openrem/NM-RRDSR-Siemens.dcm")]
    public async Task Every_extracted_quantity_reads_back_as_it_was_extracted(string sample)
    {
        // Issue #16 item 9: the record equality of the whole event (every property the extractors fill) fails on any
        // quantity the schema or the column map leaves out. The extraction itself is checked against pydicom in Core.Tests.
        var (repository, _) = await NewRepositoryAsync();
        var result = Extract(sample);
        await repository.SaveAsync(result);

        var stored = await repository.GetStudyAsync(result.Study!.StudyInstanceUid);
        Assert.NotNull(stored);
        Assert.Equal(result.Events.Count, stored!.Events.Count);
        static IrradiationEvent Plain(IrradiationEvent e) => e with { XRaySources = [], Estimates = [], DoseCheck = null };
        foreach (var ev in result.Events)
        {
            var s = Assert.Single(stored.Events, x => x.Event.EventUid == ev.EventUid).Event;
            Assert.Equal(Plain(ev), Plain(s));
            Assert.Equal(ev.XRaySources, s.XRaySources);
            Assert.Equal(ev.DoseCheck, s.DoseCheck);
            Assert.Equal(ev.Estimates, s.Estimates);
        }
        Assert.Equal(result.Study.RequestedProcedure, stored.Study.RequestedProcedure);
        var source = Assert.Single(await repository.SourceObjectsAsync(result.Study.StudyInstanceUid));
        Assert.Equal(result.Accumulated, source.Accumulated);
        Assert.Equal((result.Study.Modality, result.Study.AccessionNumber, result.Study.Device.Key, result.Study.Device.StationName, result.Study.Device.Model, result.Study.Device.Manufacturer),
            (source.Modality, source.AccessionNumber, source.DeviceKey, source.StationName, source.Model, source.Manufacturer));
        // An object that reports no accumulated value (a radiopharmaceutical report, an image) is not among the reporting ones.
        Assert.Equal(result.Accumulated == AccumulatedDose.None ? [] : [result.Accumulated], stored.Reported);
    }

    // Issue #16 item 7: NM and PET administrations read from image headers are stored once per administration however
    // many images and series repeat them, and a study's radiopharmaceutical RDSR supersedes them whichever arrives first.

    private static async Task<double?> HeadlineAsync(IDbConnectionFactory factory, string study)
    {
        await using var connection = await factory.OpenAsync();
        return await connection.ExecuteScalarAsync<double?>("SELECT headline_dose FROM studies WHERE study_instance_uid = @study", new { study });
    }

    [SamplesFact]
    public async Task The_images_of_one_injection_give_one_administration()
    {
        var (repository, factory) = await NewRepositoryAsync();
        // Three PET images of two series (AC and NAC, and a second image of the AC series), one injection.
        var images = new[] { "openrem/NM-PetIm-Siemens.dcm", "openrem/NM-PetIm-Siemens-2.dcm", "openrem/NM-PetIm-Siemens-3.dcm", "openrem/NM-PetIm-Siemens-3-sameseries.dcm" }
            .Select(Extract).ToList();
        foreach (var image in images) await repository.SaveAsync(image);
        // Two NM series of one study whose images carry no Administration Event UID: keyed by the administration itself.
        var nm = new[] { "openrem/NM-NmIm-Siemens-s1-1.dcm", "openrem/NM-NmIm-Siemens-s1-2.dcm" }.Select(Extract).ToList();
        foreach (var image in nm) await repository.SaveAsync(image);

        foreach (var study in new[] { images, nm })
        {
            var uid = study[0].Study!.StudyInstanceUid;
            var stored = await repository.GetStudyAsync(uid);
            var administration = Assert.Single(stored!.Events).Event;
            var extracted = Assert.Single(study[0].Events);
            Assert.All(study, s => Assert.Equal(extracted.EventUid, Assert.Single(s.Events).EventUid));
            Assert.Equal((DoseSourceKind.NuclearImageHeader, extracted.AdministeredActivityMBq, extracted.Radionuclide, extracted.RadiopharmaceuticalAgent),
                (administration.Source, administration.AdministeredActivityMBq, administration.Radionuclide, administration.RadiopharmaceuticalAgent));
            Assert.Equal(extracted.AdministeredActivityMBq, await HeadlineAsync(factory, uid));
            Assert.Equal(1, stored.Totals.EventCount);
        }
    }

    [SamplesTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_study_rrdsr_supersedes_the_image_administrations_whichever_arrives_first(bool imagesFirst)
    {
        var (repository, factory) = await NewRepositoryAsync();
        var report = Extract("openrem/NM-RRDSR-Siemens.dcm");
        var images = new[] { "openrem/NM-PetIm-Siemens.dcm", "openrem/NM-PetIm-Siemens-2.dcm" }.Select(Extract).ToList();
        Assert.Equal(report.Study!.StudyInstanceUid, images[0].Study!.StudyInstanceUid);
        // The images' administration differs from the report's in UID and start time: only the study ties them.
        Assert.NotEqual(report.Events[0].EventUid, images[0].Events[0].EventUid);

        if (imagesFirst) await repository.SaveAsync(images[0]);
        await repository.SaveAsync(report);
        foreach (var image in images) await repository.SaveAsync(image);

        var stored = await repository.GetStudyAsync(report.Study.StudyInstanceUid);
        Assert.Equal(report.Events.Select(e => e.EventUid), stored!.Events.Select(e => e.Event.EventUid));
        Assert.All(stored.Events, e => Assert.Equal(DoseSourceKind.RadiopharmaceuticalRdsr, e.Event.Source));
        Assert.Equal(report.Events.Sum(e => e.AdministeredActivityMBq), await HeadlineAsync(factory, report.Study.StudyInstanceUid));
        // Every object is still recorded as received and extracted.
        Assert.Equal(3, (await repository.SourceObjectsAsync(report.Study.StudyInstanceUid)).Count);
    }

    [SamplesFact]
    public async Task Cumulative_rdsrs_merge_by_irradiation_event_uid_in_any_order()
    {
        var (repository, _) = await NewRepositoryAsync();
        var parts = new[] { "openrem/CT-RDSR-Siemens-Multi-3.dcm", "openrem/CT-RDSR-Siemens-Multi-1.dcm", "openrem/CT-RDSR-Siemens-Multi-2.dcm" }.Select(Extract).ToList();
        var study = parts[0].Study!.StudyInstanceUid;
        Assert.All(parts, p => Assert.Equal(study, p.Study!.StudyInstanceUid));
        var distinct = parts.SelectMany(p => p.Events).GroupBy(e => e.EventUid).Select(g => g.First()).ToList();
        Assert.True(distinct.Count < parts.Sum(p => p.Events.Count), "the samples are cumulative: later reports repeat earlier events");

        foreach (var part in parts) await repository.SaveAsync(part);
        var stored = await repository.GetStudyAsync(study);

        Assert.Equal(distinct.Count, stored!.Totals.EventCount);
        Assert.Equal(distinct.Select(e => e.EventUid).Order(), stored.Events.Select(e => e.Event.EventUid).Order());
        Assert.Equal(Sum(distinct.Select(e => e.DlpMGyCm))!.Value, stored.Totals.Sums.DlpMGyCm!.Value, 9);
        // The last cumulative report (Multi-3, saved first here) lists every event: its accumulated DLP is the study's,
        // and the two earlier reports it repeats are not added to it.
        var last = parts[0];
        Assert.Equal(distinct.Count, last.Events.Count);
        Assert.Equal(last.Accumulated.DlpTotalMGyCm!.Value, stored.Totals.DlpTotalMGyCm!.Value, 9);
        Assert.Equal(parts.Skip(1).Select(p => p.Instance.SopInstanceUid).Order(), stored.Totals.SupersededObjects.Order());
    }

    [SamplesFact]
    public async Task Continued_rdsrs_of_one_study_add_their_new_events()
    {
        var (repository, _) = await NewRepositoryAsync();
        var whole = Extract("openrem/CT-RDSR-Siemens_Flash-TAP-SS.dcm");
        Assert.True(whole.Events.Count >= 2);
        // Two reports of the same study, each with its own SOP instance and its own events (as a device that continues a study sends them).
        // Each carries the accumulated DLP of its own events, as a continued report does.
        var firstPart = whole with { Instance = whole.Instance with { SopInstanceUid = whole.Instance.SopInstanceUid + ".1" }, Events = whole.Events.Take(1).ToList(),
            Accumulated = new AccumulatedDose { DlpTotalMGyCm = Sum(whole.Events.Take(1).Select(e => e.DlpMGyCm)) } };
        var secondPart = whole with { Instance = whole.Instance with { SopInstanceUid = whole.Instance.SopInstanceUid + ".2" }, Events = whole.Events.Skip(1).ToList(),
            Accumulated = new AccumulatedDose { DlpTotalMGyCm = Sum(whole.Events.Skip(1).Select(e => e.DlpMGyCm)) } };

        await repository.SaveAsync(firstPart);
        var afterFirst = await repository.GetStudyAsync(whole.Study!.StudyInstanceUid);
        await repository.SaveAsync(secondPart);
        var afterBoth = await repository.GetStudyAsync(whole.Study.StudyInstanceUid);

        Assert.Equal(1, afterFirst!.Totals.EventCount);
        Assert.Equal(whole.Events.Count, afterBoth!.Totals.EventCount);
        Assert.Equal(Sum(whole.Events.Select(e => e.DlpMGyCm))!.Value, afterBoth.Totals.DlpTotalMGyCm!.Value, 9);
    }

    [SamplesFact]
    public async Task A_fluoroscopy_study_stores_the_device_totals_of_its_reports_without_counting_a_superseded_one()
    {
        // Issue #16 item 1: Data stores what Core's StudyTotalsRule decides. The Artis zee report (every event, the
        // device's accumulated dose at RP) arrives with a partial report of its first events, in either order: the
        // partial one is superseded. Split into two continued reports of disjoint events, their totals add up.
        var whole = Extract("openrem/RF-RDSR-Siemens-Zee.dcm");
        Assert.True(whole.Events.Count >= 4 && whole.Accumulated.DoseRpTotalGy is not null);
        ExtractionResult Part(string suffix, IReadOnlyList<IrradiationEvent> events, double? doseRp) => whole with
        {
            Instance = whole.Instance with { SopInstanceUid = whole.Instance.SopInstanceUid + suffix },
            Events = events,
            Accumulated = new AccumulatedDose { DoseRpTotalGy = doseRp },
        };
        var first = whole.Events.Take(3).ToList();
        var rest = whole.Events.Skip(3).ToList();
        var partial = Part(".1", first, 0.001);

        async Task<(double? Stored, StudyRecord Record)> SaveAll(params ExtractionResult[] reports)
        {
            var (repository, factory) = await NewRepositoryAsync();
            foreach (var r in reports) await repository.SaveAsync(r);
            await using var connection = await factory.OpenAsync();
            var stored = await connection.ExecuteScalarAsync<double?>("SELECT fluoro_dose_rp_total_gy FROM studies WHERE study_instance_uid = @Uid", new { Uid = whole.Study!.StudyInstanceUid });
            return (stored, (await repository.GetStudyAsync(whole.Study.StudyInstanceUid))!);
        }

        foreach (var order in new[] { new[] { partial, whole }, [whole, partial] })
        {
            var (stored, record) = await SaveAll(order);
            Assert.Equal(whole.Accumulated.DoseRpTotalGy!.Value, stored!.Value, 12);
            Assert.Equal(whole.Accumulated.DoseRpTotalGy!.Value, record.Totals.DoseRpTotalGy!.Value, 12);
            Assert.Equal([partial.Instance.SopInstanceUid], record.Totals.SupersededObjects);
        }
        var (continued, continuedRecord) = await SaveAll(Part(".1", first, 0.001), Part(".2", rest, 0.002));
        Assert.Equal(0.003, continued!.Value, 12);
        Assert.Equal(0.003, continuedRecord.Totals.DoseRpTotalGy!.Value, 12);
        Assert.Equal(Sum(whole.Events.Select(e => e.DoseRpGy))!.Value, continuedRecord.Totals.Sums.DoseRpGy!.Value, 12);
    }

    [SamplesFact]
    public async Task Images_of_a_study_with_an_rdsr_are_not_counted_twice()
    {
        var (repository, _) = await NewRepositoryAsync();
        var rdsr = Extract("openrem/CT-RDSR-Siemens_Flash-TAP-SS.dcm");
        var rdsrEvent = rdsr.Events[^1];
        // Image-header records of the same study: one carries the RDSR event's Irradiation Event UID (other values),
        // one has none and is keyed by its series.
        IrradiationEvent Header(string key, string kind) => new() { EventUid = key, EventKeyKind = kind, Source = DoseSourceKind.CtImageHeader, CtdiVolMGy = 999, DlpMGyCm = null, Kvp = 80 };
        ExtractionResult Image(string sop, IrradiationEvent ev) => new(ExtractionKind.DoseObject, new SourceInstance("1.2.840.10008.5.1.4.1.1.2", sop, "1.2.3.series", "CT"), rdsr.Study, [ev], AccumulatedDose.None, [], []);

        await repository.SaveAsync(Image("1.2.3.4.1", Header(rdsrEvent.EventUid, "IrradiationEventUid")));
        await repository.SaveAsync(rdsr);
        await repository.SaveAsync(Image("1.2.3.4.1", Header(rdsrEvent.EventUid, "IrradiationEventUid"))); // retried after the RDSR
        await repository.SaveAsync(Image("1.2.3.4.2", Header("1.2.3.series/1", "SeriesAndAcquisition")));
        var stored = await repository.GetStudyAsync(rdsr.Study!.StudyInstanceUid);

        var shared = Assert.Single(stored!.Events, e => e.Event.EventUid == rdsrEvent.EventUid);
        Assert.Equal(DoseSourceKind.CtRdsr, shared.Event.Source);
        Assert.Equal(rdsrEvent.CtdiVolMGy, shared.Event.CtdiVolMGy);
        var imageOnly = Assert.Single(stored.Events, e => e.Event.EventUid == "1.2.3.series/1");
        Assert.False(imageOnly.CountedInTotals);
        Assert.Equal(rdsr.Events.Count, stored.Totals.EventCount);
        Assert.Equal(Sum(rdsr.Events.Select(e => e.DlpMGyCm))!.Value, stored.Totals.Sums.DlpMGyCm!.Value, 9);
        Assert.Equal(rdsr.Accumulated.DlpTotalMGyCm!.Value, stored.Totals.DlpTotalMGyCm!.Value, 9);
    }

    [SamplesFact]
    public async Task Studies_are_listed_with_filters_and_pages()
    {
        var (repository, _) = await NewRepositoryAsync();
        var samples = new[] { "openrem/CT-RDSR-Siemens_Flash-TAP-SS.dcm", "openrem/CT-RDSR-Toshiba_DoseCheck.dcm", "openrem/RF-RDSR-Siemens-Zee.dcm", "openrem/MG-RDSR-Hologic_2D.dcm", "openrem/ESR_non-dose.dcm" };
        var results = samples.Select(Extract).ToList();
        foreach (var r in results) await repository.SaveAsync(r);
        var doseStudies = results.Where(r => r.Kind == ExtractionKind.DoseObject).Select(r => r.Study!).DistinctBy(s => s.StudyInstanceUid).ToList();

        var all = await repository.ListStudiesAsync(new StudyQuery(PageSize: 100));
        var ct = await repository.ListStudiesAsync(new StudyQuery(Modality: "ct"));
        var page2 = await repository.ListStudiesAsync(new StudyQuery(Page: 2, PageSize: 2));
        // SQLite's LOWER folds ASCII only, so case-insensitive protocol search is exercised with an ASCII name.
        var protocol = results[0].Events.First(e => e.Protocol is { } p && p.All(char.IsAscii)).Protocol!;
        var byProtocol = await repository.ListStudiesAsync(new StudyQuery(Protocol: protocol.ToUpperInvariant()));
        var zee = results[2].Study!;
        var byDevice = await repository.ListStudiesAsync(new StudyQuery(Device: zee.Device.Model));
        var dated = results[0].Study!.StudyDate!.Value;
        var byDate = await repository.ListStudiesAsync(new StudyQuery(From: dated, To: dated));

        Assert.True(all.Total >= doseStudies.Count);
        Assert.Equal(doseStudies.Count(s => s.Modality == "CT"), ct.Total);
        Assert.All(ct.Items, s => Assert.Equal("CT", s.Study.Modality));
        Assert.Equal(2, page2.PageSize);
        Assert.True(page2.Items.Count <= 2);
        Assert.Contains(byProtocol.Items, s => s.Study.StudyInstanceUid == results[0].Study!.StudyInstanceUid);
        Assert.Contains(byDevice.Items, s => s.Study.StudyInstanceUid == zee.StudyInstanceUid);
        Assert.All(byDate.Items, s => Assert.Equal(dated, s.Study.StudyDate));
        var rf = Assert.Single(all.Items, s => s.Study.StudyInstanceUid == zee.StudyInstanceUid);
        Assert.Equal(results[2].Accumulated.DapTotalGyCm2!.Value, rf.Totals.DapTotalGyCm2!.Value, 9); // the device's own total
        Assert.Equal(results[2].Accumulated.DoseRpTotalGy!.Value, rf.Totals.DoseRpTotalGy!.Value, 9);
        Assert.Null(rf.Totals.DlpTotalMGyCm);
        Assert.NotNull(results[2].Accumulated.FluoroTimeTotalS);
        Assert.Equal(results[2].Accumulated.FluoroTimeTotalS, rf.Totals.FluoroTimeTotalS); // the device's Total Fluoro Time
    }
}

public sealed class SqliteDoseRecordRepositoryFacts() : DoseRecordRepositoryFacts(new SqliteTestDatabases());

public sealed class PostgreSqlDoseRecordRepositoryFacts(PostgresServerFixture postgres)
    : DoseRecordRepositoryFacts(new PostgreSqlTestDatabases(postgres.Server)), IClassFixture<PostgresServerFixture>;
