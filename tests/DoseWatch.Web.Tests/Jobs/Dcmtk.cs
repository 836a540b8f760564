using System.Diagnostics;
using System.Text.RegularExpressions;

namespace DoseWatch.Web.Tests.Jobs;

/// <summary>DCMTK as the independent reader and a real sender.</summary>
public static partial class Dcmtk
{
    public static async Task<string> RunAsync(string tool, params string[] arguments)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        info.Environment["TCP_NODELAY"] = "1"; // DCMTK leaves Nagle on otherwise: ~40 ms per small write
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0) throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} exited {process.ExitCode}: {await stderr}{await stdout}");
        return await stdout + await stderr;
    }

    /// <summary>The value of a UI element as dcmdump prints it (<c>(0008,0018) UI [1.2.3]</c>).</summary>
    public static async Task<string> ReadUidAsync(string file, string tag)
    {
        var output = await RunAsync("dcmdump", "-q", "-Un", "+P", tag, file);
        var match = UidValue().Match(output);
        return match.Success ? match.Groups[1].Value.TrimEnd('\0', ' ') : throw new InvalidOperationException($"dcmdump found no {tag} in {file}: {output}");
    }

    [GeneratedRegex(@"\) UI \[([^\]]*)\]")]
    private static partial Regex UidValue();
}
