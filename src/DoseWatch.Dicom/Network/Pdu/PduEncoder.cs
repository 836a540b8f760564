using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace DoseWatch.Dicom.Network.Pdu;

/// <summary>Encodes PDUs to bytes (PS3.8 §9.3). Every multi-byte field is big endian.</summary>
public static class PduEncoder
{
    public const int HeaderLength = 6;

    public static byte[] Encode(ProtocolDataUnit pdu)
    {
        var w = new ArrayBufferWriter<byte>(256);
        Encode(pdu, w);
        return w.WrittenSpan.ToArray();
    }

    public static void Encode(ProtocolDataUnit pdu, IBufferWriter<byte> output)
    {
        var body = new ArrayBufferWriter<byte>(256);
        switch (pdu)
        {
            case AAssociateRq rq:
                WriteAssociateFixedPart(body, rq.ProtocolVersion, rq.CalledAeTitle, rq.CallingAeTitle);
                WriteUidItem(body, ItemType.ApplicationContext, rq.ApplicationContextName);
                foreach (var pc in rq.PresentationContexts) WritePresentationContextRq(body, pc);
                WriteUserInformation(body, rq.UserInformation);
                break;
            case AAssociateAc ac:
                WriteAssociateFixedPart(body, ac.ProtocolVersion, ac.CalledAeTitle, ac.CallingAeTitle);
                WriteUidItem(body, ItemType.ApplicationContext, ac.ApplicationContextName);
                foreach (var pc in ac.PresentationContexts) WritePresentationContextAc(body, pc);
                WriteUserInformation(body, ac.UserInformation);
                break;
            case AAssociateRj rj:
                body.Write<byte>([0, (byte)rj.Result, (byte)rj.Source, rj.Reason]);
                break;
            case PDataTf p:
                foreach (var pdv in p.Pdvs) WritePdv(body, pdv);
                break;
            case AReleaseRq or AReleaseRp:
                body.Write<byte>([0, 0, 0, 0]);
                break;
            case AAbort a:
                body.Write<byte>([0, 0, (byte)a.Source, (byte)a.Reason]);
                break;
            default:
                throw new ArgumentException($"Unknown PDU {pdu.GetType().Name}", nameof(pdu));
        }
        var header = output.GetSpan(HeaderLength);
        header[0] = (byte)pdu.Type;
        header[1] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(header[2..], (uint)body.WrittenCount);
        output.Advance(HeaderLength);
        output.Write(body.WrittenSpan);
    }

    /// <summary>Writes the 6-byte P-DATA-TF header and one PDV header for a single fragment into <paramref name="header"/> (12 bytes).</summary>
    public static void WritePDataHeader(Span<byte> header, byte presentationContextId, bool isCommand, bool isLast, int fragmentLength)
    {
        header[0] = (byte)PduType.PDataTf;
        header[1] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(header[2..], (uint)(fragmentLength + Pdv.Overhead));
        BinaryPrimitives.WriteUInt32BigEndian(header[6..], (uint)(fragmentLength + 2));
        header[10] = presentationContextId;
        header[11] = (byte)((isCommand ? 1 : 0) | (isLast ? 2 : 0));
    }

    private static void WriteAssociateFixedPart(ArrayBufferWriter<byte> w, ushort version, string called, string calling)
    {
        var span = w.GetSpan(68);
        span[..68].Clear();
        BinaryPrimitives.WriteUInt16BigEndian(span, version);
        WriteAeTitle(span.Slice(4, 16), called);
        WriteAeTitle(span.Slice(20, 16), calling);
        w.Advance(68);
    }

    private static void WriteAeTitle(Span<byte> field, string ae)
    {
        field.Fill((byte)' ');
        Encoding.ASCII.GetBytes(ae.AsSpan(0, Math.Min(16, ae.Length)), field);
    }

