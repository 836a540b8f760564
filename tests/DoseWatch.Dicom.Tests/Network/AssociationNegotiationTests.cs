using System.Net;
using DoseWatch.Dicom.Network.Acse;
using DoseWatch.Dicom.Network.Pdu;

namespace DoseWatch.Dicom.Tests.Network;

/// <summary>ACSE negotiation as pure functions: reject reasons from PS3.8 Table 9-21, transfer syntax choice, role selection.</summary>
public class AssociationNegotiationTests
{
    private static readonly AcceptorPolicy Policy = new() { AeTitle = "DOSEWATCH" };

    private static AAssociateRq Rq(string called = "DOSEWATCH", string calling = "CT1", params (string, string[])[] contexts) =>
        AssociationNegotiation.BuildRequest(calling, called,
            contexts.Length == 0 ? [(SopClassUids.CtImage, ["1.2.840.10008.1.2"])] : contexts.Select(c => (c.Item1, (IReadOnlyList<string>)c.Item2)), 16384);

    [Fact]
    public void RejectReasonsFollowPs38()
    {
        var calledWrong = Assert.IsType<AssociationRejected>(AssociationNegotiation.Negotiate(Rq(called: "OTHER"), Policy, null)).Response;
        Assert.Equal((AssociateRejectResult.RejectedPermanent, AssociateRejectSource.ServiceUser, (byte)7), (calledWrong.Result, calledWrong.Source, calledWrong.Reason));

        var strict = Policy with { CallingAeAccess = new CallingAeAccess([new KnownCaller("CT1", [IPAddress.Parse("10.0.0.5")])], Strict: true) };
        var fromElsewhere = Assert.IsType<AssociationRejected>(AssociationNegotiation.Negotiate(Rq(), strict, IPAddress.Parse("10.0.0.6"))).Response;
        Assert.Equal((byte)3, fromElsewhere.Reason);
        Assert.IsType<AssociationAccepted>(AssociationNegotiation.Negotiate(Rq(), strict, IPAddress.Parse("::ffff:10.0.0.5")));

        var badContext = Rq() with { ApplicationContextName = "1.2.3" };
        Assert.Equal((byte)2, Assert.IsType<AssociationRejected>(AssociationNegotiation.Negotiate(badContext, Policy, null)).Response.Reason);

        var congestion = AAssociateRj.TemporaryCongestion();
        Assert.Equal((AssociateRejectResult.RejectedTransient, AssociateRejectSource.ServiceProviderPresentation, (byte)1), (congestion.Result, congestion.Source, congestion.Reason));
    }

    [Fact]
    public void UnknownCallerIsAcceptedButFlaggedWhenNotStrict()
    {
        var open = Policy with { CallingAeAccess = new CallingAeAccess([new KnownCaller("CT1")], Strict: false) };
        Assert.Equal(CallerVerdict.UnknownAccepted, Assert.IsType<AssociationAccepted>(AssociationNegotiation.Negotiate(Rq(calling: "NEW_CT"), open, null)).Caller);
        Assert.Equal(CallerVerdict.Known, Assert.IsType<AssociationAccepted>(AssociationNegotiation.Negotiate(Rq(calling: "CT1"), open, null)).Caller);
    }

    [Theory]
    [InlineData("1.2.840.10008.1.2.2,1.2.840.10008.1.2,1.2.840.10008.1.2.1", "1.2.840.10008.1.2.1")]  // explicit LE first whatever the order proposed
    [InlineData("1.2.840.10008.1.2.2,1.2.840.10008.1.2", "1.2.840.10008.1.2")]                         // then implicit LE
    [InlineData("1.2.840.10008.1.2.4.70,1.2.840.10008.1.2.2", "1.2.840.10008.1.2.2")]                  // a native one before an encapsulated one
    [InlineData("1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.90")]                                   // encapsulated only: accepted as proposed
    [InlineData("1.2.840.10008.1.2.1.99", "1.2.840.10008.1.2.1.99")]                                   // deflated
    public void TransferSyntaxPreference(string proposed, string chosen)
    {
        var ac = AssociationNegotiation.NegotiateContext(new PresentationContextRq(1, SopClassUids.CtImage, proposed.Split(',')), Policy);
        Assert.Equal((PresentationContextResult.Acceptance, chosen), (ac.Result, ac.TransferSyntax));
    }

    [Fact]
    public void ContextResultsForUnsupportedAbstractAndTransferSyntaxes()
    {
        Assert.Equal(PresentationContextResult.AbstractSyntaxNotSupported,
            AssociationNegotiation.NegotiateContext(new PresentationContextRq(1, "1.2.840.10008.5.1.4.1.1.104.1", ["1.2.840.10008.1.2"]), Policy).Result);
        Assert.Equal(PresentationContextResult.TransferSyntaxesNotSupported,
            AssociationNegotiation.NegotiateContext(new PresentationContextRq(1, SopClassUids.Verification, ["1.2.840.10008.1.2.4.70"]), Policy).Result);
        var noEncapsulated = Policy with { AcceptEncapsulatedTransferSyntaxes = false };
        Assert.Equal(PresentationContextResult.TransferSyntaxesNotSupported,
            AssociationNegotiation.NegotiateContext(new PresentationContextRq(1, SopClassUids.CtImage, ["1.2.840.10008.1.2.4.70"]), noEncapsulated).Result);
    }

    [Fact]
    public void AcceptorAnswersRoleSelectionAsScuOnlyAndAdvertisesItsMaximum()
    {
        var rq = Rq() with
        {
            UserInformation = new UserInformation([new MaximumLengthSubItem(0), new ImplementationClassUidSubItem("1.2"),
                new RoleSelectionSubItem(SopClassUids.CtImage, true, true), new RoleSelectionSubItem(SopClassUids.MrImage, true, false),
                new AsynchronousOperationsWindowSubItem(5, 5)]),
        };
        var accepted = Assert.IsType<AssociationAccepted>(AssociationNegotiation.Negotiate(rq, Policy, null));
        var ui = accepted.Response.UserInformation;
        Assert.Equal(Policy.MaxPduLength, ui.MaximumLength);
        var role = Assert.Single(ui.RoleSelections);  // MR was not proposed as a context: no answer for it
        Assert.Equal((SopClassUids.CtImage, true, false), (role.SopClassUid, role.ScuRole, role.ScpRole));
        Assert.Equal((ushort)1, ui.AsynchronousOperationsWindow!.MaxOperationsInvoked);
        Assert.Equal(0u, accepted.PeerMaxPduLength);
    }

    [Fact]
    public void RequestorMatchesAcceptedContextsWithWhatItProposed()
    {
        var rq = Rq(contexts: [(SopClassUids.CtImage, ["1.2.840.10008.1.2"]), (SopClassUids.MrImage, ["1.2.840.10008.1.2.1"])]);
        var ac = new AAssociateAc("DOSEWATCH", "CT1",
            [new PresentationContextAc(1, PresentationContextResult.Acceptance, "1.2.840.10008.1.2"),
             new PresentationContextAc(3, PresentationContextResult.Acceptance, "1.2.840.10008.1.2.2")],  // not proposed: ignored
            new UserInformation([new MaximumLengthSubItem(16384)]));
        var context = Assert.Single(AssociationNegotiation.AcceptedContexts(rq, ac));
        Assert.Equal(((byte)1, SopClassUids.CtImage), (context.Id, context.AbstractSyntax));
    }
}
