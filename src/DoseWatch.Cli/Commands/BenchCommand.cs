using System.Diagnostics;
using System.Globalization;
using DoseWatch.Dicom;

namespace DoseWatch.Cli.Commands;

/// <summary>
/// <c>dosewatch bench parse FILE...</c>: parses the files in a loop from disk (page cache, like the reference tools
/// get) for a fixed time and prints files/s. A benchmark, not a test: scripts/bench-parse.sh runs it beside pydicom
/// and dcmdump in the same run and docs/benchmarks.md records the results.
/// </summary>
public static class BenchCommand
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length == 0 || args[0] != "parse")
        {
            error.WriteLine("usage: dosewatch bench parse [--stop-before-pixels] [--seconds N] [--table LABEL] [--in-memory] FILE...");
            return 2;
        }
        var stop = false;
        var seconds = 5.0;
        string? tableLabel = null;
        var inMemory = false;
        var files = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--stop-before-pixels": stop = true; break;
                case "--in-memory": inMemory = true; break; // parser alone: no open/read system calls
                case "--seconds" when i + 1 < args.Length: seconds = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--table" when i + 1 < args.Length: tableLabel = args[++i]; break;
                default: files.Add(args[i]); break;
            }
        }
        if (files.Count == 0)
        {
            error.WriteLine("bench parse: no files");
            return 2;
        }
        var options = new DicomReadOptions { StopBeforePixelData = stop };
        var elements = 0L;
        foreach (var f in files) elements += CountElements(DicomReader.ReadFile(f, options).DataSet); // warm-up and sanity
        var contents = inMemory ? files.Select(File.ReadAllBytes).ToArray() : [];
        var parsed = 0L;
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var bestPass = TimeSpan.MaxValue;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            var passStart = clock.Elapsed;
            if (inMemory)
                foreach (var bytes in contents) DicomReader.Read(new MemoryStream(bytes, writable: false), options);
            else
                foreach (var f in files) DicomReader.ReadFile(f, options);
            parsed += files.Count;
            // On a shared machine the fastest pass is the least disturbed one: reported beside the averages.
            if (clock.Elapsed - passStart < bestPass) bestPass = clock.Elapsed - passStart;
        }
        var bestRate = files.Count / bestPass.TotalSeconds;
        var allocatedPerFile = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / Math.Max(1, parsed);
        var rate = parsed / clock.Elapsed.TotalSeconds;
        var cpuRate = parsed / (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        output.WriteLine(tableLabel is not null
            ? string.Create(CultureInfo.InvariantCulture, $"| {tableLabel,-42} | {rate,9:F0} | {cpuRate,9:F0} | {bestRate,9:F0} |")
            : string.Create(CultureInfo.InvariantCulture,
                $"dosewatch: {parsed} files in {clock.Elapsed.TotalSeconds:F2} s = {rate:F0} files/s, {cpuRate:F0} files per CPU second, {bestRate:F0} files/s in the fastest pass, {allocatedPerFile:N0} bytes allocated per file ({files.Count} distinct files, {elements} elements per pass)"));
        return 0;
    }

    private static long CountElements(DicomDataSet dataSet)
    {
        long n = 0;
        foreach (var e in dataSet)
        {
            n++;
            if (e is DicomSequence sq)
                foreach (var item in sq.Items) n += CountElements(item);
        }
        return n;
    }
}
