namespace DoseWatch.Dicom;

/// <summary>
/// The one exception the codec throws for bad input: it names the byte offset in the source and, where known,
/// the tag being read, so an operator can find the fault with a hex dump.
/// </summary>
public sealed class DicomFormatException : Exception
{
    public DicomFormatException(string message, long offset, DicomTag? tag = null, Exception? inner = null)
        : base(Describe(message, offset, tag), inner)
    {
        Offset = offset;
        Tag = tag;
        Reason = message;
    }

    public long Offset { get; }

    /// <summary>
    /// The top-level elements read before the fault (complete elements only), so a truncated or damaged file still
    /// yields what it holds, as dcmdump shows it. Null when the fault is not in a data set read by <see cref="DicomReader"/>.
    /// </summary>
    public DicomDataSet? PartialDataSet { get; internal set; }
    public DicomTag? Tag { get; }
    public string Reason { get; }

    private static string Describe(string message, long offset, DicomTag? tag) =>
        tag is { } t ? $"{message} (at byte {offset}, tag {t})" : $"{message} (at byte {offset})";
}
