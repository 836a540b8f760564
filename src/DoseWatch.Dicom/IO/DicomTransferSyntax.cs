namespace DoseWatch.Dicom;

/// <summary>A transfer syntax (PS3.5 §10, Annex A): how a data set is encoded on the wire or in a file.</summary>
public sealed record DicomTransferSyntax(string Uid, string Name, bool IsExplicitVR, bool IsBigEndian, bool IsDeflated, bool IsEncapsulated)
{
    public static readonly DicomTransferSyntax ImplicitVRLittleEndian = new("1.2.840.10008.1.2", "Implicit VR Little Endian", false, false, false, false);
    public static readonly DicomTransferSyntax ExplicitVRLittleEndian = new("1.2.840.10008.1.2.1", "Explicit VR Little Endian", true, false, false, false);
    public static readonly DicomTransferSyntax DeflatedExplicitVRLittleEndian = new("1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian", true, false, true, false);
    public static readonly DicomTransferSyntax ExplicitVRBigEndian = new("1.2.840.10008.1.2.2", "Explicit VR Big Endian (retired)", true, true, false, false);

    public static readonly DicomTransferSyntax JpegBaseline = Encapsulated("1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)");
    public static readonly DicomTransferSyntax JpegExtended = Encapsulated("1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 & 4)");
    public static readonly DicomTransferSyntax JpegLossless = Encapsulated("1.2.840.10008.1.2.4.57", "JPEG Lossless, Non-Hierarchical (Process 14)");
    public static readonly DicomTransferSyntax JpegLosslessSV1 = Encapsulated("1.2.840.10008.1.2.4.70", "JPEG Lossless, Non-Hierarchical, First-Order Prediction");
    public static readonly DicomTransferSyntax JpegLsLossless = Encapsulated("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless");
    public static readonly DicomTransferSyntax JpegLsNearLossless = Encapsulated("1.2.840.10008.1.2.4.81", "JPEG-LS Lossy (Near-Lossless)");
    public static readonly DicomTransferSyntax Jpeg2000Lossless = Encapsulated("1.2.840.10008.1.2.4.90", "JPEG 2000 Image Compression (Lossless Only)");
    public static readonly DicomTransferSyntax Jpeg2000 = Encapsulated("1.2.840.10008.1.2.4.91", "JPEG 2000 Image Compression");
    public static readonly DicomTransferSyntax Mpeg2 = Encapsulated("1.2.840.10008.1.2.4.100", "MPEG2 Main Profile / Main Level");
    public static readonly DicomTransferSyntax Mpeg4 = Encapsulated("1.2.840.10008.1.2.4.102", "MPEG-4 AVC/H.264 High Profile / Level 4.1");
    public static readonly DicomTransferSyntax Hevc = Encapsulated("1.2.840.10008.1.2.4.107", "HEVC/H.265 Main Profile / Level 5.1");
    public static readonly DicomTransferSyntax HtJpeg2000Lossless = Encapsulated("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 (Lossless Only)");
    public static readonly DicomTransferSyntax HtJpeg2000 = Encapsulated("1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000");
    public static readonly DicomTransferSyntax RleLossless = Encapsulated("1.2.840.10008.1.2.5", "RLE Lossless");

    private static DicomTransferSyntax Encapsulated(string uid, string name) => new(uid, name, true, false, false, true);

    private static readonly Dictionary<string, DicomTransferSyntax> Known = new[]
    {
        ImplicitVRLittleEndian, ExplicitVRLittleEndian, DeflatedExplicitVRLittleEndian, ExplicitVRBigEndian,
        JpegBaseline, JpegExtended, JpegLossless, JpegLosslessSV1, JpegLsLossless, JpegLsNearLossless,
        Jpeg2000Lossless, Jpeg2000, Mpeg2, Mpeg4, Hevc, HtJpeg2000Lossless, HtJpeg2000, RleLossless,
    }.ToDictionary(t => t.Uid);

    /// <summary>
    /// Looks a UID up. An unknown UID is assumed to be an encapsulated Explicit VR Little Endian syntax, which is what
    /// PS3.5 §10 requires of every transfer syntax defined after the native ones.
    /// </summary>
    public static DicomTransferSyntax FromUid(string uid)
    {
        uid = uid.TrimEnd('\0', ' ');
        return Known.TryGetValue(uid, out var ts) ? ts : new DicomTransferSyntax(uid, $"Unknown ({uid})", true, false, false, true);
    }

    public bool IsKnown => Known.ContainsKey(Uid);

    public override string ToString() => Name;
}
