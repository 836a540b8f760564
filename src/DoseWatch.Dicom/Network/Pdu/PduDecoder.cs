using System.Buffers.Binary;
using System.Text;

namespace DoseWatch.Dicom.Network.Pdu;

/// <summary>
/// Decodes a PDU body (PS3.8 §9.3) whose 6-byte header was already read. Every length field is checked against
/// the bytes actually present before it is used, so a hostile length can only produce a <see cref="PduFormatException"/>.
/// </summary>
public static class PduDecoder
{
    private const int AssociateFixedPartLength = 68;

    public static bool IsKnownType(byte type) => type is >= 1 and <= 7;

    /// <summary>Decodes a whole PDU (header and body), e.g. a test fixture.</summary>
    public static ProtocolDataUnit Decode(ReadOnlyMemory<byte> pdu)
    {
        if (pdu.Length < PduEncoder.HeaderLength) throw new PduFormatException("PDU shorter than its 6-byte header", pdu.Length);
        var length = BinaryPrimitives.ReadUInt32BigEndian(pdu.Span[2..]);
        if (length != pdu.Length - PduEncoder.HeaderLength)
            throw new PduFormatException($"PDU length field {length} does not match the {pdu.Length - PduEncoder.HeaderLength} bytes present", 2);
        return Decode(pdu.Span[0], pdu[PduEncoder.HeaderLength..]);
    }

    public static ProtocolDataUnit Decode(byte type, ReadOnlyMemory<byte> body)
    {
        var r = new Cursor(body, PduEncoder.HeaderLength);
        return type switch
        {
            (byte)PduType.AAssociateRq => DecodeAssociateRq(ref r),
            (byte)PduType.AAssociateAc => DecodeAssociateAc(ref r),
            (byte)PduType.AAssociateRj => DecodeRj(ref r),
            (byte)PduType.PDataTf => DecodePData(ref r),
            (byte)PduType.AReleaseRq => DecodeFixed4(ref r, new AReleaseRq()),
            (byte)PduType.AReleaseRp => DecodeFixed4(ref r, new AReleaseRp()),
            (byte)PduType.AAbort => DecodeAbort(ref r),
            _ => throw new PduFormatException($"Unrecognized PDU type 0x{type:X2}", 0, AbortReason.UnrecognizedPdu),
        };
    }

    private static ProtocolDataUnit DecodeFixed4(ref Cursor r, ProtocolDataUnit pdu)
    {
        r.Need(4, "release PDU body");
        if (r.Remaining != 4) throw r.Error($"{pdu.Type} length must be 4, got {r.Remaining}");
        return pdu;
    }

    private static AAssociateRj DecodeRj(ref Cursor r)
    {
        r.Need(4, "A-ASSOCIATE-RJ body");
        if (r.Remaining != 4) throw r.Error($"A-ASSOCIATE-RJ length must be 4, got {r.Remaining}");
        r.Skip(1);
        return new AAssociateRj((AssociateRejectResult)r.U8(), (AssociateRejectSource)r.U8(), r.U8());
    }

    private static AAbort DecodeAbort(ref Cursor r)
    {
        r.Need(4, "A-ABORT body");
        if (r.Remaining != 4) throw r.Error($"A-ABORT length must be 4, got {r.Remaining}");
        r.Skip(2);
        return new AAbort((AbortSource)r.U8(), (AbortReason)r.U8());
    }

    private static PDataTf DecodePData(ref Cursor r)
    {
        var pdvs = new List<Pdv>(1);
        if (r.Remaining == 0) throw r.Error("P-DATA-TF without any PDV item");
        while (r.Remaining > 0)
        {
            r.Need(6, "PDV item header");
            var itemLength = r.U32();
            if (itemLength < 2) throw r.Error($"PDV item length {itemLength} is below the 2 header bytes it must contain");
            if (itemLength > r.Remaining) throw r.Error($"PDV item length {itemLength} runs past the end of the P-DATA-TF ({r.Remaining} bytes left)");
            var pcId = r.U8();
            var control = r.U8();
            if ((control & 0xFC) != 0) throw r.Error($"PDV message control header 0x{control:X2} has reserved bits set");
            pdvs.Add(new Pdv(pcId, (control & 1) != 0, (control & 2) != 0, r.Memory((int)itemLength - 2)));
        }
        return new PDataTf(pdvs);
    }

