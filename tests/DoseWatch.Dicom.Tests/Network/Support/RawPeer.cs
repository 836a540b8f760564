using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace DoseWatch.Tests.Network;

/// <summary>
/// A DICOM peer written byte by byte from PS3.8 Section 9.3 and PS3.7 Annex E, sharing no code with DoseWatch's codec, so it
/// can send what no toolkit would (a Maximum Length of 0xFFFFFFFF, repeated presentation context IDs, a non-ASCII byte in
/// a UID) and read exactly what came back.
/// </summary>
public sealed class RawPeer : IDisposable
{
    public const string ImplicitVrLittleEndian = "1.2.840.10008.1.2";
    public const string Verification = "1.2.840.10008.1.1";
    private readonly TcpClient _client = new() { NoDelay = true };
    private NetworkStream _stream = null!;

    public static async Task<RawPeer> ConnectAsync(int port)
    {
        var peer = new RawPeer();
        await peer._client.ConnectAsync("127.0.0.1", port);
        peer._stream = peer._client.GetStream();
        return peer;
    }

    /// <summary>A-ASSOCIATE-RQ (PS3.8 9.3.2) with the given presentation contexts, each offering Implicit VR Little Endian.</summary>
    public Task SendAssociateRqAsync(string calledAe, string callingAe, IEnumerable<(byte Id, string AbstractSyntax)> contexts, uint maxLength = 16384)
    {
        var body = new List<byte>();
        body.AddRange([0x00, 0x01, 0x00, 0x00]);
        body.AddRange(Encoding.ASCII.GetBytes(calledAe.PadRight(16)));
        body.AddRange(Encoding.ASCII.GetBytes(callingAe.PadRight(16)));
        body.AddRange(new byte[32]);
        body.AddRange(Item(0x10, Encoding.ASCII.GetBytes("1.2.840.10008.3.1.1.1")));
        foreach (var (id, abstractSyntax) in contexts)
            body.AddRange(Item(0x20, [id, 0, 0, 0, .. Item(0x30, Encoding.ASCII.GetBytes(abstractSyntax)), .. Item(0x40, Encoding.ASCII.GetBytes(ImplicitVrLittleEndian))]));
        var max = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(max, maxLength);
        body.AddRange(Item(0x50, [.. Item(0x51, max), .. Item(0x52, Encoding.ASCII.GetBytes("1.2.3.4.5.6.7"))]));
        return SendPduAsync(0x01, [.. body]);
    }

    /// <summary>One P-DATA-TF with one PDV (PS3.8 9.3.5, E.2) carrying a whole command or data set.</summary>
    public Task SendPDataAsync(byte contextId, bool isCommand, byte[] value)
    {
        var pdv = new byte[4 + 2 + value.Length];
        BinaryPrimitives.WriteUInt32BigEndian(pdv, (uint)(2 + value.Length));
        pdv[4] = contextId;
        pdv[5] = (byte)((isCommand ? 1 : 0) | 2);
        value.CopyTo(pdv, 6);
        return SendPduAsync(0x04, pdv);
    }

    public Task SendReleaseRqAsync() => SendPduAsync(0x05, new byte[4]);

