using System.Net;
using DoseWatch.Data;
using DoseWatch.Data.Repositories;
using DoseWatch.Dicom.Network.Acse;
using Microsoft.Extensions.Options;

namespace DoseWatch.Web.Dicom;

/// <summary>
/// The Store SCP's calling-AE allow-list as it stands now: the configuration file's <c>Dicom:KnownDevices</c> plus the
/// remote nodes marked "sends to us" in the database, each bound to its host when that is an IP address. The acceptor
/// reads <see cref="Current"/> for every association request, so an edit in the browser applies to the next association
/// without a restart; <see cref="ReloadAsync"/> runs after each edit here and periodically (another application node
/// sharing the PostgreSQL database picks up an edit within <see cref="ReloadInterval"/>).
/// </summary>
public sealed class CallingAeAllowList(IOptions<DicomScpOptions> options, IServiceProvider services, ILogger<CallingAeAllowList> logger)
{
    public static readonly TimeSpan ReloadInterval = TimeSpan.FromSeconds(30);

    private volatile CallingAeAccess? _current;

    /// <summary>The list in force; the configuration file's alone until the database was first read.</summary>
    public CallingAeAccess Current => _current ??= FromConfiguration();

    /// <summary>Reads the nodes again; on a database error the list in force stays (logged), so a blip rejects nobody new.</summary>
    public async Task ReloadAsync(CancellationToken ct = default)
    {
        // The bare Store SCP host (tests, the CLI listener) has no database: the configuration file alone.
        if (services.GetService<IDbConnectionFactory>() is null) return;
        try
        {
            var nodes = await services.GetRequiredService<DicomNodeRepository>().ListAsync(ct);
            _current = Combine(options.Value, nodes);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "The calling-AE allow-list could not be read from the database; the previous list stays in force");
        }
    }

    public static CallingAeAccess Combine(DicomScpOptions o, IEnumerable<DicomNode> nodes) => new(
        [.. o.ConfiguredCallers(), .. nodes.Where(n => n.SendsToUs).Select(n =>
            new KnownCaller(n.AeTitle, IPAddress.TryParse(n.Host, out var address) ? [address] : null))],
        Strict: !o.AcceptUnknownDevices);

    private CallingAeAccess FromConfiguration() => new(options.Value.ConfiguredCallers(), Strict: !options.Value.AcceptUnknownDevices);
}
