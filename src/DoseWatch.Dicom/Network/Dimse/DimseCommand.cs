using System.Buffers.Binary;
using System.Text;

namespace DoseWatch.Dicom.Network.Dimse;

/// <summary>
/// A DIMSE command set (PS3.7 §9.3, §E.1): group 0000 elements, always Implicit VR Little Endian, led by the
/// Command Group Length. Wraps a <see cref="DicomDataSet"/> with the fields DIMSE needs.
/// </summary>
public sealed class DimseCommand
{
    /// <summary>Command sets are small; anything larger than this is refused rather than buffered.</summary>
    public const int MaxEncodedLength = 64 * 1024;

    public DimseCommand(DicomDataSet elements) => Elements = elements;

    public DicomDataSet Elements { get; }

    public CommandField CommandField => (CommandField)(Elements.GetUInt16(CommandTags.CommandField) ?? 0);
    public ushort MessageId => Elements.GetUInt16(CommandTags.MessageId) ?? 0;
    public ushort MessageIdBeingRespondedTo => Elements.GetUInt16(CommandTags.MessageIdBeingRespondedTo) ?? 0;
    public string? AffectedSopClassUid => Elements.GetString(CommandTags.AffectedSopClassUid);
    public string? AffectedSopInstanceUid => Elements.GetString(CommandTags.AffectedSopInstanceUid);
    public bool HasDataSet => (Elements.GetUInt16(CommandTags.CommandDataSetType) ?? CommandTags.NoDataSet) != CommandTags.NoDataSet;
    public DimseStatus Status => new(Elements.GetUInt16(CommandTags.Status) ?? 0xFFFF);
    public string? ErrorComment => Elements.GetString(CommandTags.ErrorComment);

    public static DimseCommand CEchoRq(ushort messageId) => new(new DicomDataSet()
        .SetString(CommandTags.AffectedSopClassUid, DicomVR.UI, Acse.SopClassUids.Verification)
        .SetUInt16(CommandTags.CommandField, (ushort)CommandField.CEchoRq)
        .SetUInt16(CommandTags.MessageId, messageId)
        .SetUInt16(CommandTags.CommandDataSetType, CommandTags.NoDataSet));

    public static DimseCommand CEchoRsp(DimseCommand rq, DimseStatus status) => new(new DicomDataSet()
        .SetString(CommandTags.AffectedSopClassUid, DicomVR.UI, EchoedUid(rq.AffectedSopClassUid) ?? Acse.SopClassUids.Verification)
        .SetUInt16(CommandTags.CommandField, (ushort)CommandField.CEchoRsp)
        .SetUInt16(CommandTags.MessageIdBeingRespondedTo, rq.MessageId)
        .SetUInt16(CommandTags.CommandDataSetType, CommandTags.NoDataSet)
        .SetUInt16(CommandTags.Status, status.Code));

    public static DimseCommand CStoreRq(ushort messageId, string sopClassUid, string sopInstanceUid, DimsePriority priority = DimsePriority.Medium) => new(new DicomDataSet()
        .SetString(CommandTags.AffectedSopClassUid, DicomVR.UI, sopClassUid)
        .SetUInt16(CommandTags.CommandField, (ushort)CommandField.CStoreRq)
        .SetUInt16(CommandTags.MessageId, messageId)
        .SetUInt16(CommandTags.Priority, (ushort)priority)
        .SetUInt16(CommandTags.CommandDataSetType, 0x0000)
        .SetString(CommandTags.AffectedSopInstanceUid, DicomVR.UI, sopInstanceUid));

