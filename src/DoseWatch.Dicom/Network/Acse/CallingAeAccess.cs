using System.Net;

namespace DoseWatch.Dicom.Network.Acse;

/// <summary>A known device: a calling AE title, optionally bound to the addresses it may call from.</summary>
public sealed record KnownCaller(string AeTitle, IReadOnlyList<IPAddress>? Addresses = null);

public enum CallerVerdict
{
    /// <summary>On the allow-list (and from an allowed address).</summary>
    Known,
    /// <summary>Not on the list, but unknown devices are accepted and flagged for review.</summary>
    UnknownAccepted,
    /// <summary>Refused: A-ASSOCIATE-RJ with "calling AE title not recognized".</summary>
    Rejected,
}

/// <summary>Who may associate (an allow-list of calling AE titles, optionally bound to peer IPs).</summary>
/// <param name="Strict">When true, callers not on the list are rejected; when false they are accepted but flagged.</param>
public sealed record CallingAeAccess(IReadOnlyList<KnownCaller> KnownCallers, bool Strict)
{
    public static CallingAeAccess AcceptAnyone { get; } = new([], Strict: false);

    public CallerVerdict Evaluate(string callingAeTitle, IPAddress? peer)
    {
        var matches = KnownCallers.Where(k => string.Equals(k.AeTitle, callingAeTitle, StringComparison.Ordinal)).ToList();
        var known = matches.Any(k => k.Addresses is null || k.Addresses.Count == 0 || (peer is not null && k.Addresses.Any(a => Same(a, peer))));
        if (known) return CallerVerdict.Known;
        return Strict ? CallerVerdict.Rejected : CallerVerdict.UnknownAccepted;
    }

    private static bool Same(IPAddress a, IPAddress b) =>
        (a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a).Equals(b.IsIPv4MappedToIPv6 ? b.MapToIPv4() : b);
}
