using System.Text.RegularExpressions;
using DoseWatch.Cli.Commands;

namespace DoseWatch.Cli.Tests.Support;

/// <summary>A demo history written once to a temp folder by <c>dosewatch demo --out</c>, shared by a test class.</summary>
public sealed partial class GeneratedHistory : IDisposable
{
    /// <summary>Forty: the smallest history with a planted NM, MR and US outlier besides the CT anomalies.</summary>
    public const int Studies = 40;

    public GeneratedHistory()
    {
        var output = new StringWriter();
        var exit = DemoCommand.RunAsync(["--studies", Studies.ToString(), "--seed", "7", "--end", "2026-11-01", "--out", Directory], output, output)
            .GetAwaiter().GetResult();
        if (exit != 0) throw new InvalidOperationException($"demo failed ({exit}): {output}");
        Files = System.IO.Directory.GetFiles(Directory, "*.dcm").Order(StringComparer.Ordinal).ToList();
        Output = output.ToString();
    }

    /// <summary>What the command printed, one "anomaly KIND: study UID …" line per planted anomaly.</summary>
    public string Output { get; }

    public static IReadOnlyList<(string Kind, string StudyUid)> Anomalies(string output) =>
        AnomalyLine().Matches(output).Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();

    [GeneratedRegex(@"anomaly (\w+): study ([0-9.]+)")]
    private static partial Regex AnomalyLine();

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("dosewatch-demo-test-").FullName;

    public IReadOnlyList<string> Files { get; }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