    private static AAssociateRq DecodeAssociateRq(ref Cursor r)
    {
        var (version, called, calling) = DecodeAssociateFixedPart(ref r);
        string? appContext = null;
        var contexts = new List<PresentationContextRq>();
        UserInformation? ui = null;
        while (r.Remaining > 0)
        {
            var item = r.Item(out var type);
            switch (type)
            {
                case (byte)ItemType.ApplicationContext: appContext = item.Ascii(item.Remaining); break;
                case (byte)ItemType.PresentationContextRq: contexts.Add(DecodePresentationContextRq(ref item)); break;
                case (byte)ItemType.UserInformation: ui = DecodeUserInformation(ref item); break;
                default: throw r.Error($"Unexpected item 0x{type:X2} in A-ASSOCIATE-RQ", AbortReason.UnrecognizedPduParameter);
            }
        }
        if (appContext is null) throw r.Error("A-ASSOCIATE-RQ without an application context item");
        if (contexts.Count == 0) throw r.Error("A-ASSOCIATE-RQ without a presentation context item");
        // PS3.8 §9.3.2.2: each presentation context ID is unique within the request; a repeated one makes the PDU invalid (Evt19).
        if (contexts.GroupBy(c => c.Id).FirstOrDefault(g => g.Count() > 1) is { } repeated)
            throw r.Error($"A-ASSOCIATE-RQ proposes presentation context ID {repeated.Key} {repeated.Count()} times");
        if (ui is null) throw r.Error("A-ASSOCIATE-RQ without a user information item");
        return new AAssociateRq(called, calling, contexts, ui, appContext, version);
    }

    private static AAssociateAc DecodeAssociateAc(ref Cursor r)
    {
        var (version, called, calling) = DecodeAssociateFixedPart(ref r);
        string? appContext = null;
        var contexts = new List<PresentationContextAc>();
        UserInformation? ui = null;
        while (r.Remaining > 0)
        {
            var item = r.Item(out var type);
            switch (type)
            {
                case (byte)ItemType.ApplicationContext: appContext = item.Ascii(item.Remaining); break;
                case (byte)ItemType.PresentationContextAc: contexts.Add(DecodePresentationContextAc(ref item)); break;
                case (byte)ItemType.UserInformation: ui = DecodeUserInformation(ref item); break;
                default: throw r.Error($"Unexpected item 0x{type:X2} in A-ASSOCIATE-AC", AbortReason.UnrecognizedPduParameter);
            }
        }
        if (appContext is null) throw r.Error("A-ASSOCIATE-AC without an application context item");
        if (ui is null) throw r.Error("A-ASSOCIATE-AC without a user information item");
        return new AAssociateAc(called, calling, contexts, ui, appContext, version);
    }

    private static (ushort Version, string Called, string Calling) DecodeAssociateFixedPart(ref Cursor r)
    {
        r.Need(AssociateFixedPartLength, "A-ASSOCIATE fixed part");
        var version = r.U16();
        r.Skip(2);
        var called = r.Ascii(16).Trim();
        var calling = r.Ascii(16).Trim();
        r.Skip(32);
        return (version, called, calling);
    }

    private static PresentationContextRq DecodePresentationContextRq(ref Cursor r)
    {
        r.Need(4, "presentation context header");
        var id = r.U8();
        r.Skip(3);
        string? abstractSyntax = null;
        var transferSyntaxes = new List<string>();
        while (r.Remaining > 0)
        {
            var item = r.Item(out var type);
            switch (type)
            {
                case (byte)ItemType.AbstractSyntax: abstractSyntax = item.Ascii(item.Remaining); break;
                case (byte)ItemType.TransferSyntax: transferSyntaxes.Add(item.Ascii(item.Remaining)); break;
                default: throw r.Error($"Unexpected sub-item 0x{type:X2} in presentation context {id}", AbortReason.UnrecognizedPduParameter);
            }
        }
        if (abstractSyntax is null) throw r.Error($"Presentation context {id} has no abstract syntax");
        if (transferSyntaxes.Count == 0) throw r.Error($"Presentation context {id} has no transfer syntax");
        return new PresentationContextRq(id, abstractSyntax, transferSyntaxes);
    }

    private static PresentationContextAc DecodePresentationContextAc(ref Cursor r)
    {
        r.Need(4, "presentation context header");
        var id = r.U8();
        r.Skip(1);
        var result = (PresentationContextResult)r.U8();
        r.Skip(1);
        var ts = "";
        while (r.Remaining > 0)
        {
            var item = r.Item(out var type);
            if (type != (byte)ItemType.TransferSyntax) throw r.Error($"Unexpected sub-item 0x{type:X2} in presentation context {id}", AbortReason.UnrecognizedPduParameter);
            ts = item.Ascii(item.Remaining);
        }
        return new PresentationContextAc(id, result, ts);
    }

