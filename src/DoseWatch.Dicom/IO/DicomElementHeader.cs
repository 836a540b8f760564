namespace DoseWatch.Dicom;

/// <summary>A parsed element header (PS3.5 §7.1): tag, VR (explicit, or looked up for Implicit VR), value length.</summary>
internal readonly record struct DicomElementHeader(DicomTag Tag, DicomVR VR, uint Length, long Offset)
{
    public const uint UndefinedLength = 0xFFFFFFFF;

    public bool HasUndefinedLength => Length == UndefinedLength;

    public bool IsDelimiter => Tag.Group == 0xFFFE;
}

/// <summary>How element headers are encoded: the three native transfer syntaxes differ only in these two bits.</summary>
internal readonly record struct DicomEncoding(bool ExplicitVR, bool BigEndian)
{
    public static readonly DicomEncoding ImplicitLittle = new(false, false);
    public static readonly DicomEncoding ExplicitLittle = new(true, false);
    public static readonly DicomEncoding ExplicitBig = new(true, true);

    public static DicomEncoding Of(DicomTransferSyntax ts) => new(ts.IsExplicitVR, ts.IsBigEndian);
}
