using System.Buffers.Binary;
using System.Text;

namespace DoseWatch.Dicom.Network.Dimse;

/// <summary>
/// The Part 10 envelope around a data set sent or received over the network (PS3.10 §7.1): preamble, "DICM" and
/// the group 0002 meta elements in Explicit VR LE. Only what the network needs: where the data set starts and
/// which SOP instance and transfer syntax it has; the meta header of a received instance is written from the association.
/// </summary>
public sealed record FileMetaHeader(string SopClassUid, string SopInstanceUid, string TransferSyntaxUid, long DataSetOffset)
{
    private const int PreambleLength = 128;
    private const int MaxMetaLength = 64 * 1024;

    /// <summary>Reads the meta header of a Part 10 file; the stream is left anywhere. Throws <see cref="DicomFormatException"/> when it is not Part 10.</summary>
    public static async Task<FileMetaHeader> ReadAsync(Stream stream, CancellationToken ct = default)
    {
        var head = new byte[PreambleLength + 4 + 12];
        await stream.ReadExactlyAsync(head, ct).ConfigureAwait(false);
        if (!head.AsSpan(PreambleLength, 4).SequenceEqual("DICM"u8))
            throw new DicomFormatException("Not a Part 10 file: no DICM prefix after the 128-byte preamble", PreambleLength);
        var groupLengthTag = new DicomTag(BinaryPrimitives.ReadUInt16LittleEndian(head.AsSpan(132)), BinaryPrimitives.ReadUInt16LittleEndian(head.AsSpan(134)));
        if (groupLengthTag != DicomTag.FileMetaInformationGroupLength || head[136] != 'U' || head[137] != 'L')
            throw new DicomFormatException("File meta information does not start with (0002,0000) UL", 132, groupLengthTag);
        var metaLength = BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(140));
        if (metaLength > MaxMetaLength) throw new DicomFormatException($"File meta group length {metaLength} is implausible", 140, groupLengthTag);
        var meta = new byte[metaLength];
        await stream.ReadExactlyAsync(meta, ct).ConfigureAwait(false);
        var values = ParseMeta(meta, 144);
        string Need(DicomTag t) => values.TryGetValue(t, out var v) ? v : throw new DicomFormatException("File meta information lacks a required element", 144, t);
        return new FileMetaHeader(Need(DicomTag.MediaStorageSopClassUid), Need(DicomTag.MediaStorageSopInstanceUid), Need(DicomTag.TransferSyntaxUid), 144 + metaLength);
    }

    private static Dictionary<DicomTag, string> ParseMeta(ReadOnlySpan<byte> meta, long baseOffset)
    {
        var values = new Dictionary<DicomTag, string>();
        var pos = 0;
        while (pos + 8 <= meta.Length)
        {
            var tag = new DicomTag(BinaryPrimitives.ReadUInt16LittleEndian(meta[pos..]), BinaryPrimitives.ReadUInt16LittleEndian(meta[(pos + 2)..]));
            var vr = DicomVR.FromBytes(meta[pos + 4], meta[pos + 5]);
            int headerLength;
            uint length;
            if (vr.IsKnown && !vr.HasLongExplicitLength)
            {
                length = BinaryPrimitives.ReadUInt16LittleEndian(meta[(pos + 6)..]);
                headerLength = 8;
            }
            else
            {
                if (pos + 12 > meta.Length) break;
                length = BinaryPrimitives.ReadUInt32LittleEndian(meta[(pos + 8)..]);
                headerLength = 12;
            }
            if (length > (uint)(meta.Length - pos - headerLength))
                throw new DicomFormatException($"Meta element length {length} runs past the meta group", baseOffset + pos, tag);
            values[tag] = Encoding.ASCII.GetString(meta.Slice(pos + headerLength, (int)length)).TrimEnd('\0', ' ');
            pos += headerLength + (int)length;
        }
        return values;
    }

    /// <summary>Preamble, DICM and the meta group for a received data set (PS3.10 Table 7.1-1), from the codec's meta helper.</summary>
    public static byte[] Encode(string sopClassUid, string sopInstanceUid, string transferSyntaxUid, string sourceAeTitle)
    {
        using var buffer = new MemoryStream(256);
        DicomWriter.WriteFileMetaInformation(buffer,
            DicomFileMeta.Create(sopClassUid, sopInstanceUid, DicomTransferSyntax.FromUid(transferSyntaxUid), string.IsNullOrWhiteSpace(sourceAeTitle) ? null : sourceAeTitle.Trim()));
        return buffer.ToArray();
    }
}
