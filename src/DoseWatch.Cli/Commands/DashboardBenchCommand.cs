using System.Diagnostics;
using System.Globalization;
using DoseWatch.Cli.Demo;
using DoseWatch.Data.Migrations;
using DoseWatch.Data.Repositories;

namespace DoseWatch.Cli.Commands;

/// <summary>
/// <c>dosewatch bench-dashboards --db TARGET [--runs N]</c>: the server-side time of each query the Overview and CT pages
/// run, with the windows the pages use (anchor = the latest study day), on an existing database (filled by
/// <c>dosewatch demo --into</c>). The first run of each query warms caches and is not counted; the median and the
/// slowest wall time of the rest, and the median CPU time of this process (SQLite's included), are printed as a
/// Markdown table row per query. A benchmark, not a test (scripts/bench-dashboards.sh).
/// </summary>
internal static class DashboardBenchCommand
{
    public const string Usage = "bench-dashboards --db sqlite:PATH|postgresql:CONNECTION_STRING [--runs N]   dashboard query times (ms)";

    public static Task<int> RunAsync(string[] args, TextWriter output) => NetworkArguments.RunAsync(args, "dosewatch " + Usage, async a =>
    {
        var runs = int.Parse(a.Get("--runs", "5"), CultureInfo.InvariantCulture);
        if (runs < 1) throw new ArgumentException("--runs must be at least 1");
        var database = DemoBulkLoad.Open(a.Get("--db", ""));
        try
        {
            // A database kept from an earlier run (bench-dashboards.sh --keep) may predate the build's migrations: bring
            // it up to date first, as the web app would on start, so the queries run on the schema they were written for.
            var migrating = Stopwatch.StartNew();
            var migrated = await new MigrationRunner(database, MigrationCatalog.Embedded(database.Provider)).MigrateAsync();
            if (migrated.Applied.Count > 0)
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"bench-dashboards: applied migration(s) {string.Join(", ", migrated.Applied.Select(m => m.Version))} first, in {migrating.Elapsed.TotalSeconds:0.0} s"));
            var dashboards = new DashboardRepository(database);
            var overview = new OverviewRepository(database);
            var modalities = new ModalityDashboardRepository(database);
            var anchor = await dashboards.LatestStudyDayAsync() ?? DateOnly.FromDateTime(DateTime.UtcNow);
            (string Name, Func<Task> Run)[] queries =
            [
                ("OverviewRepository.CountAsync", () => overview.CountAsync()),
                ("LatestStudyDayAsync", () => dashboards.LatestStudyDayAsync()),
                ("ActivityAsync (7/30 days)", () => dashboards.ActivityAsync(anchor)),
                ("SilentDevicesAsync", () => dashboards.SilentDevicesAsync(anchor)),
                ("DailyMedianStudyDoseAsync (90 days)", () => dashboards.DailyMedianStudyDoseAsync(anchor.AddDays(-89), anchor)),
                ("CtProtocolDosesAsync (365 days, 20 x 2000)", () => dashboards.CtProtocolDosesAsync(anchor.AddDays(-364), anchor, 20, 2000)),
                // The per-modality pages (ModalityDashboard: 365 days, 28-day rolling window, 2000 scatter points).
                ("Modality: CTDIvol boxes per protocol", () => modalities.BoxesByGroupAsync(ModalityQuantities.CtdiVol, anchor.AddDays(-364), anchor)),
                ("Modality: CTDIvol rolling trend", () => modalities.TrendAsync(ModalityQuantities.CtdiVol, anchor.AddDays(-364), anchor, 28)),
                ("Modality: CTDIvol against weight", () => modalities.ScatterAsync(ModalityQuantities.CtdiVol, ModalityQuantities.PatientWeight, anchor.AddDays(-364), anchor)),
                ("Modality: CT HEAD ROUTINE per device", () => modalities.BoxesByDeviceAsync(ModalityQuantities.CtdiVol, "CT HEAD ROUTINE", anchor.AddDays(-364), anchor)),
                ("Modality: CT workload", () => modalities.WorkloadAsync(ModalityQuantities.CtModalities, anchor.AddDays(-364), anchor)),
                ("Modality: fluoroscopy DAP per study", () => modalities.BoxesByGroupAsync(ModalityQuantities.FluoroDap, anchor.AddDays(-364), anchor)),
                ("Modality: fluoroscopy DAP trend", () => modalities.TrendAsync(ModalityQuantities.FluoroDap, anchor.AddDays(-364), anchor, 28)),
                ("Modality: NM activity per radiopharmaceutical", () => modalities.BoxesByGroupAsync(ModalityQuantities.AdministeredActivity, anchor.AddDays(-364), anchor)),
                ("Modality: US MI per preset", () => modalities.BoxesByGroupAsync(ModalityQuantities.MechanicalIndex, anchor.AddDays(-364), anchor)),
                ("Modality: MR SAR per operating mode", () => modalities.SarByOperatingModeAsync(anchor.AddDays(-364), anchor)),
                .. await PageQueriesAsync(modalities, "radiography DAP", ModalityQuantities.RadiographyDap, anchor),
                .. await PageQueriesAsync(modalities, "mammography AGD", ModalityQuantities.Agd, anchor),
                .. await PageQueriesAsync(modalities, "US MI", ModalityQuantities.MechanicalIndex, anchor, boxes: false),
                .. await PageQueriesAsync(modalities, "MR SAR", ModalityQuantities.Sar, anchor),
                .. await PageQueriesAsync(modalities, "NM activity", ModalityQuantities.AdministeredActivity, anchor, boxes: false),
                ("Study browser and Devices: filter choices", () => new DoseRecordRepository(database).FilterChoicesAsync()),
                ("Protocols: raw names", () => modalities.RawProtocolsAsync(anchor.AddDays(-364), anchor)),
                // The Protocols page's medians: every CT protocol's box of the main quantity (ProtocolsPage, 500 groups).
                ("Protocols: CT medians (all protocols)", () => modalities.BoxesByGroupAsync(ModalityDashboardRepository.MainQuantity("CT")!, anchor.AddDays(-364), anchor, 500)),
            ];
            foreach (var (name, run) in queries)
            {
                await run();
                var times = new List<double>();
                var cpu = new List<double>();
                for (var i = 0; i < runs; i++)
                {
                    // CPU time of this process too (SQLite runs in it): on a shared machine the wall time mostly measures the queue.
                    var processor = Process.GetCurrentProcess().TotalProcessorTime;
                    var clock = Stopwatch.StartNew();
                    await run();
                    times.Add(clock.Elapsed.TotalMilliseconds);
                    cpu.Add((Process.GetCurrentProcess().TotalProcessorTime - processor).TotalMilliseconds);
                }
                times.Sort();
                cpu.Sort();
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {times[times.Count / 2]:0.0} | {times[^1]:0.0} | {cpu[cpu.Count / 2]:0} |"));
            }
            return 0;
        }
        finally
        {
            if (database is IAsyncDisposable disposable) await disposable.DisposeAsync();
        }
    });

    /// <summary>
    /// What a modality page runs for its first quantity (ModalityDashboard.QueryAsync): boxes per group, the rolling
    /// trend, the scatter on its first axis, and the boxes per device of the group with the most events (found first,
    /// as the page does). Rows for groups that do not exist in the database are left out.
    /// </summary>
    private static async Task<(string Name, Func<Task> Run)[]> PageQueriesAsync(ModalityDashboardRepository modalities, string label,
        DashboardQuantity quantity, DateOnly anchor, bool boxes = true)
    {
        var from = anchor.AddDays(-364);
        var top = (await modalities.BoxesByGroupAsync(quantity, from, anchor)).FirstOrDefault()?.Key;
        var rows = new List<(string Name, Func<Task> Run)>();
        if (boxes) rows.Add(($"Modality: {label} boxes", () => modalities.BoxesByGroupAsync(quantity, from, anchor)));
        rows.Add(($"Modality: {label} rolling trend", () => modalities.TrendAsync(quantity, from, anchor, 28)));
        rows.Add(($"Modality: {label} against {quantity.ScatterAxes[0].Label.ToLowerInvariant()}", () => modalities.ScatterAsync(quantity, quantity.ScatterAxes[0], from, anchor)));
        if (top is not null) rows.Add(($"Modality: {label} per device ({top})", () => modalities.BoxesByDeviceAsync(quantity, top, from, anchor)));
        return rows.ToArray();
    }
}
