using System.Diagnostics;
using System.Text.Json;
using DoseWatch.Tests;

namespace DoseWatch.Dicom.Tests.Sr;

/// <summary>Runs one of this project's reference scripts with Debian's python3 (which has pydicom 2.3.1) and parses its JSON output.</summary>
internal static class PythonReference
{
    private const string DebianPython = "/usr/bin/python3"; // the python3 on PATH is not Debian's and has no pydicom

    public static JsonElement Run(string scriptRelativeToTestProject, IEnumerable<string> args, string? stdin = null)
    {
        var script = Path.Combine(SharedSamples.RepositoryRoot, "tests", "DoseWatch.Dicom.Tests", scriptRelativeToTestProject);
        var psi = new ProcessStartInfo(DebianPython) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        psi.ArgumentList.Add(script);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {DebianPython}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (stdin is not null) p.StandardInput.Write(stdin);
        p.StandardInput.Close();
        if (!p.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} did not finish");
        }
        Assert.True(p.ExitCode == 0, $"{script} failed: {stderr.Result}");
        return JsonDocument.Parse(stdout.Result).RootElement.Clone();
    }
}
