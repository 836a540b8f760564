using DoseWatch.Dicom.Network.Dimse;

namespace DoseWatch.Cli.Commands;

/// <summary>
/// The running DoseWatch Store SCP that <c>import</c> and <c>demo</c> feed. They send by C-STORE rather than writing to
/// the database so that durability, de-duplication, inbox rows and extraction jobs are exactly those of a modality's send.
/// Defaults match appsettings.json: localhost, Dicom:Port 11112, AE title DOSEWATCH.
/// </summary>
internal sealed record StoreTarget(string Host, int Port, string CalledAe, string CallingAe)
{
    public const string Usage = "[--host H] [--port P] [--aec CALLED_AE] [--aet CALLING_AE]";

    public static StoreTarget From(NetworkArguments a, string callingAe)
    {
        var portText = a.Get("--port", "11112");
        if (!int.TryParse(portText, out var port) || port is < 1 or > 65535) throw new ArgumentException($"--port {portText} is not a TCP port");
        return new StoreTarget(a.Get("--host", "localhost"), port, a.Get("--aec", ConfiguredAeTitle.Value), a.Get("--aet", callingAe));
    }

    /// <summary>Sends the files over one association; each file that is not stored gets one line on <paramref name="error"/> with its reason.</summary>
    public async Task<SendTally> SendAsync(IReadOnlyList<string> files, TextWriter error, CancellationToken ct = default)
    {
        var results = await FileSender.SendAsync(Host, Port, CallingAe, CalledAe, files, ct: ct);
        var tally = new SendTally();
        foreach (var r in results)
        {
            if (r.Succeeded) { tally.Stored++; continue; }
            if (r.Status is null && r.SopInstanceUid is null) { tally.Skipped++; error.WriteLine($"skipped {r.Path}: {r.Error}"); continue; }
            tally.Failed++;
            error.WriteLine($"failed {r.Path}: {(r.Status is { } s ? $"C-STORE status {s}" : r.Error)}");
        }
        return tally;
    }
}

internal sealed class SendTally
{
    public int Stored { get; set; }
    public int Failed { get; set; }
    public int Skipped { get; set; }

    public void Add(SendTally other)
    {
        Stored += other.Stored;
        Failed += other.Failed;
        Skipped += other.Skipped;
    }

    public override string ToString() => $"{Stored} stored, {Failed} failed, {Skipped} skipped (not DICOM)";
}
