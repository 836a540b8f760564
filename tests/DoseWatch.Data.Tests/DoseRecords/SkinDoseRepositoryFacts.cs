using Dapper;
using DoseWatch.Core.Analysis;
using DoseWatch.Core.Domain;
using DoseWatch.Core.Extraction;
using DoseWatch.Core.Privacy;
using DoseWatch.Core.SkinDose;
using DoseWatch.Data.Migrations;
using DoseWatch.Data.Repositories;
using DoseWatch.Dicom;
using DoseWatch.Tests;

namespace DoseWatch.Data.Tests.DoseRecords;

/// <summary>
/// Skin dose results of real fluoroscopy reports (../shared/samples) stored and read back on a real database: the map
/// byte for byte, the study's peak as the largest of its reports' peaks (not their sum), the fallback without a map,
/// and a patient's studies in a window. Expected values are the calculator's own result for the same file, which
/// Core.Tests checks against PySkinDose.
/// </summary>
public abstract class SkinDoseRepositoryFacts(ITestDatabases databases) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await databases.DisposeAsync();

    private async Task<IDbConnectionFactory> NewDatabaseAsync()
    {
        var factory = await databases.NewDatabaseAsync();
        await new MigrationRunner(factory, MigrationCatalog.Embedded(databases.Provider)).MigrateAsync();
        return factory;
    }

    private static ExtractionResult Extract(string sample) => DoseExtractor.Extract(DicomReader.ReadFile(SharedSamples.Path_(sample)));

    private static SkinDoseResult Calculate(ExtractionResult r) => SkinDoseCalculator.Calculate(r.Study!.Device, r.Events, SkinDoseSettings.PySkinDoseExample);

    private static ExtractionResult AsStudy(ExtractionResult r, string uid, DateOnly date) =>
        r with { Study = r.Study! with { StudyInstanceUid = uid, StudyDate = date }, Instance = r.Instance with { SopInstanceUid = uid + ".1" } };

    private static async Task<double?> StudyColumnAsync(IDbConnectionFactory factory, string uid)
    {
        await using var connection = await factory.OpenAsync();
        return await connection.ExecuteScalarAsync<double?>("SELECT peak_skin_dose_gy FROM studies WHERE study_instance_uid = @uid", new { uid });
    }

    [SamplesFact]
    public async Task A_map_is_read_back_cell_for_cell_and_its_peak_is_the_studys()
    {
        var factory = await NewDatabaseAsync();
        var extracted = Extract("pyskindose/siemens_axiom_artis.dcm");
        await new DoseRecordRepository(factory).SaveAsync(extracted);
        var result = Calculate(extracted);
        var skin = new SkinDoseRepository(factory);

        await skin.SaveAsync(extracted.Study!.StudyInstanceUid, extracted.Instance.SopInstanceUid, result, Now);
        await skin.SaveAsync(extracted.Study!.StudyInstanceUid, extracted.Instance.SopInstanceUid, result, Now);

        var stored = Assert.Single(await skin.ForStudyAsync(extracted.Study.StudyInstanceUid));
        Assert.Equal(SkinDoseMethod.Map, stored.Result.Method);
        Assert.Equal(result.PeakSkinDoseGy, stored.Result.PeakSkinDoseGy);
        Assert.Equal(result.PeakLocation, stored.Result.PeakLocation);
        Assert.Equal((result.Map!.Rings, result.Map.Sectors), (stored.Result.Map!.Rings, stored.Result.Map.Sectors));
        Assert.Equal(result.Map.DoseGy, stored.Result.Map.DoseGy);
        Assert.Equal(result.ReferencePointDoseGy, stored.Result.ReferencePointDoseGy);
        Assert.Equal(result.PeakSkinDoseGy, await StudyColumnAsync(factory, extracted.Study.StudyInstanceUid));
        var listed = Assert.Single((await new DoseRecordRepository(factory).ListStudiesAsync(new StudyQuery())).Items);
        Assert.Equal(result.PeakSkinDoseGy, listed.PeakSkinDoseGy);
        var headline = (await skin.HeadlinesAsync([extracted.Study.StudyInstanceUid]))[extracted.Study.StudyInstanceUid];
        Assert.Equal(result.PeakSkinDoseGy, headline.PeakSkinDoseGy);
        Assert.Null(headline.Map);
    }

    [SamplesFact]
    public async Task A_study_with_two_reports_has_the_larger_peak_not_the_sum_and_a_report_without_a_map_keeps_its_reason()
    {
        var factory = await NewDatabaseAsync();
        var extracted = Extract("pyskindose/siemens_axiom_artis.dcm");
        await new DoseRecordRepository(factory).SaveAsync(extracted);
        var uid = extracted.Study!.StudyInstanceUid;
        var result = Calculate(extracted);
        var half = result with { PeakSkinDoseGy = result.PeakSkinDoseGy / 2 };
        var fallback = Calculate(Extract("openrem/RF-RDSR-Siemens-Zee.dcm"));
        var skin = new SkinDoseRepository(factory);

        await skin.SaveAsync(uid, "report.a", half, Now);
        await skin.SaveAsync(uid, "report.b", result, Now);
        await skin.SaveAsync(uid, "report.c", fallback, Now);

        var stored = await skin.ForStudyAsync(uid);
        Assert.Equal(["report.b", "report.a", "report.c"], stored.Select(s => s.SopInstanceUid));
        Assert.Equal(result.PeakSkinDoseGy, await StudyColumnAsync(factory, uid));
        var withoutMap = stored[2].Result;
        Assert.Equal(SkinDoseMethod.ReferencePointDose, withoutMap.Method);
        Assert.Null(withoutMap.Map);
        Assert.Null(withoutMap.PeakSkinDoseGy);
        Assert.Equal(fallback.NotComputedReason, withoutMap.NotComputedReason);
        Assert.Equal(fallback.ReferencePointDoseGy, withoutMap.ReferencePointDoseGy);
    }

    [SamplesFact]
    public async Task A_patients_peaks_within_the_window_are_found_by_pseudonym()
    {
        var factory = await NewDatabaseAsync();
        var extracted = Extract("pyskindose/siemens_axiom_artis.dcm");
        var records = new DoseRecordRepository(factory);
        var skin = new SkinDoseRepository(factory);
        var result = Calculate(extracted);
        var patient = new StoredPatientIdentity(null, "pseudonym-1");
        var other = new StoredPatientIdentity(null, "pseudonym-2");
        var days = new (string Uid, DateOnly Date, StoredPatientIdentity Who)[] { ("1.2.3.1", new DateOnly(2026, 1, 1), patient), ("1.2.3.2", new DateOnly(2026, 2, 1), patient),
            ("1.2.3.3", new DateOnly(2026, 2, 10), other), ("1.2.3.4", new DateOnly(2025, 6, 1), patient) };
        foreach (var (uid, date, who) in days)
        {
            await records.SaveAsync(AsStudy(extracted, uid, date), null, who);
            await skin.SaveAsync(uid, uid + ".1", result, Now);
        }

        var history = await skin.PatientHistoryAsync("1.2.3.2", new DateOnly(2025, 12, 1), new DateOnly(2026, 2, 28));

        Assert.Equal(["1.2.3.1", "1.2.3.2"], history.Select(h => h.StudyInstanceUid));
        Assert.All(history, h => Assert.Equal(result.PeakSkinDoseGy!.Value, h.PeakSkinDoseGy));
    }

    [SamplesFact]
    public async Task The_analysis_stores_peak_skin_dose_alerts_of_the_default_rules_for_one_study_and_for_the_patients_sum()
    {
        // Migration 0031 took the rule types' CHECK off alerts.type: an alert of type peak-skin-dose is stored by both
        // engines. The real report's map is scaled to peaks the default levels (2, 3, 5 Gy; 5 Gy over 84 days) judge.
        var factory = await NewDatabaseAsync();
        var extracted = Extract("pyskindose/siemens_axiom_artis.dcm");
        var records = new DoseRecordRepository(factory);
        var skin = new SkinDoseRepository(factory);
        var result = Calculate(extracted);
        var rules = new RuleRepository(factory, TimeProvider.System);
        await rules.SeedAsync(DefaultRules.All);
        var analysis = new StudyAnalysis(factory, rules, new ProtocolRepository(factory, TimeProvider.System), new AlertRepository(factory, TimeProvider.System), TimeProvider.System);
        var patient = new StoredPatientIdentity(null, "pseudonym-psd");
        (string Uid, DateOnly Date, double PeakGy)[] studies = [("1.2.4.1", new DateOnly(2026, 1, 5), 2.5), ("1.2.4.2", new DateOnly(2026, 2, 20), 3.2)];
        foreach (var (uid, date, peak) in studies)
        {
            await records.SaveAsync(AsStudy(extracted, uid, date), null, patient);
            await skin.SaveAsync(uid, uid + ".1", result with { PeakSkinDoseGy = peak }, Now);
        }

        foreach (var (uid, _, _) in studies) await analysis.AnalyzeAsync(uid, 500, 20);

        await using var connection = await factory.OpenAsync();
        var stored = (await connection.QueryAsync<(string Study, string Rule, double Value, double Threshold, string Unit)>("""
            SELECT a.study_instance_uid, r.name, a.value, a.threshold, a.unit FROM alerts a JOIN rules r ON r.id = a.rule_id
            WHERE a.type = 'peak-skin-dose' ORDER BY a.study_instance_uid, a.threshold, r.name
            """)).ToList();
        Assert.Equal(
        [
            ("1.2.4.1", "Peak skin dose 2 Gy", 2.5, 2.0, "Gy"),
            ("1.2.4.2", "Peak skin dose 2 Gy", 3.2, 2.0, "Gy"),
            ("1.2.4.2", "Peak skin dose 3 Gy (substantial radiation dose level)", 3.2, 3.0, "Gy"),
            ("1.2.4.2", "Cumulative peak skin dose over 12 weeks", 5.7, 5.0, "Gy"), // 2.5 + 3.2, 46 days apart
        ], stored.Select(a => (a.Study, a.Rule, Math.Round(a.Value, 9), a.Threshold, a.Unit)));
        Assert.Empty((await analysis.AnalyzeAsync("1.2.4.2", 500, 20))!.Created);
    }

    [SamplesFact]
    public async Task The_fluoroscopy_dashboard_counts_each_devices_peaks_at_the_alert_levels_and_its_studies_without_a_map()
    {
        var factory = await NewDatabaseAsync();
        var records = new DoseRecordRepository(factory);
        var skin = new SkinDoseRepository(factory);
        var axiom = Extract("pyskindose/siemens_axiom_artis.dcm");
        var mapped = Calculate(axiom);
        var zee = Extract("openrem/RF-RDSR-Siemens-Zee.dcm");
        var fallback = Calculate(zee);
        Assert.Null(fallback.PeakSkinDoseGy);
        // Peaks scaled to straddle the levels: 1.0 < 2 ≤ 2.5 < 3 ≤ 3.2 < 5; one AXIOM study outside the window (7.0 Gy).
        (string Uid, DateOnly Date, double Peak)[] peaks = [("1.2.5.1", new(2026, 11, 1), 1.0), ("1.2.5.2", new(2026, 11, 2), 2.5), ("1.2.5.3", new(2026, 11, 3), 3.2), ("1.2.5.4", new(2025, 1, 3), 7.0)];
        foreach (var (uid, date, peak) in peaks)
        {
            await records.SaveAsync(AsStudy(axiom, uid, date));
            await skin.SaveAsync(uid, uid + ".1", mapped with { PeakSkinDoseGy = peak }, Now);
        }
        await records.SaveAsync(AsStudy(zee, "1.2.5.9", new DateOnly(2026, 11, 4)));
        await skin.SaveAsync("1.2.5.9", "1.2.5.9.1", fallback, Now);

        var devices = await new ModalityDashboardRepository(factory).PeakSkinDoseByDeviceAsync(new DateOnly(2026, 1, 1), new DateOnly(2026, 11, 30), [2, 3, 5]);

        Assert.Equal([axiom.Study!.Device.Key, zee.Study!.Device.Key], devices.Select(d => d.DeviceKey));
        var (withMap, withoutMap) = (devices[0], devices[1]);
        Assert.Equal((3L, 0L, (double?)3.2), (withMap.StudiesWithMap, withMap.StudiesWithoutMap, withMap.MaximumGy));
        Assert.Equal([(2.0, 2L), (3.0, 1L), (5.0, 0L)], withMap.AtOrAboveLevel.OrderBy(l => l.Key).Select(l => (l.Key, l.Value)));
        Assert.Equal((0L, 1L, (double?)null), (withoutMap.StudiesWithMap, withoutMap.StudiesWithoutMap, withoutMap.MaximumGy));
        Assert.All(withoutMap.AtOrAboveLevel.Values, n => Assert.Equal(0L, n));
    }
}

public sealed class SqliteSkinDoseRepositoryFacts() : SkinDoseRepositoryFacts(new SqliteTestDatabases());

public sealed class PostgreSqlSkinDoseRepositoryFacts(PostgresServerFixture postgres)
    : SkinDoseRepositoryFacts(new PostgreSqlTestDatabases(postgres.Server)), IClassFixture<PostgresServerFixture>;