    private static UserInformation DecodeUserInformation(ref Cursor r)
    {
        var items = new List<UserInformationSubItem>();
        while (r.Remaining > 0)
        {
            var c = r.Item(out var type);
            items.Add(type switch
            {
                (byte)ItemType.MaximumLength => new MaximumLengthSubItem(c.NeedAll(4).U32()),
                (byte)ItemType.ImplementationClassUid => new ImplementationClassUidSubItem(c.Ascii(c.Remaining)),
                (byte)ItemType.ImplementationVersionName => new ImplementationVersionNameSubItem(c.Ascii(c.Remaining)),
                (byte)ItemType.AsynchronousOperationsWindow => DecodeAsync(ref c),
                (byte)ItemType.RoleSelection => DecodeRole(ref c),
                (byte)ItemType.SopClassExtendedNegotiation => new SopClassExtendedNegotiationSubItem(c.LengthPrefixedAscii(), c.Memory(c.Remaining)),
                (byte)ItemType.SopClassCommonExtendedNegotiation => DecodeCommonExtended(ref c),
                (byte)ItemType.UserIdentityRq => DecodeUserIdentityRq(ref c),
                (byte)ItemType.UserIdentityAc => new UserIdentityAcSubItem(c.LengthPrefixedBytes()),
                _ => new UnknownSubItem(type, c.Memory(c.Remaining)),
            });
        }
        return new UserInformation(items);
    }

    private static AsynchronousOperationsWindowSubItem DecodeAsync(ref Cursor c)
    {
        c.NeedAll(4);
        return new AsynchronousOperationsWindowSubItem(c.U16(), c.U16());
    }

    private static RoleSelectionSubItem DecodeRole(ref Cursor c)
    {
        var uid = c.LengthPrefixedAscii();
        c.NeedAll(2);
        return new RoleSelectionSubItem(uid, c.U8() != 0, c.U8() != 0);
    }

    private static SopClassCommonExtendedNegotiationSubItem DecodeCommonExtended(ref Cursor c)
    {
        var sopClass = c.LengthPrefixedAscii();
        var serviceClass = c.LengthPrefixedAscii();
        c.Need(2, "related general SOP class list length");
        var listLength = c.U16();
        c.Need(listLength, "related general SOP class list");
        var list = c.Sub(listLength);
        var related = new List<string>();
        while (list.Remaining > 0) related.Add(list.LengthPrefixedAscii());
        return new SopClassCommonExtendedNegotiationSubItem(sopClass, serviceClass, related);
    }

    private static UserIdentityRqSubItem DecodeUserIdentityRq(ref Cursor c)
    {
        c.Need(2, "user identity type");
        var type = (UserIdentityType)c.U8();
        var positive = c.U8() != 0;
        var primary = c.LengthPrefixedBytes();
        var secondary = c.LengthPrefixedBytes();
        return new UserIdentityRqSubItem(type, positive, primary, secondary);
    }

    /// <summary>A bounds-checked big-endian cursor; <see cref="Base"/> is the offset of its first byte within the PDU, for error messages.</summary>
    private ref struct Cursor(ReadOnlyMemory<byte> data, long @base)
    {
        private readonly ReadOnlyMemory<byte> _data = data;
        private int _pos;

        public readonly long Base { get; } = @base;

        public readonly int Remaining => _data.Length - _pos;

        public readonly PduFormatException Error(string message, AbortReason reason = AbortReason.InvalidPduParameterValue) =>
            new(message, Base + _pos, reason);

        public readonly void Need(int n, string what)
        {
            if (n > Remaining) throw Error($"Truncated {what}: {n} bytes needed, {Remaining} left");
        }

        public Cursor NeedAll(int n)
        {
            if (Remaining != n) throw Error($"Sub-item length must be {n}, got {Remaining}");
            return this;
        }

        public void Skip(int n) { Need(n, "reserved field"); _pos += n; }

        public byte U8() { Need(1, "byte"); return _data.Span[_pos++]; }

        public ushort U16()
        {
            Need(2, "16-bit field");
            var v = BinaryPrimitives.ReadUInt16BigEndian(_data.Span[_pos..]);
            _pos += 2;
            return v;
        }

        public uint U32()
        {
            Need(4, "32-bit field");
            var v = BinaryPrimitives.ReadUInt32BigEndian(_data.Span[_pos..]);
            _pos += 4;
            return v;
        }

        public ReadOnlyMemory<byte> Memory(int n)
        {
            Need(n, "field");
            var m = _data.Slice(_pos, n);
            _pos += n;
            return m;
        }

        public string Ascii(int n) => Encoding.ASCII.GetString(Memory(n).Span).TrimEnd('\0');

        public ReadOnlyMemory<byte> LengthPrefixedBytes()
        {
            Need(2, "length prefix");
            return Memory(U16());
        }

        public string LengthPrefixedAscii() => Encoding.ASCII.GetString(LengthPrefixedBytes().Span).TrimEnd('\0');

        public Cursor Sub(int n)
        {
            var start = Base + _pos;
            return new Cursor(Memory(n), start);
        }

        /// <summary>Reads an item header (type, reserved, u16 length) and returns a cursor over its content.</summary>
        public Cursor Item(out byte type)
        {
            Need(4, "item header");
            type = U8();
            _pos++;
            var length = U16();
            if (length > Remaining) throw Error($"Item 0x{type:X2} length {length} runs past its parent ({Remaining} bytes left)");
            return Sub(length);
        }
    }
}
