using DoseWatch.Dicom.Network.Pdu;

namespace DoseWatch.Dicom.Network.UpperLayer;

/// <summary>What the Upper Layer reports to its user after an incoming event (the indication/confirmation primitives of PS3.8 §7).</summary>
public enum UlIndicationKind
{
    /// <summary>A-ASSOCIATE indication (AE-6): decide, then send AC or RJ.</summary>
    AssociateRequested,
    /// <summary>A-ASSOCIATE confirmation, accept (AE-3).</summary>
    AssociateAccepted,
    /// <summary>A-ASSOCIATE confirmation, reject (AE-4).</summary>
    AssociateRejected,
    /// <summary>P-DATA indication (DT-2, AR-6).</summary>
    Data,
    /// <summary>A-RELEASE indication (AR-2, AR-8): answer with A-RELEASE-RP.</summary>
    ReleaseRequested,
    /// <summary>A-RELEASE confirmation (AR-3, AR-10).</summary>
    ReleaseConfirmed,
    /// <summary>The peer sent A-ABORT (AA-3).</summary>
    AbortedByPeer,
    /// <summary>We aborted: an unexpected, unrecognized or invalid PDU, or the idle timeout (AA-1, AA-8), or a provider reject in AE-6.</summary>
    AbortedLocally,
    /// <summary>A-P-ABORT: the transport closed while an association was open or being set up (AA-4).</summary>
    TransportClosed,
    /// <summary>The transport is closed after an orderly end, or the ARTIM timer expired (AR-5, AA-2, AA-5).</summary>
    Closed,
}

public sealed record UlIndication(UlIndicationKind Kind, ProtocolDataUnit? Pdu = null, string? Detail = null)
{
    /// <summary>True when no association (any more) exists: the user should wait for close and dispose.</summary>
    public bool IsTerminal => Kind is UlIndicationKind.AbortedByPeer or UlIndicationKind.AbortedLocally
        or UlIndicationKind.TransportClosed or UlIndicationKind.Closed or UlIndicationKind.AssociateRejected or UlIndicationKind.ReleaseConfirmed;

    public override string ToString() => Detail is null ? Kind.ToString() : $"{Kind}: {Detail}";
}
