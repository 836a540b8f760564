using System.Net;
using DoseWatch.Dicom.Network.Pdu;

namespace DoseWatch.Dicom.Network.Acse;

/// <summary>A presentation context both sides agreed on: the only ones DIMSE messages may use.</summary>
public sealed record PresentationContext(byte Id, string AbstractSyntax, DicomTransferSyntax TransferSyntax)
{
    public override string ToString() => $"{Id}: {AbstractSyntax} / {TransferSyntax.Uid}";
}

/// <summary>The outcome of negotiating one A-ASSOCIATE-RQ.</summary>
public abstract record NegotiationResult;

public sealed record AssociationAccepted(AAssociateAc Response, IReadOnlyList<PresentationContext> Contexts, CallerVerdict Caller, uint PeerMaxPduLength) : NegotiationResult;

public sealed record AssociationRejected(AAssociateRj Response, string Reason) : NegotiationResult;

/// <summary>
/// ACSE negotiation on the acceptor side as pure functions of the request, the policy and the peer's address
/// (PS3.8 §7.1, PS3.7 Annex D.3): reject with the proper reason, or pick one transfer syntax per context.
/// </summary>
public static class AssociationNegotiation
{
    public static NegotiationResult Negotiate(AAssociateRq rq, AcceptorPolicy policy, IPAddress? peer)
    {
        if (rq.ApplicationContextName != ApplicationContext.DicomApplicationContextName)
            return new AssociationRejected(AAssociateRj.ApplicationContextNotSupported(), $"application context {rq.ApplicationContextName} not supported");
        if (policy.RequireCalledAeTitle && !string.Equals(rq.CalledAeTitle, policy.AeTitle, StringComparison.Ordinal))
            return new AssociationRejected(AAssociateRj.CalledAeTitleNotRecognized(), $"called AE title '{rq.CalledAeTitle}' is not '{policy.AeTitle}'");
        var caller = policy.CallingAeAccess.Evaluate(rq.CallingAeTitle, peer);
        if (caller == CallerVerdict.Rejected)
            return new AssociationRejected(AAssociateRj.CallingAeTitleNotRecognized(), $"calling AE title '{rq.CallingAeTitle}' from {peer} is not on the allow-list");

        var results = rq.PresentationContexts.Select(pc => NegotiateContext(pc, policy)).ToList();
        var accepted = results
            .Where(r => r.Result == PresentationContextResult.Acceptance)
            .Select(r => new PresentationContext(r.Id, rq.PresentationContexts.First(p => p.Id == r.Id).AbstractSyntax, DicomTransferSyntax.FromUid(r.TransferSyntax)))
            .ToList();
        var ac = new AAssociateAc(rq.CalledAeTitle, rq.CallingAeTitle, results, AcceptorUserInformation(rq.UserInformation, accepted, policy), rq.ApplicationContextName);
        return new AssociationAccepted(ac, accepted, caller, rq.UserInformation.MaximumLength ?? 0);
    }

    /// <summary>One presentation context: abstract syntax known? then the first preferred native syntax proposed, else an encapsulated one.</summary>
    public static PresentationContextAc NegotiateContext(PresentationContextRq pc, AcceptorPolicy policy)
    {
        if (!policy.AbstractSyntaxes.Contains(pc.AbstractSyntax))
            return new PresentationContextAc(pc.Id, PresentationContextResult.AbstractSyntaxNotSupported, pc.TransferSyntaxes[0]);
        var proposed = pc.TransferSyntaxes;
        var native = policy.TransferSyntaxPreference.FirstOrDefault(proposed.Contains);
        if (native is not null) return new PresentationContextAc(pc.Id, PresentationContextResult.Acceptance, native);
        // Verification is defined on Implicit VR LE only (PS3.4 A.4): never accept it compressed.
        if (policy.AcceptEncapsulatedTransferSyntaxes && pc.AbstractSyntax != SopClassUids.Verification)
        {
            var encapsulated = proposed.FirstOrDefault(ts => DicomTransferSyntax.FromUid(ts).IsEncapsulated);
            if (encapsulated is not null) return new PresentationContextAc(pc.Id, PresentationContextResult.Acceptance, encapsulated);
        }
        return new PresentationContextAc(pc.Id, PresentationContextResult.TransferSyntaxesNotSupported, proposed[0]);
    }

    /// <summary>
    /// Our user information: maximum length, implementation identity, a 1/1 operations window if one was proposed,
    /// and role selection answers for accepted SOP classes: the requestor may be SCU, never SCP (we do not issue C-GET).
    /// Extended negotiation and user identity are not answered, which PS3.7 D.3.3.5/D.3.3.7 reads as "not supported".
    /// </summary>
    public static UserInformation AcceptorUserInformation(UserInformation rq, IReadOnlyList<PresentationContext> accepted, AcceptorPolicy policy)
    {
        var items = new List<UserInformationSubItem>
        {
            new MaximumLengthSubItem(policy.MaxPduLength),
            new ImplementationClassUidSubItem(policy.ImplementationClassUid),
        };
        if (rq.AsynchronousOperationsWindow is not null) items.Add(new AsynchronousOperationsWindowSubItem(1, 1));
        var acceptedClasses = accepted.Select(c => c.AbstractSyntax).ToHashSet();
        foreach (var role in rq.RoleSelections.Where(r => acceptedClasses.Contains(r.SopClassUid)))
            items.Add(new RoleSelectionSubItem(role.SopClassUid, role.ScuRole, ScpRole: false));
        items.Add(new ImplementationVersionNameSubItem(policy.ImplementationVersionName));
        return new UserInformation(items);
    }

    /// <summary>Requestor side: the contexts of an A-ASSOCIATE-AC that were accepted, matched with what we proposed.</summary>
    public static IReadOnlyList<PresentationContext> AcceptedContexts(AAssociateRq rq, AAssociateAc ac) =>
        ac.PresentationContexts
            .Where(r => r.Result == PresentationContextResult.Acceptance)
            .Select(r => (r, proposed: rq.PresentationContexts.FirstOrDefault(p => p.Id == r.Id)))
            .Where(x => x.proposed is not null && x.proposed.TransferSyntaxes.Contains(x.r.TransferSyntax))
            .Select(x => new PresentationContext(x.r.Id, x.proposed!.AbstractSyntax, DicomTransferSyntax.FromUid(x.r.TransferSyntax)))
            .ToList();

    /// <summary>Builds an A-ASSOCIATE-RQ proposing each (abstract syntax, transfer syntaxes) pair as its own context with odd IDs 1, 3, 5...</summary>
    public static AAssociateRq BuildRequest(string callingAe, string calledAe, IEnumerable<(string AbstractSyntax, IReadOnlyList<string> TransferSyntaxes)> proposals, uint maxPduLength)
    {
        var contexts = proposals.Select((p, i) => new PresentationContextRq((byte)(2 * i + 1), p.AbstractSyntax, p.TransferSyntaxes)).ToList();
        if (contexts.Count > 128) throw new ArgumentException($"{contexts.Count} presentation contexts proposed; PS3.8 allows at most 128 (odd IDs 1-255)");
        var ui = new UserInformation([
            new MaximumLengthSubItem(maxPduLength),
            new ImplementationClassUidSubItem(Implementation.ClassUid),
            new ImplementationVersionNameSubItem(Implementation.VersionName),
        ]);
        return new AAssociateRq(calledAe, callingAe, contexts, ui);
    }
}
