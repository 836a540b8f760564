using DoseWatch.Dicom.Network.Acse;

namespace DoseWatch.Dicom.Network.Dimse;

public enum AssociationOutcome
{
    /// <summary>Released in order (A-RELEASE-RQ / RP).</summary>
    Released,
    /// <summary>A-ASSOCIATE-RJ sent (or received, on the requestor side).</summary>
    Rejected,
    /// <summary>The peer sent A-ABORT.</summary>
    AbortedByPeer,
    /// <summary>We aborted: protocol error, invalid PDU, idle timeout or shutdown.</summary>
    Aborted,
    /// <summary>The transport closed with the association open (A-P-ABORT).</summary>
    TransportClosed,
    /// <summary>The connection closed or the ARTIM timer expired before any association existed.</summary>
    NoAssociation,
}

/// <summary>What happened on one association: kept for the log and the DICOM activity view.</summary>
public sealed record AssociationRecord
{
    public Guid Id { get; init; } = Guid.NewGuid();
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset EndedAt { get; set; }
    public string PeerAddress { get; init; } = "";
    public int PeerPort { get; init; }
    public string CallingAeTitle { get; set; } = "";
    public string CalledAeTitle { get; set; } = "";
    public bool Tls { get; init; }
    public CallerVerdict Caller { get; set; } = CallerVerdict.Known;
    public IReadOnlyList<PresentationContext> AcceptedContexts { get; set; } = [];
    public int InstancesStored { get; set; }
    public int FailedInstances { get; set; }
    public int Echoes { get; set; }
    public long BytesReceived { get; set; }
    public AssociationOutcome Outcome { get; set; } = AssociationOutcome.NoAssociation;
    public string? Detail { get; set; }

    public TimeSpan Duration => EndedAt - StartedAt;
}