    private static void WriteItemHeader(ArrayBufferWriter<byte> w, byte type, int length)
    {
        if (length > ushort.MaxValue) throw new ArgumentException($"Item 0x{type:X2} is {length} bytes, over the 65535 an item length holds");
        var span = w.GetSpan(4);
        span[0] = type;
        span[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], (ushort)length);
        w.Advance(4);
    }

    private static void WriteUidItem(ArrayBufferWriter<byte> w, ItemType type, string uid)
    {
        WriteItemHeader(w, (byte)type, Encoding.ASCII.GetByteCount(uid));
        w.Write(Encoding.ASCII.GetBytes(uid));
    }

    private static void WritePresentationContextRq(ArrayBufferWriter<byte> w, PresentationContextRq pc)
    {
        var inner = new ArrayBufferWriter<byte>(128);
        inner.Write<byte>([pc.Id, 0, 0, 0]);
        WriteUidItem(inner, ItemType.AbstractSyntax, pc.AbstractSyntax);
        foreach (var ts in pc.TransferSyntaxes) WriteUidItem(inner, ItemType.TransferSyntax, ts);
        WriteItemHeader(w, (byte)ItemType.PresentationContextRq, inner.WrittenCount);
        w.Write(inner.WrittenSpan);
    }

    private static void WritePresentationContextAc(ArrayBufferWriter<byte> w, PresentationContextAc pc)
    {
        var inner = new ArrayBufferWriter<byte>(64);
        inner.Write<byte>([pc.Id, 0, (byte)pc.Result, 0]);
        WriteUidItem(inner, ItemType.TransferSyntax, pc.TransferSyntax);
        WriteItemHeader(w, (byte)ItemType.PresentationContextAc, inner.WrittenCount);
        w.Write(inner.WrittenSpan);
    }

    private static void WriteUserInformation(ArrayBufferWriter<byte> w, UserInformation ui)
    {
        var inner = new ArrayBufferWriter<byte>(128);
        foreach (var item in ui.SubItems) WriteSubItem(inner, item);
        WriteItemHeader(w, (byte)ItemType.UserInformation, inner.WrittenCount);
        w.Write(inner.WrittenSpan);
    }

    private static void WriteSubItem(ArrayBufferWriter<byte> w, UserInformationSubItem item)
    {
        var c = new ArrayBufferWriter<byte>(64);
        switch (item)
        {
            case MaximumLengthSubItem m: WriteU32(c, m.Value); break;
            case ImplementationClassUidSubItem u: c.Write(Encoding.ASCII.GetBytes(u.Uid)); break;
            case ImplementationVersionNameSubItem v: c.Write(Encoding.ASCII.GetBytes(v.Name)); break;
            case AsynchronousOperationsWindowSubItem a: WriteU16(c, a.MaxOperationsInvoked); WriteU16(c, a.MaxOperationsPerformed); break;
            case RoleSelectionSubItem r:
                WriteLengthPrefixed(c, r.SopClassUid);
                c.Write<byte>([(byte)(r.ScuRole ? 1 : 0), (byte)(r.ScpRole ? 1 : 0)]);
                break;
            case SopClassExtendedNegotiationSubItem e:
                WriteLengthPrefixed(c, e.SopClassUid);
                c.Write(e.ApplicationInformation.Span);
                break;
            case SopClassCommonExtendedNegotiationSubItem ce:
                WriteLengthPrefixed(c, ce.SopClassUid);
                WriteLengthPrefixed(c, ce.ServiceClassUid);
                var related = new ArrayBufferWriter<byte>(64);
                foreach (var uid in ce.RelatedGeneralSopClassUids) WriteLengthPrefixed(related, uid);
                WriteU16(c, (ushort)related.WrittenCount);
                c.Write(related.WrittenSpan);
                break;
            case UserIdentityRqSubItem id:
                c.Write<byte>([(byte)id.IdentityType, (byte)(id.PositiveResponseRequested ? 1 : 0)]);
                WriteU16(c, (ushort)id.PrimaryField.Length);
                c.Write(id.PrimaryField.Span);
                WriteU16(c, (ushort)id.SecondaryField.Length);
                c.Write(id.SecondaryField.Span);
                break;
            case UserIdentityAcSubItem ac:
                WriteU16(c, (ushort)ac.ServerResponse.Length);
                c.Write(ac.ServerResponse.Span);
                break;
            case UnknownSubItem u:
                c.Write(u.Content.Span);
                break;
        }
        // 0x57 carries a sub-item version (0) where other items have a reserved byte; both are zero.
        WriteItemHeader(w, (byte)item.Type, c.WrittenCount);
        w.Write(c.WrittenSpan);
    }

    private static void WriteLengthPrefixed(ArrayBufferWriter<byte> w, string uid)
    {
        var bytes = Encoding.ASCII.GetBytes(uid);
        WriteU16(w, (ushort)bytes.Length);
        w.Write(bytes);
    }

    private static void WriteU16(ArrayBufferWriter<byte> w, ushort v)
    {
        BinaryPrimitives.WriteUInt16BigEndian(w.GetSpan(2), v);
        w.Advance(2);
    }

    private static void WriteU32(ArrayBufferWriter<byte> w, uint v)
    {
        BinaryPrimitives.WriteUInt32BigEndian(w.GetSpan(4), v);
        w.Advance(4);
    }

    private static void WritePdv(ArrayBufferWriter<byte> w, Pdv pdv)
    {
        WriteU32(w, (uint)(pdv.Fragment.Length + 2));
        w.Write<byte>([pdv.PresentationContextId, pdv.MessageControlHeader]);
        w.Write(pdv.Fragment.Span);
    }
}
