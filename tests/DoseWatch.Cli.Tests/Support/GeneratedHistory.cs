using DoseWatch.Cli.Commands;

namespace DoseWatch.Cli.Tests.Support;

/// <summary>A demo history written once to a temp folder by <c>dosewatch demo --out</c>, shared by a test class.</summary>
public sealed class GeneratedHistory : IDisposable
{
    public const int Studies = 40;

    public GeneratedHistory()
    {
        var output = new StringWriter();
        var exit = DemoCommand.RunAsync(["--studies", Studies.ToString(), "--seed", "7", "--end", "2026-11-01", "--out", Directory], output, output)
            .GetAwaiter().GetResult();
        if (exit != 0) throw new InvalidOperationException($"demo failed ({exit}): {output}");
        Files = System.IO.Directory.GetFiles(Directory, "*.dcm").Order(StringComparer.Ordinal).ToList();
    }

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("dosewatch-demo-test-").FullName;

    public IReadOnlyList<string> Files { get; }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
