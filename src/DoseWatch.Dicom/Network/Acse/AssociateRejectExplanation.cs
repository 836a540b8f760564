using DoseWatch.Dicom.Network.Pdu;

namespace DoseWatch.Dicom.Network.Acse;

/// <summary>
/// An A-ASSOCIATE-RJ in words (PS3.8 §9.3.4, Table 9-21): who refused, why, whether retrying later can help, and what
/// the person who asked for the association can change. Its numbers are kept at the end for the peer's log.
/// </summary>
public static class AssociateRejectExplanation
{
    public static string Describe(AAssociateRj rj, AAssociateRq? request = null)
    {
        var why = (rj.Source, rj.Reason) switch
        {
            (AssociateRejectSource.ServiceUser, 1) => "the peer gave no reason",
            (AssociateRejectSource.ServiceUser, 2) => "the peer does not support the DICOM application context",
            (AssociateRejectSource.ServiceUser, 3) =>
                $"the peer does not accept our calling AE title{Quoted(request?.CallingAeTitle)}: add it to the peer's list of known AEs, or call with an AE title it knows",
            (AssociateRejectSource.ServiceUser, 7) =>
                $"the peer is not called{Quoted(request?.CalledAeTitle)}: use the AE title the peer is configured with as the called AE",
            (AssociateRejectSource.ServiceProviderAcse, 1) => "the peer's association service gave no reason",
            (AssociateRejectSource.ServiceProviderAcse, 2) => "the peer does not support protocol version 1",
            (AssociateRejectSource.ServiceProviderPresentation, 1) => "the peer is busy (temporary congestion)",
            (AssociateRejectSource.ServiceProviderPresentation, 2) => "the peer has reached its limit of simultaneous associations",
            _ => "the peer gave a reason the standard reserves",
        };
        var permanence = rj.Result == AssociateRejectResult.RejectedTransient ? "rejected for now (retrying later may succeed)" : "rejected";
        return $"Association {permanence}: {why} (A-ASSOCIATE-RJ result {(byte)rj.Result}, source {(byte)rj.Source}, reason {rj.Reason})";
    }

    private static string Quoted(string? aeTitle) => aeTitle is null ? "" : $" '{aeTitle}'";
}
