using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit;

namespace DoseWatch.Tests;

/// <summary>
/// Runs Debian's Python (not the one on PATH) on a script with a JSON request on standard input and reads its JSON
/// answer: the independent computation that statistics tests compare DoseWatch's figures with.
/// </summary>
public static class IndependentPython
{
    /// <param name="arguments">The script's path, or <c>-c</c> and its code.</param>
    public static JsonNode Run(object request, params string[] arguments)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) psi.ArgumentList.Add(argument);
        using var process = Process.Start(psi)!;
        process.StandardInput.Write(JsonSerializer.Serialize(request));
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(30_000), "python did not finish");
        Assert.True(process.ExitCode == 0, process.StandardError.ReadToEnd());
        return JsonNode.Parse(output)!;
    }
}
