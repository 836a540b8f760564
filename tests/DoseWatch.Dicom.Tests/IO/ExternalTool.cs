using System.Diagnostics;
using DoseWatch.Tests;

namespace DoseWatch.Dicom.Tests.IO;

/// <summary>Runs an independent reference tool (dcmdump, dcmconv, dciodvfy, Debian's python3 with pydicom) and captures its output.</summary>
internal static class ExternalTool
{
    /// <summary>Debian's interpreter: the python3 on PATH is not Debian's and has no pydicom.</summary>
    public const string DebianPython = "/usr/bin/python3";

    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    public static Result Run(string exe, IEnumerable<string> args, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        // DCMTK also loads private.dic, which gives known private tags a VR in Implicit VR files. DoseWatch reads
        // unknown private elements as UN (PS3.5 §6.2.2) and has no private dictionary, so compare like with like.
        psi.Environment["DCMDICTPATH"] = "/usr/share/libdcmtk17/dicom.dic";
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {exe}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout ?? TimeSpan.FromSeconds(60)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{exe} {string.Join(' ', args)} did not finish");
        }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    public static string TestScript(string name) => Path.Combine(SharedSamples.RepositoryRoot, "tests", "DoseWatch.Dicom.Tests", "IO", name);
}

/// <summary>A temp directory removed after the test (generated files never land in the repository).</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("dosewatch-codec-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
