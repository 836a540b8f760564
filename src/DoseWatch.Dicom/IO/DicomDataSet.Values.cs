using System.Buffers.Binary;
using System.Text;

namespace DoseWatch.Dicom;

// Minimal typed accessors the rest of the toolkit needs from day one. Character-set-aware decoding,
// lenient DS/IS, dates, person names and code items grow here.
public sealed partial class DicomDataSet
{
    /// <summary>The whole value as text with trailing padding (space or NUL) removed; null when absent or empty. ASCII only for now.</summary>
    public string? GetString(DicomTag tag)
    {
        if (!TryGet(tag, out var e) || e.IsValueSkipped || e.Value.IsEmpty) return null;
        var s = Encoding.ASCII.GetString(e.Value.Span).TrimEnd('\0', ' ');
        return s.Length == 0 ? null : s;
    }

    public ushort? GetUInt16(DicomTag tag) =>
        TryGet(tag, out var e) && e.Value.Length >= 2 ? BinaryPrimitives.ReadUInt16LittleEndian(e.Value.Span) : null;

    public uint? GetUInt32(DicomTag tag) =>
        TryGet(tag, out var e) && e.Value.Length >= 4 ? BinaryPrimitives.ReadUInt32LittleEndian(e.Value.Span) : null;

    /// <summary>Sets a text element, padding to even length with the VR's padding byte.</summary>
    public DicomDataSet SetString(DicomTag tag, DicomVR vr, string value)
    {
        var bytes = Encoding.ASCII.GetBytes(value);
        if (bytes.Length % 2 == 1)
        {
            Array.Resize(ref bytes, bytes.Length + 1);
            bytes[^1] = vr.PaddingByte;
        }
        return Set(new DicomElement(tag, vr, bytes));
    }

    public DicomDataSet SetUInt16(DicomTag tag, ushort value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        return Set(new DicomElement(tag, DicomVR.US, bytes));
    }

    public DicomDataSet SetUInt32(DicomTag tag, uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return Set(new DicomElement(tag, DicomVR.UL, bytes));
    }
}
