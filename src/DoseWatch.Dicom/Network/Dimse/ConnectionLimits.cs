using System.Collections.Concurrent;
using System.Net;
using DoseWatch.Dicom.Network.Acse;

namespace DoseWatch.Dicom.Network.Dimse;

/// <summary>
/// How many connections a <see cref="DicomListener"/> serves, so that idle or hostile sockets cannot lock modalities
/// out: connections not yet associated (waiting for their A-ASSOCIATE-RQ, which <c>AssociateRequestTimeout</c> keeps
/// short) have their own pool, each peer address has a ceiling, and a few association slots are kept for devices on
/// the allow-list.
/// </summary>
public sealed record ConnectionLimits
{
    /// <summary>Associations served at once for any caller; one more A-ASSOCIATE-RQ is answered "temporary congestion".</summary>
    public int MaxAssociations { get; init; } = 64;

    /// <summary>Further associations only for known devices (allow-listed calling AE, from an allowed address).</summary>
    public int ReservedForKnownDevices { get; init; } = 8;

    /// <summary>Open connections (associated or not) from one peer address; more are closed at once.</summary>
    public int MaxConnectionsPerPeer { get; init; } = 16;

    /// <summary>Connections that have not sent an A-ASSOCIATE-RQ yet; more are closed at once.</summary>
    public int MaxPendingConnections { get; init; } = 256;
}

/// <summary>Connections a listener closed or that ended without any association, counted per peer address and reason.</summary>
public sealed record RefusedConnections(string PeerAddress, string Reason, long Count);

/// <summary>Admission of an association once its caller is known (after the A-ASSOCIATE-RQ).</summary>
public interface IAssociationAdmission
{
    bool TryAdmit(CallerVerdict caller);
}

/// <summary>The bookkeeping behind <see cref="ConnectionLimits"/>: one per listener, thread-safe.</summary>
internal sealed class ConnectionBudget(ConnectionLimits limits)
{
    private readonly ConnectionLimits _limits = limits;
    private readonly object _gate = new();
    private readonly Dictionary<IPAddress, int> _perPeer = [];
    private readonly ConcurrentDictionary<(string Peer, string Reason), long> _refused = new();
    private int _pending;
    private int _general;
    private int _reserved;

    public int Associations { get { lock (_gate) return _general + _reserved; } }

    public int Pending { get { lock (_gate) return _pending; } }

    /// <summary>A new connection from <paramref name="peer"/>: null when it may be served, else why it is closed.</summary>
    public string? TryOpen(IPAddress peer)
    {
        lock (_gate)
        {
            var fromPeer = _perPeer.GetValueOrDefault(peer);
            if (fromPeer >= _limits.MaxConnectionsPerPeer) return $"more than {_limits.MaxConnectionsPerPeer} connections from one address";
            if (_pending >= _limits.MaxPendingConnections) return $"more than {_limits.MaxPendingConnections} connections waiting for an association";
            _perPeer[peer] = fromPeer + 1;
            _pending++;
            return null;
        }
    }

    public Slot Open(IPAddress peer) => new(this, peer);

    public void CountRefused(string peer, string reason) => _refused.AddOrUpdate((peer, reason), 1, (_, n) => n + 1);

    /// <summary>The counts since the last call, cleared.</summary>
    public IReadOnlyList<RefusedConnections> TakeRefused()
    {
        var taken = new List<RefusedConnections>();
        foreach (var key in _refused.Keys)
            if (_refused.TryRemove(key, out var count)) taken.Add(new RefusedConnections(key.Peer, key.Reason, count));
        return taken;
    }

    /// <summary>One open connection's share of the budget: pending until admitted, then a general or reserved slot.</summary>
    internal sealed class Slot(ConnectionBudget budget, IPAddress peer) : IAssociationAdmission, IDisposable
    {
        private enum Kind { Pending, General, Reserved, Closed }
        private Kind _kind;

        public bool TryAdmit(CallerVerdict caller)
        {
            lock (budget._gate)
            {
                if (_kind != Kind.Pending) return _kind != Kind.Closed;
                if (budget._general < budget._limits.MaxAssociations) { budget._general++; _kind = Kind.General; }
                else if (caller == CallerVerdict.Known && budget._reserved < budget._limits.ReservedForKnownDevices) { budget._reserved++; _kind = Kind.Reserved; }
                else return false;
                budget._pending--;
                return true;
            }
        }

        public void Dispose()
        {
            lock (budget._gate)
            {
                switch (_kind)
                {
                    case Kind.Pending: budget._pending--; break;
                    case Kind.General: budget._general--; break;
                    case Kind.Reserved: budget._reserved--; break;
                    case Kind.Closed: return;
                }
                _kind = Kind.Closed;
                var left = budget._perPeer[peer] - 1;
                if (left == 0) budget._perPeer.Remove(peer);
                else budget._perPeer[peer] = left;
            }
        }
    }

}
