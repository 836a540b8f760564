namespace DoseWatch.Dicom.Network.Pdu;

/// <summary>Item and sub-item type bytes (PS3.8 §9.3.2.1–§9.3.3.3, PS3.7 Annex D.3.3).</summary>
public enum ItemType : byte
{
    ApplicationContext = 0x10,
    PresentationContextRq = 0x20,
    PresentationContextAc = 0x21,
    AbstractSyntax = 0x30,
    TransferSyntax = 0x40,
    UserInformation = 0x50,
    MaximumLength = 0x51,
    ImplementationClassUid = 0x52,
    AsynchronousOperationsWindow = 0x53,
    RoleSelection = 0x54,
    ImplementationVersionName = 0x55,
    SopClassExtendedNegotiation = 0x56,
    SopClassCommonExtendedNegotiation = 0x57,
    UserIdentityRq = 0x58,
    UserIdentityAc = 0x59,
}

public static class ApplicationContext
{
    /// <summary>The only application context name DICOM defines (PS3.7 Annex A.2.1).</summary>
    public const string DicomApplicationContextName = "1.2.840.10008.3.1.1.1";
}

/// <summary>Presentation context item of an A-ASSOCIATE-RQ (PS3.8 §9.3.2.2): one abstract syntax, one or more transfer syntaxes.</summary>
public sealed record PresentationContextRq(byte Id, string AbstractSyntax, IReadOnlyList<string> TransferSyntaxes);

/// <summary>Presentation context item of an A-ASSOCIATE-AC (PS3.8 §9.3.3.2). The transfer syntax is significant only when accepted.</summary>
public sealed record PresentationContextAc(byte Id, PresentationContextResult Result, string TransferSyntax);

/// <summary>Result/reason of a presentation context (PS3.8 Table 9-18).</summary>
public enum PresentationContextResult : byte
{
    Acceptance = 0,
    UserRejection = 1,
    NoReason = 2,
    AbstractSyntaxNotSupported = 3,
    TransferSyntaxesNotSupported = 4,
}

/// <summary>
/// User information item (PS3.8 §9.3.2.3, PS3.7 Annex D.3.3): an ordered list of sub-items, kept in the order
/// received so that a decoded PDU re-encodes to the same bytes.
/// </summary>
public sealed record UserInformation(IReadOnlyList<UserInformationSubItem> SubItems)
{
    public uint? MaximumLength => SubItems.OfType<MaximumLengthSubItem>().FirstOrDefault()?.Value;

    public string? ImplementationClassUid => SubItems.OfType<ImplementationClassUidSubItem>().FirstOrDefault()?.Uid;

    public string? ImplementationVersionName => SubItems.OfType<ImplementationVersionNameSubItem>().FirstOrDefault()?.Name;

    public AsynchronousOperationsWindowSubItem? AsynchronousOperationsWindow => SubItems.OfType<AsynchronousOperationsWindowSubItem>().FirstOrDefault();

    public IEnumerable<RoleSelectionSubItem> RoleSelections => SubItems.OfType<RoleSelectionSubItem>();

    public IEnumerable<SopClassExtendedNegotiationSubItem> ExtendedNegotiations => SubItems.OfType<SopClassExtendedNegotiationSubItem>();

    public UserIdentityRqSubItem? UserIdentity => SubItems.OfType<UserIdentityRqSubItem>().FirstOrDefault();
}

public abstract record UserInformationSubItem
{
    public abstract ItemType Type { get; }
}

/// <summary>0x51: the largest P-DATA-TF PDU length field the sender can receive; 0 means no limit (PS3.8 Annex D.1).</summary>
public sealed record MaximumLengthSubItem(uint Value) : UserInformationSubItem
{
    public override ItemType Type => ItemType.MaximumLength;
}

/// <summary>0x52 (PS3.7 D.3.3.2).</summary>
public sealed record ImplementationClassUidSubItem(string Uid) : UserInformationSubItem
{
    public override ItemType Type => ItemType.ImplementationClassUid;
}

/// <summary>0x55 (PS3.7 D.3.3.2), 1–16 characters.</summary>
public sealed record ImplementationVersionNameSubItem(string Name) : UserInformationSubItem
{
    public override ItemType Type => ItemType.ImplementationVersionName;
}

/// <summary>0x53 (PS3.7 D.3.3.3); 0 means unlimited, absence means 1 and 1.</summary>
public sealed record AsynchronousOperationsWindowSubItem(ushort MaxOperationsInvoked, ushort MaxOperationsPerformed) : UserInformationSubItem
{
    public override ItemType Type => ItemType.AsynchronousOperationsWindow;
}

/// <summary>0x54 SCP/SCU role selection (PS3.7 D.3.3.4); the SCU role byte precedes the SCP role byte.</summary>
public sealed record RoleSelectionSubItem(string SopClassUid, bool ScuRole, bool ScpRole) : UserInformationSubItem
{
    public override ItemType Type => ItemType.RoleSelection;
}

/// <summary>0x56 SOP class extended negotiation (PS3.7 D.3.3.5): service-class-specific application information bytes.</summary>
public sealed record SopClassExtendedNegotiationSubItem(string SopClassUid, ReadOnlyMemory<byte> ApplicationInformation) : UserInformationSubItem
{
    public override ItemType Type => ItemType.SopClassExtendedNegotiation;
}

/// <summary>0x57 SOP class common extended negotiation (PS3.7 D.3.3.6).</summary>
public sealed record SopClassCommonExtendedNegotiationSubItem(string SopClassUid, string ServiceClassUid, IReadOnlyList<string> RelatedGeneralSopClassUids) : UserInformationSubItem
{
    public override ItemType Type => ItemType.SopClassCommonExtendedNegotiation;
}

/// <summary>User identity type (PS3.7 Table D.3-14).</summary>
public enum UserIdentityType : byte { Username = 1, UsernameAndPasscode = 2, Kerberos = 3, Saml = 4, Jwt = 5 }

/// <summary>0x58 user identity negotiation, requestor side (PS3.7 D.3.3.7.1).</summary>
public sealed record UserIdentityRqSubItem(UserIdentityType IdentityType, bool PositiveResponseRequested, ReadOnlyMemory<byte> PrimaryField, ReadOnlyMemory<byte> SecondaryField) : UserInformationSubItem
{
    public override ItemType Type => ItemType.UserIdentityRq;
}

/// <summary>0x59 user identity negotiation, acceptor side (PS3.7 D.3.3.7.2).</summary>
public sealed record UserIdentityAcSubItem(ReadOnlyMemory<byte> ServerResponse) : UserInformationSubItem
{
    public override ItemType Type => ItemType.UserIdentityAc;
}

/// <summary>A sub-item type this implementation does not know, carried through unchanged (PS3.8 §9.3.1: unknown items are ignored, not fatal).</summary>
public sealed record UnknownSubItem(byte RawType, ReadOnlyMemory<byte> Content) : UserInformationSubItem
{
    public override ItemType Type => (ItemType)RawType;
}
