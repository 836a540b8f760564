using System.Text.Json;
using DoseWatch.Dicom.Tests.IO;
using DoseWatch.Tests;

namespace DoseWatch.Dicom.Tests.Sr;

/// <summary>Runs one of this project's pydicom reference scripts with Debian's python3 and parses the JSON it prints.</summary>
internal static class PythonReference
{
    public static JsonElement Run(string scriptRelativeToTestProject, IEnumerable<string> args)
    {
        var script = Path.Combine(SharedSamples.RepositoryRoot, "tests", "DoseWatch.Dicom.Tests", scriptRelativeToTestProject);
        var run = ExternalTool.Run(ExternalTool.DebianPython, [script, .. args], TimeSpan.FromMinutes(2));
        Assert.True(run.ExitCode == 0, $"{script} failed: {run.StdErr}");
        return JsonDocument.Parse(run.StdOut).RootElement.Clone();
    }
}
