using DoseWatch.Core.Analysis;
using DoseWatch.Core.Domain;
using DoseWatch.Data.Repositories;
using DoseWatch.Tests;

namespace DoseWatch.Data.Tests.Repositories;

/// <summary>
/// Device display names (migration 0039) on both engines: the one labelling query of the dashboards, the device lists
/// and the alert inbox name a device by what an administrator gave it, else station · model · manufacturer of its latest
/// study, and fall back again when the name is removed. The studies are seeded, so the expected labels are their inputs.
/// </summary>
public abstract class DeviceNameRepositoryFacts(ITestDatabases databases) : MigratedDatabaseFacts(databases)
{
    private static readonly DateOnly Day = new(2026, 11, 20);

    // One scanner (one observer UID) whose station name changed between its two studies, and a second scanner.
    private static readonly DeviceIdentity Renamed = new("SIEMENS", "Skyra", "MR_OLD", null, "2.25.9001");
    private static readonly DeviceIdentity Current = new("SIEMENS", "Skyra", "MR_1", null, "2.25.9001");
    private static readonly DeviceIdentity Other = new("GE", "Signa", "MR_2", null, "2.25.9002");

    private async Task SaveStudiesAsync()
    {
        var repository = new DoseRecordRepository(Factory);
        var studies = new[] { ("2.25.90011", Day.AddDays(-10), Renamed), ("2.25.90012", Day, Current), ("2.25.90021", Day, Other) };
        foreach (var (uid, day, device) in studies)
        {
            var study = new Study(uid, null, day, new TimeOnly(9, 0), "MR", "MR BRAIN", new PatientCharacteristics(null, null, null, null, null), device);
            var ev = new IrradiationEvent { EventUid = uid + ".1", EventKeyKind = "SeriesInstanceUid", Source = DoseSourceKind.MrImageHeader, Protocol = "t2_tse_tra", SarWPerKg = 1.5 };
            await repository.SaveAsync(new ExtractionResult(ExtractionKind.DoseObject, new SourceInstance("1.2.840.10008.5.1.4.1.1.4", uid + ".1.1", uid + ".1", "MR"),
                study, [ev], AccumulatedDose.None, [], []));
        }
    }

    private async Task<IReadOnlyDictionary<string, string>> EveryLabelAsync(DeviceNameRepository names)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, label) in await names.LabelsAsync([Current.Key, Other.Key])) labels["dashboard " + key] = label;
        foreach (var d in (await new DoseRecordRepository(Factory).FilterChoicesAsync()).Devices) labels["choice " + d.DeviceKey] = d.Label;
        foreach (var (_, s) in await new AlertRepository(Factory).StudiesAsync(["2.25.90012", "2.25.90021"])) labels["alert " + s.DeviceKey] = s.DeviceLabel;
        foreach (var box in await new ModalityDashboardRepository(Factory).BoxesByDeviceAsync(ModalityQuantities.Sar, "t2_tse_tra", Day.AddDays(-30), Day))
            labels["box " + box.Key] = box.Label;
        return labels;
    }

    private static void AllAre(IReadOnlyDictionary<string, string> labels, string deviceKey, string expected)
    {
        var ofDevice = labels.Where(l => l.Key.EndsWith(" " + deviceKey, StringComparison.Ordinal)).ToList();
        Assert.Equal(4, ofDevice.Count); // dashboard, device list, alert inbox, modality boxes
        Assert.All(ofDevice, l => Assert.Equal(expected, l.Value));
    }

    [Fact]
    public async Task Without_a_display_name_a_device_is_named_by_its_latest_study_with_one_every_page_uses_it()
    {
        await SaveStudiesAsync();
        var names = new DeviceNameRepository(Factory);
        Assert.Equal(Current.Key, Renamed.Key);

        var before = await EveryLabelAsync(names);
        AllAre(before, Current.Key, "MR_1 · Skyra · SIEMENS");
        AllAre(before, Other.Key, "MR_2 · Signa · GE");

        Assert.Null(await names.SetAsync(Current.Key, "  MR 1 (Neuro)  ", "admin", DateTimeOffset.UtcNow));
        var named = await EveryLabelAsync(names);
        AllAre(named, Current.Key, "MR 1 (Neuro)");
        AllAre(named, Other.Key, "MR_2 · Signa · GE");
        Assert.Equal(new Dictionary<string, string> { [Current.Key] = "MR 1 (Neuro)" }, await names.DisplayNamesAsync());

        // A second edit replaces the first and reports it; a blank one removes the name.
        Assert.Equal("MR 1 (Neuro)", await names.SetAsync(Current.Key, "Neuro MR", "admin", DateTimeOffset.UtcNow));
        AllAre(await EveryLabelAsync(names), Current.Key, "Neuro MR");
        Assert.Equal("Neuro MR", await names.SetAsync(Current.Key, " ", "admin", DateTimeOffset.UtcNow));
        AllAre(await EveryLabelAsync(names), Current.Key, "MR_1 · Skyra · SIEMENS");
        Assert.Empty(await names.DisplayNamesAsync());
    }

    [Fact]
    public async Task Only_devices_that_sent_a_study_are_known_and_over_long_names_are_refused()
    {
        await SaveStudiesAsync();
        var names = new DeviceNameRepository(Factory);

        Assert.True(await names.IsKnownAsync(Other.Key));
        Assert.False(await names.IsKnownAsync("uid:2.25.404"));
        await Assert.ThrowsAsync<ArgumentException>(() => names.SetAsync(Other.Key, new string('x', DeviceNameRepository.MaximumLength + 1), "admin", DateTimeOffset.UtcNow));
        Assert.Empty(await names.DisplayNamesAsync());
    }
}

public sealed class SqliteDeviceNameRepositoryFacts() : DeviceNameRepositoryFacts(new SqliteTestDatabases());

public sealed class PostgreSqlDeviceNameRepositoryFacts(PostgresServerFixture postgres)
    : DeviceNameRepositoryFacts(new PostgreSqlTestDatabases(postgres.Server)), IClassFixture<PostgresServerFixture>;
