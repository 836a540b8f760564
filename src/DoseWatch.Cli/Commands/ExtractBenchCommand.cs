using System.Diagnostics;
using System.Globalization;
using DoseWatch.Core.Extraction;
using DoseWatch.Dicom;

namespace DoseWatch.Cli.Commands;

/// <summary>
/// <c>dosewatch bench-extract [--seconds N] FILE...</c>: reads each file's header and runs the dose extractor on it, in a
/// loop for a fixed time, and prints files/s. A benchmark, not a test: scripts/bench-extract.sh runs it beside the
/// pydicom reader of the tests (tests/DoseWatch.Core.Tests/independent/read_dose.py) on the same files.
/// </summary>
public static class ExtractBenchCommand
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var seconds = 5.0;
        var files = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--seconds" && i + 1 < args.Length) seconds = double.Parse(args[++i], CultureInfo.InvariantCulture);
            else files.Add(args[i]);
        }
        if (files.Count == 0)
        {
            error.WriteLine("usage: dosewatch bench-extract [--seconds N] FILE...");
            return 2;
        }
        var options = new DicomReadOptions { StopBeforePixelData = true };
        var events = files.Sum(f => DoseExtractor.Extract(DicomReader.ReadFile(f, options)).Events.Count); // warm-up and sanity
        var done = 0L;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            foreach (var f in files) DoseExtractor.Extract(DicomReader.ReadFile(f, options));
            done += files.Count;
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"dosewatch extract: {done} files in {clock.Elapsed.TotalSeconds:F2} s = {done / clock.Elapsed.TotalSeconds:F0} files/s ({files.Count} distinct files, {events} events per pass)"));
        return 0;
    }
}
