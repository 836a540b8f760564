using DoseWatch.Dicom.Network.Pdu;

namespace DoseWatch.Dicom.Network.Acse;

/// <summary>What an acceptor agrees to: its AE title, who may call, which SOP classes, in which transfer syntax order.</summary>
public sealed record AcceptorPolicy
{
    public required string AeTitle { get; init; }

    /// <summary>When false any called AE title is accepted (useful behind a router that rewrites titles).</summary>
    public bool RequireCalledAeTitle { get; init; } = true;

    public CallingAeAccess CallingAeAccess { get; init; } = CallingAeAccess.AcceptAnyone;

    /// <summary>Abstract syntaxes accepted; Verification should be among them.</summary>
    public IReadOnlySet<string> AbstractSyntaxes { get; init; } = new HashSet<string>([SopClassUids.Verification, .. SopClassUids.DefaultStorage]);

    /// <summary>Native transfer syntaxes in order of preference: the first one the requestor proposes wins.</summary>
    public IReadOnlyList<string> TransferSyntaxPreference { get; init; } =
    [
        DicomTransferSyntax.ExplicitVRLittleEndian.Uid,
        DicomTransferSyntax.ImplicitVRLittleEndian.Uid,
        DicomTransferSyntax.DeflatedExplicitVRLittleEndian.Uid,
        DicomTransferSyntax.ExplicitVRBigEndian.Uid,
    ];

    /// <summary>Accept a context offering only encapsulated (compressed) syntaxes; the data are stored as received, never decoded.</summary>
    public bool AcceptEncapsulatedTransferSyntaxes { get; init; } = true;

    public uint MaxPduLength { get; init; } = 128 * 1024;

    public string ImplementationClassUid { get; init; } = Implementation.ClassUid;

    public string ImplementationVersionName { get; init; } = Implementation.VersionName;
}

/// <summary>DoseWatch's implementation identity (PS3.7 D.3.3.2): the same as in the files it writes.</summary>
public static class Implementation
{
    public const string ClassUid = DicomFileMeta.ImplementationClassUid;
    public const string VersionName = DicomFileMeta.ImplementationVersionName;
}
