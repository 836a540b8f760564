using System.Diagnostics;

namespace DoseWatch.Core.Tests;

/// <summary>Runs an independent tool (pydicom scripts, DCMTK) and returns its standard output; a failure or hang fails the test with the tool's message.</summary>
public static class ExternalTool
{
    public static string Run(string fileName, IEnumerable<string> arguments, int timeoutMs = 120_000)
    {
        var psi = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeoutMs))
        {
            process.Kill(true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments.Take(3))} did not finish");
        }
        if (process.ExitCode != 0) throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} failed: {stderr.Result}");
        return stdout.Result;
    }

    public static string Python(string script, params string[] arguments) =>
        Run("/usr/bin/python3", [Path.Combine(IndependentReading.ScriptDirectory, script), .. arguments]);
}
