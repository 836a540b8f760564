using System.Buffers.Binary;
using System.IO.Compression;

namespace DoseWatch.Dicom;

/// <summary>
/// Writes Part 10 files and data sets (PS3.10 §7, PS3.5 §7). Sequences and items are written with undefined length
/// (PS3.5 §7.5.2), which every reader must accept and which avoids a second pass to compute lengths. Retired group
/// length elements (gggg,0000) outside groups 0000 and 0002 are dropped: their values would be stale after
/// re-encoding and PS3.5 §7.2 makes them optional.
/// </summary>
public static class DicomWriter
{
    private static ReadOnlySpan<byte> Magic => "DICM"u8;

    /// <summary>Preamble, "DICM", meta group and the data set in <see cref="DicomFile.TransferSyntax"/>. The meta's
    /// Transfer Syntax UID is set to that syntax; an empty meta is built from the data set's SOP Class/Instance UIDs.</summary>
    public static void WriteFile(Stream stream, DicomFile file)
    {
        var ts = WritableSyntax(file.TransferSyntax);
        var meta = file.Meta.Count == 0
            ? DicomFileMeta.Create(file.DataSet.GetString(DicomTag.SopClassUid) ?? "", file.DataSet.GetString(DicomTag.SopInstanceUid) ?? "", ts)
            : new DicomDataSet(file.Meta);
        meta.SetString(DicomTag.TransferSyntaxUid, DicomVR.UI, ts.Uid);
        WriteFileMetaInformation(stream, meta);
        WriteDataSet(stream, file.DataSet, ts);
    }

    public static void WriteFile(string path, DicomFile file)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024);
        WriteFile(stream, file);
    }

    /// <summary>
    /// Writes the 128-byte zero preamble, "DICM" and the file meta group in Explicit VR Little Endian with a freshly
    /// computed (0002,0000) group length. A receiver can then copy a data set it received verbatim after it.
    /// </summary>
    public static void WriteFileMetaInformation(Stream stream, DicomDataSet meta)
    {
        using var body = new MemoryStream();
        var bodyWriter = new DicomElementWriter(body, DicomEncoding.ExplicitLittle);
        foreach (var e in meta)
            if (e.Tag.Group == 0x0002 && e.Tag.Element != 0x0000) bodyWriter.Write(e);
        bodyWriter.Flush();

        Span<byte> head = stackalloc byte[128 + 4 + 12];
        head.Clear();
        Magic.CopyTo(head[128..]);
        var groupLength = head[132..];
        BinaryPrimitives.WriteUInt16LittleEndian(groupLength, 0x0002);
        BinaryPrimitives.WriteUInt16LittleEndian(groupLength[2..], 0x0000);
        groupLength[4] = (byte)'U';
        groupLength[5] = (byte)'L';
        BinaryPrimitives.WriteUInt16LittleEndian(groupLength[6..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(groupLength[8..], checked((uint)body.Length));
        stream.Write(head);
        body.Position = 0;
        body.CopyTo(stream);
    }

    /// <summary>Writes a data set in Implicit VR LE, Explicit VR LE, Explicit VR BE or Deflated Explicit VR LE
    /// (encapsulated syntaxes are written as Explicit VR LE with their fragments as read).</summary>
    public static void WriteDataSet(Stream stream, DicomDataSet dataSet, DicomTransferSyntax ts)
    {
        if (ts.IsDeflated)
        {
            // PS3.5 §A.5: raw deflate (RFC 1951, no zlib header) of the Explicit VR LE encoding.
            using var deflate = new DeflateStream(stream, CompressionLevel.Optimal, leaveOpen: true);
            WriteDataSet(deflate, dataSet, DicomTransferSyntax.ExplicitVRLittleEndian);
            return;
        }
        var writer = new DicomElementWriter(stream, DicomEncoding.Of(ts));
        writer.WriteElements(dataSet);
        writer.Flush();
    }

    /// <summary>The data set's encoded bytes (e.g. a DIMSE command set in Implicit VR LE, whose group length needs them).</summary>
    public static byte[] Encode(DicomDataSet dataSet, DicomTransferSyntax ts)
    {
        using var buffer = new MemoryStream();
        WriteDataSet(buffer, dataSet, ts);
        return buffer.ToArray();
    }

    private static DicomTransferSyntax WritableSyntax(DicomTransferSyntax ts) => ts;
}
