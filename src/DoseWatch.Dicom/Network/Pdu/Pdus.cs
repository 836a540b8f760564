namespace DoseWatch.Dicom.Network.Pdu;

/// <summary>PDU type byte (PS3.8 §9.3, Table 9-11 and following).</summary>
public enum PduType : byte
{
    AAssociateRq = 0x01,
    AAssociateAc = 0x02,
    AAssociateRj = 0x03,
    PDataTf = 0x04,
    AReleaseRq = 0x05,
    AReleaseRp = 0x06,
    AAbort = 0x07,
}

/// <summary>A protocol data unit of the DICOM Upper Layer (PS3.8 §9.3).</summary>
public abstract record ProtocolDataUnit
{
    public abstract PduType Type { get; }
}

/// <summary>
/// A-ASSOCIATE-RQ (PS3.8 §9.3.2). AE titles are kept without their space padding; the application context item,
/// the presentation context items and the user information item are kept in that order, which is the order PS3.8 requires.
/// </summary>
public sealed record AAssociateRq(
    string CalledAeTitle,
    string CallingAeTitle,
    IReadOnlyList<PresentationContextRq> PresentationContexts,
    UserInformation UserInformation,
    string ApplicationContextName = ApplicationContext.DicomApplicationContextName,
    ushort ProtocolVersion = 1) : ProtocolDataUnit
{
    public override PduType Type => PduType.AAssociateRq;
}

/// <summary>A-ASSOCIATE-AC (PS3.8 §9.3.3): one presentation context result per proposed context.</summary>
public sealed record AAssociateAc(
    string CalledAeTitle,
    string CallingAeTitle,
    IReadOnlyList<PresentationContextAc> PresentationContexts,
    UserInformation UserInformation,
    string ApplicationContextName = ApplicationContext.DicomApplicationContextName,
    ushort ProtocolVersion = 1) : ProtocolDataUnit
{
    public override PduType Type => PduType.AAssociateAc;
}

/// <summary>A-ASSOCIATE-RJ (PS3.8 §9.3.4).</summary>
public sealed record AAssociateRj(AssociateRejectResult Result, AssociateRejectSource Source, byte Reason) : ProtocolDataUnit
{
    public override PduType Type => PduType.AAssociateRj;

    public static AAssociateRj CalledAeTitleNotRecognized() =>
        new(AssociateRejectResult.RejectedPermanent, AssociateRejectSource.ServiceUser, (byte)ServiceUserRejectReason.CalledAeTitleNotRecognized);

    public static AAssociateRj CallingAeTitleNotRecognized() =>
        new(AssociateRejectResult.RejectedPermanent, AssociateRejectSource.ServiceUser, (byte)ServiceUserRejectReason.CallingAeTitleNotRecognized);

    public static AAssociateRj ApplicationContextNotSupported() =>
        new(AssociateRejectResult.RejectedPermanent, AssociateRejectSource.ServiceUser, (byte)ServiceUserRejectReason.ApplicationContextNameNotSupported);

    public static AAssociateRj NoReasonGiven() =>
        new(AssociateRejectResult.RejectedPermanent, AssociateRejectSource.ServiceUser, (byte)ServiceUserRejectReason.NoReasonGiven);

    public static AAssociateRj ProtocolVersionNotSupported() =>
        new(AssociateRejectResult.RejectedPermanent, AssociateRejectSource.ServiceProviderAcse, 2);

    public static AAssociateRj TemporaryCongestion() =>
        new(AssociateRejectResult.RejectedTransient, AssociateRejectSource.ServiceProviderPresentation, 1);

    public override string ToString() => $"A-ASSOCIATE-RJ result {(byte)Result} source {(byte)Source} reason {Reason}";
}

public enum AssociateRejectResult : byte { RejectedPermanent = 1, RejectedTransient = 2 }

public enum AssociateRejectSource : byte { ServiceUser = 1, ServiceProviderAcse = 2, ServiceProviderPresentation = 3 }

/// <summary>Reasons for source 1 (DICOM UL service-user), PS3.8 Table 9-21.</summary>
public enum ServiceUserRejectReason : byte
{
    NoReasonGiven = 1,
    ApplicationContextNameNotSupported = 2,
    CallingAeTitleNotRecognized = 3,
    CalledAeTitleNotRecognized = 7,
}

/// <summary>
/// P-DATA-TF (PS3.8 §9.3.5). A PDU read by <see cref="PduReader"/> points into the reader's buffer:
/// its fragments are valid only until the next read.
/// </summary>
public sealed record PDataTf(IReadOnlyList<Pdv> Pdvs) : ProtocolDataUnit
{
    public override PduType Type => PduType.PDataTf;
}

/// <summary>
/// A presentation data value item (PS3.8 §9.3.5.1, Annex E.2): a fragment of a command or data set, flagged by
/// the message control header (bit 0 command, bit 1 last fragment).
/// </summary>
public readonly record struct Pdv(byte PresentationContextId, bool IsCommand, bool IsLastFragment, ReadOnlyMemory<byte> Fragment)
{
    public byte MessageControlHeader => (byte)((IsCommand ? 1 : 0) | (IsLastFragment ? 2 : 0));

    /// <summary>Bytes a PDV adds around its fragment: item length (4), context ID (1), control header (1).</summary>
    public const int Overhead = 6;
}

/// <summary>A-RELEASE-RQ (PS3.8 §9.3.6).</summary>
public sealed record AReleaseRq : ProtocolDataUnit
{
    public override PduType Type => PduType.AReleaseRq;
}

/// <summary>A-RELEASE-RP (PS3.8 §9.3.7).</summary>
public sealed record AReleaseRp : ProtocolDataUnit
{
    public override PduType Type => PduType.AReleaseRp;
}

/// <summary>A-ABORT (PS3.8 §9.3.8). The reason is meaningful only when the source is the service provider.</summary>
public sealed record AAbort(AbortSource Source, AbortReason Reason) : ProtocolDataUnit
{
    public override PduType Type => PduType.AAbort;

    public static AAbort ByServiceUser() => new(AbortSource.ServiceUser, AbortReason.NotSpecified);

    public static AAbort ByServiceProvider(AbortReason reason) => new(AbortSource.ServiceProvider, reason);
}

public enum AbortSource : byte { ServiceUser = 0, Reserved = 1, ServiceProvider = 2 }

/// <summary>A-ABORT reason/diag (PS3.8 Table 9-26).</summary>
public enum AbortReason : byte
{
    NotSpecified = 0,
    UnrecognizedPdu = 1,
    UnexpectedPdu = 2,
    UnrecognizedPduParameter = 4,
    UnexpectedPduParameter = 5,
    InvalidPduParameterValue = 6,
}
