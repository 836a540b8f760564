using System.Diagnostics;
using System.Globalization;
using DoseWatch.Core.Extraction;
using DoseWatch.Core.SkinDose;
using DoseWatch.Dicom;

namespace DoseWatch.Cli.Commands;

/// <summary>
/// <c>dosewatch bench-skin-dose [--events N] [--runs R] FILE</c>: the skin dose map of an N-event procedure (default 200)
/// made of the real RDSR's events repeated in turn, computed R times (default 10); prints each run's time and the median.
/// A benchmark, not a test (docs/skin-dose.md): the target is under 1 s for 200 events.
/// </summary>
public static class SkinDoseBenchCommand
{
    public const string Usage = "bench-skin-dose [--events N] [--runs R] FILE   time the skin dose map of an N-event procedure built from FILE's events";

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        int events = 200, runs = 10;
        string? file = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--events" && i + 1 < args.Length) events = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--runs" && i + 1 < args.Length) runs = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else file = args[i];
        }
        if (file is null || events < 1 || runs < 1)
        {
            error.WriteLine("usage: dosewatch " + Usage);
            return 2;
        }
        var extracted = DoseExtractor.Extract(DicomReader.ReadFile(file, new DicomReadOptions { StopBeforePixelData = true }));
        if (extracted.Study is null || extracted.Events.Count == 0)
        {
            error.WriteLine($"{file}: no irradiation events to build a procedure from");
            return 1;
        }
        var procedure = Enumerable.Range(0, events).Select(i => extracted.Events[i % extracted.Events.Count] with { EventUid = $"bench.{i}" }).ToList();
        var warmUp = SkinDoseCalculator.Calculate(extracted.Study.Device, procedure, SkinDoseSettings.PySkinDoseExample);
        if (warmUp.Method != SkinDoseMethod.Map)
        {
            error.WriteLine($"{file}: no map can be computed ({warmUp.NotComputedReason})");
            return 1;
        }
        var times = new List<double>();
        for (var r = 0; r < runs; r++)
        {
            var clock = Stopwatch.StartNew();
            SkinDoseCalculator.Calculate(extracted.Study.Device, procedure, SkinDoseSettings.PySkinDoseExample);
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"dosewatch skin dose map: {events} events on {warmUp.Map!.Rings * warmUp.Map.Sectors} skin cells, {runs} runs: median {times[times.Count / 2]:F1} ms, min {times[0]:F1} ms, max {times[^1]:F1} ms (peak {warmUp.PeakSkinDoseGy * 1000:0.###} mGy)"));
        return 0;
    }
}