    public async Task SendPduAsync(byte type, byte[] body)
    {
        var header = new byte[6];
        header[0] = type;
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(2), (uint)body.Length);
        await _stream.WriteAsync(header);
        await _stream.WriteAsync(body);
        await _stream.FlushAsync();
    }

    /// <summary>The next PDU's type and body, or null when the acceptor closed the connection.</summary>
    public async Task<(byte Type, byte[] Body)?> ReadPduAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        var header = new byte[6];
        if (!await ReadExactlyOrEndAsync(header, cts.Token)) return null;
        var body = new byte[BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(2))];
        if (!await ReadExactlyOrEndAsync(body, cts.Token)) return null;
        return (header[0], body);
    }

    /// <summary>Reads P-DATA-TF PDUs until a whole command set arrived; returns its elements (tag → value bytes).</summary>
    public async Task<Dictionary<uint, byte[]>> ReadCommandAsync()
    {
        var command = new List<byte>();
        while (true)
        {
            var pdu = await ReadPduAsync() ?? throw new IOException("closed before a response");
            if (pdu.Type != 0x04) throw new IOException($"PDU type 0x{pdu.Type:X2} instead of P-DATA-TF");
            var at = 0;
            var last = false;
            while (at < pdu.Body.Length)
            {
                var length = (int)BinaryPrimitives.ReadUInt32BigEndian(pdu.Body.AsSpan(at));
                var control = pdu.Body[at + 5];
                if ((control & 1) == 1) command.AddRange(pdu.Body.AsSpan(at + 6, length - 2).ToArray());
                last |= (control & 3) == 3;
                at += 4 + length;
            }
            if (last) return ParseImplicitLittleEndian([.. command]);
        }
    }

    /// <summary>One C-STORE on context <paramref name="contextId"/>: the command, then the data set in one fragment; returns the status.</summary>
    public async Task<ushort> StoreAsync(byte contextId, ushort messageId, string sopClassUid, string sopInstanceUid, byte[] dataSet)
    {
        await SendPDataAsync(contextId, isCommand: true, Command(0x0001, messageId, Uid(sopClassUid), Uid(sopInstanceUid)));
        await SendPDataAsync(contextId, isCommand: false, dataSet);
        return Status(await ReadCommandAsync());
    }

    public static ushort Status(Dictionary<uint, byte[]> command) => BinaryPrimitives.ReadUInt16LittleEndian(command[0x00000900]);

    /// <summary>A C-ECHO-RQ or C-STORE-RQ command set (PS3.7 9.3.1.1, 9.3.5.1) in Implicit VR Little Endian; UIDs as raw bytes.</summary>
    public static byte[] Command(ushort commandField, ushort messageId, byte[] sopClassUid, byte[]? sopInstanceUid = null)
    {
        var elements = new List<(uint Tag, byte[] Value)> { (0x00000002, sopClassUid), (0x00000100, U16(commandField)), (0x00000110, U16(messageId)) };
        if (sopInstanceUid is not null)
        {
            elements.Add((0x00000700, U16(0)));
            elements.Add((0x00000800, U16(0x0000)));
            elements.Add((0x00001000, sopInstanceUid));
        }
        else elements.Add((0x00000800, U16(0x0101)));
        var body = EncodeImplicitLittleEndian(elements);
        var length = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)body.Length);
        return [.. EncodeImplicitLittleEndian([(0x00000000, length)]), .. body];
    }

    public static byte[] Uid(string uid) => Encoding.Latin1.GetBytes(uid.Length % 2 == 1 ? uid + "\0" : uid);

    public static byte[] EncodeImplicitLittleEndian(IEnumerable<(uint Tag, byte[] Value)> elements)
    {
        var bytes = new List<byte>();
        foreach (var (tag, value) in elements.OrderBy(e => e.Tag))
        {
            var header = new byte[8];
            BinaryPrimitives.WriteUInt16LittleEndian(header, (ushort)(tag >> 16));
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(2), (ushort)tag);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), (uint)value.Length);
            bytes.AddRange(header);
            bytes.AddRange(value);
        }
        return [.. bytes];
    }

    private static Dictionary<uint, byte[]> ParseImplicitLittleEndian(byte[] bytes)
    {
        var elements = new Dictionary<uint, byte[]>();
        for (var at = 0; at + 8 <= bytes.Length;)
        {
            var tag = (uint)BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at)) << 16 | BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at + 2));
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 4));
            elements[tag] = bytes.AsSpan(at + 8, length).ToArray();
            at += 8 + length;
        }
        return elements;
    }

    private static byte[] U16(ushort value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        return bytes;
    }

    private static byte[] Item(byte type, byte[] value)
    {
        var item = new byte[4 + value.Length];
        item[0] = type;
        BinaryPrimitives.WriteUInt16BigEndian(item.AsSpan(2), (ushort)value.Length);
        value.CopyTo(item, 4);
        return item;
    }

    private async Task<bool> ReadExactlyOrEndAsync(byte[] buffer, CancellationToken ct)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            int n;
            try { n = await _stream.ReadAsync(buffer.AsMemory(read), ct); }
            catch (IOException) { return false; }
            if (n == 0) return false;
            read += n;
        }
        return true;
    }

    public void Dispose() => _client.Dispose();
}
