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
        .SetString(CommandTags.AffectedSopClassUid, DicomVR.UI, rq.AffectedSopClassUid ?? Acse.SopClassUids.Verification)
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
            .SetString(CommandTags.AffectedSopClassUid, DicomVR.UI, rq.AffectedSopClassUid ?? "")
            .SetUInt16(CommandTags.CommandField, (ushort)CommandField.CStoreRsp)
            .SetUInt16(CommandTags.MessageIdBeingRespondedTo, rq.MessageId)
            .SetUInt16(CommandTags.CommandDataSetType, CommandTags.NoDataSet)
            .SetUInt16(CommandTags.Status, status.Code)
            .SetString(CommandTags.AffectedSopInstanceUid, DicomVR.UI, rq.AffectedSopInstanceUid ?? "");
        if (errorComment is not null) ds.SetString(CommandTags.ErrorComment, DicomVR.LO, errorComment.Length > 64 ? errorComment[..64] : errorComment);
        return new DimseCommand(ds);
    }

    /// <summary>A response to a request we cannot serve (PS3.7 C.5: 0x0211 unrecognized operation).</summary>
    public static DimseCommand FailureRsp(DimseCommand rq, DimseStatus status) => new(new DicomDataSet()
        .SetString(CommandTags.AffectedSopClassUid, DicomVR.UI, rq.AffectedSopClassUid ?? "")
        .SetUInt16(CommandTags.CommandField, (ushort)((ushort)rq.CommandField | 0x8000))
        .SetUInt16(CommandTags.MessageIdBeingRespondedTo, rq.MessageId)
        .SetUInt16(CommandTags.CommandDataSetType, CommandTags.NoDataSet)
        .SetUInt16(CommandTags.Status, status.Code));

    /// <summary>Encodes as Implicit VR Little Endian with a correct Command Group Length first.</summary>
    public byte[] Encode()
    {
        var body = Elements.Where(e => e.Tag.Group == 0 && e.Tag.Element != 0).ToList();
        var length = body.Sum(e => 8 + e.Value.Length);
        var buffer = new byte[12 + length];
        var span = buffer.AsSpan();
        WriteHeader(span, CommandTags.CommandGroupLength, 4);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], (uint)length);
        var pos = 12;
        foreach (var e in body)
        {
            WriteHeader(span[pos..], e.Tag, e.Value.Length);
            e.Value.Span.CopyTo(span[(pos + 8)..]);
            pos += 8 + e.Value.Length;
        }
        return buffer;
    }

    private static void WriteHeader(Span<byte> span, DicomTag tag, int length)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(span, tag.Group);
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], tag.Element);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], (uint)length);
    }

    /// <summary>Decodes an Implicit VR LE command set; anything that is not a well-formed group 0000 is a <see cref="DicomFormatException"/>.</summary>
    public static DimseCommand Decode(ReadOnlySpan<byte> bytes)
    {
        var ds = new DicomDataSet();
        var pos = 0;
        while (pos < bytes.Length)
        {
            if (bytes.Length - pos < 8) throw Error("truncated element header", pos);
            var tag = new DicomTag(BinaryPrimitives.ReadUInt16LittleEndian(bytes[pos..]), BinaryPrimitives.ReadUInt16LittleEndian(bytes[(pos + 2)..]));
            var length = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(pos + 4)..]);
            if (tag.Group != 0) throw Error("element outside group 0000", pos, tag);
            if (length > (uint)(bytes.Length - pos - 8)) throw Error($"length {length} runs past the end ({bytes.Length - pos - 8} bytes left)", pos, tag);
            ds.Set(new DicomElement(tag, CommandTags.VROf(tag), bytes.Slice(pos + 8, (int)length).ToArray()));
            pos += 8 + (int)length;
        }
        if (!ds.Contains(CommandTags.CommandField)) throw Error("no Command Field (0000,0100)", pos);
        return new DimseCommand(ds);
    }

    private static DicomFormatException Error(string what, long offset, DicomTag? tag = null) => new($"Invalid DIMSE command set: {what}", offset, tag);

    public override string ToString()
    {
        var sb = new StringBuilder($"{CommandField} id {(CommandField.HasFlag((CommandField)0x8000) ? MessageIdBeingRespondedTo : MessageId)}");
        if (AffectedSopInstanceUid is { } uid) sb.Append(' ').Append(uid);
        if (Elements.Contains(CommandTags.Status)) sb.Append(" status ").Append(Status);
        return sb.ToString();
    }
}