    public static DimseCommand CStoreRsp(DimseCommand rq, DimseStatus status, string? errorComment = null)
    {
        var ds = new DicomDataSet()
            .SetString(CommandTags.AffectedSopClassUid, DicomVR.UI, EchoedUid(rq.AffectedSopClassUid) ?? "")
            .SetUInt16(CommandTags.CommandField, (ushort)CommandField.CStoreRsp)
            .SetUInt16(CommandTags.MessageIdBeingRespondedTo, rq.MessageId)
            .SetUInt16(CommandTags.CommandDataSetType, CommandTags.NoDataSet)
            .SetUInt16(CommandTags.Status, status.Code)
            .SetString(CommandTags.AffectedSopInstanceUid, DicomVR.UI, EchoedUid(rq.AffectedSopInstanceUid) ?? "");
        if (errorComment is not null) ds.SetString(CommandTags.ErrorComment, DicomVR.LO, errorComment.Length > 64 ? errorComment[..64] : errorComment);
        return new DimseCommand(ds);
    }

    /// <summary>A response to a request we cannot serve (PS3.7 C.5: 0x0211 unrecognized operation).</summary>
    public static DimseCommand FailureRsp(DimseCommand rq, DimseStatus status) => new(new DicomDataSet()
        .SetString(CommandTags.AffectedSopClassUid, DicomVR.UI, EchoedUid(rq.AffectedSopClassUid) ?? "")
        .SetUInt16(CommandTags.CommandField, (ushort)((ushort)rq.CommandField | 0x8000))
        .SetUInt16(CommandTags.MessageIdBeingRespondedTo, rq.MessageId)
        .SetUInt16(CommandTags.CommandDataSetType, CommandTags.NoDataSet)
        .SetUInt16(CommandTags.Status, status.Code));

    /// <summary>
    /// A request's UID as a response repeats it ("=" in PS3.7 tables): only a valid UID; one with a byte outside the
    /// UI repertoire (a non-ASCII byte, a letter) cannot be encoded and is sent empty, with the failure status that
    /// the request earned.
    /// </summary>
    private static string? EchoedUid(string? uid) => uid is null ? null : DicomUid.IsValid(uid) ? uid : "";

    /// <summary>True when every UID the request carries is a valid UID (PS3.5 §9.1).</summary>
    public bool HasValidUids =>
        (AffectedSopClassUid is null || DicomUid.IsValid(AffectedSopClassUid)) && (AffectedSopInstanceUid is null || DicomUid.IsValid(AffectedSopInstanceUid));

    /// <summary>Encodes as Implicit VR Little Endian (the codec's writer) with a correct Command Group Length first.</summary>
    public byte[] Encode()
    {
        var body = DicomWriter.Encode(new DicomDataSet(Elements.Where(e => e.Tag.Group == 0 && e.Tag.Element != 0)), DicomTransferSyntax.ImplicitVRLittleEndian);
        var buffer = new byte[12 + body.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(buffer, 0x0000);
        BinaryPrimitives.WriteUInt16LittleEndian(buffer.AsSpan(2), 0x0000);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(4), 4);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(8), (uint)body.Length);
        body.CopyTo(buffer, 12);
        return buffer;
    }

    /// <summary>Decodes an Implicit VR LE command set with the codec's reader; anything else than group 0000 is a <see cref="DicomFormatException"/>.</summary>
    public static DimseCommand Decode(ReadOnlySpan<byte> bytes)
    {
        var ds = DicomReader.ReadDataSet(new MemoryStream(bytes.ToArray(), writable: false), DicomTransferSyntax.ImplicitVRLittleEndian);
        if (ds.FirstOrDefault(e => e.Tag.Group != 0) is { } stray) throw new DicomFormatException("Invalid DIMSE command set: element outside group 0000", 0, stray.Tag);
        if (!ds.Contains(CommandTags.CommandField)) throw new DicomFormatException("Invalid DIMSE command set: no Command Field (0000,0100)", bytes.Length);
        return new DimseCommand(ds);
    }

    public override string ToString()
    {
        var sb = new StringBuilder($"{CommandField} id {(CommandField.HasFlag((CommandField)0x8000) ? MessageIdBeingRespondedTo : MessageId)}");
        if (AffectedSopInstanceUid is { } uid) sb.Append(' ').Append(uid);
        if (Elements.Contains(CommandTags.Status)) sb.Append(" status ").Append(Status);
        return sb.ToString();
    }
}
