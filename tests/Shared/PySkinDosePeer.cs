using System.Diagnostics;
using System.Text.Json;

namespace DoseWatch.Tests;

/// <summary>
/// PySkinDose 25.1.1 (../shared/peers) run at test time on the same file, headless, with its example settings and the
/// cylinder phantom (../shared/peers/run_psd.py), in a temporary folder (it writes corrections.db where it runs).
/// </summary>
public static class PySkinDosePeer
{
    public static string PeersDirectory => Path.Combine(SharedSamples.SharedDirectory, "peers");

    /// <summary>PySkinDose's own example RDSRs, read in place like the samples.</summary>
    public static string ExampleData(string name) =>
        Path.Combine(PeersDirectory, "pyskindose-25.1.1", "src", "pyskindose", "example_data", "RDSR", name);

    /// <summary>Peak skin dose in mGy, or the error PySkinDose raised (message) when it could not compute one.</summary>
    public sealed record Outcome(double? PeakSkinDoseMGy, double? ReferencePointKermaMGy, int? HitCells, string? Error);

    public static Outcome Run(string file, bool patchKisq = true)
    {
        var work = Directory.CreateTempSubdirectory("dosewatch-psd-");
        try
        {
            var psi = new ProcessStartInfo("/usr/bin/python3")
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = work.FullName,
            };
            psi.Environment["PYTHONPATH"] = Path.Combine(PeersDirectory, "pyskindose-25.1.1", "src");
            foreach (var a in new[] { Path.Combine(PeersDirectory, "run_psd.py"), file, "--phantom", "cylinder" }) psi.ArgumentList.Add(a);
            if (patchKisq) psi.ArgumentList.Add("--patch-kisq");
            using var process = Process.Start(psi)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(300_000))
            {
                process.Kill(true);
                throw new TimeoutException($"PySkinDose did not finish on {file}");
            }
            var line = stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(l => l.StartsWith('{'))
                ?? throw new InvalidOperationException($"PySkinDose printed no result for {file} (exit {process.ExitCode}): {stderr.Result}");
            var result = JsonDocument.Parse(line).RootElement.GetProperty("result");
            if (result.TryGetProperty("error", out var error)) return new Outcome(null, null, null, error.GetString());
            return new Outcome(result.GetProperty("psd_mgy").GetDouble(), result.GetProperty("air_kerma_mgy").GetDouble(),
                result.GetProperty("hit_cells").GetInt32(), null);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}
