using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace DoseWatch.Tests.Network;

/// <summary>Runs a real peer (DCMTK, Orthanc, Java) as a child process with Nagle off, with a hard timeout.</summary>
public static class PeerProcess
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr)
    {
        public string All => StdOut + StdErr;
    }

    public static async Task<Result> RunAsync(string fileName, IEnumerable<string> args, TimeSpan? timeout = null, string? workingDirectory = null)
    {
        using var p = Start(fileName, args, workingDirectory);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', args)} did not finish in {timeout}: {await stdout}{await stderr}");
        }
        return new Result(p.ExitCode, await stdout, await stderr);
    }

    public static Process Start(string fileName, IEnumerable<string> args, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["TCP_NODELAY"] = "1";
        return Process.Start(psi) ?? throw new InvalidOperationException($"could not start {fileName}");
    }

    /// <summary>A port free right now on 127.0.0.1 (for peers that cannot be given port 0).</summary>
    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public static async Task WaitForPortAsync(int port, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var c = new TcpClient();
                await c.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }
}
