namespace DoseWatch.Dicom;

/// <summary>
/// Reads DICOM Part 10 files and bare data sets (PS3.10, PS3.5) from any stream, forward only: nothing beyond the
/// current element is buffered, so a header can be read from a network stream or a 1 GB file in small memory.
/// </summary>
public static class DicomReader
{
    public static DicomFile ReadFile(string path, DicomReadOptions? options = null)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        return Read(stream, options);
    }

    /// <summary>A Part 10 file (preamble, "DICM", meta group), or a bare data set whose encoding is detected from its first element.</summary>
    public static DicomFile Read(Stream stream, DicomReadOptions? options = null)
    {
        using var reader = new DicomStreamReader(stream);
        return new DicomParser(reader, options ?? DicomReadOptions.Default).ReadFile();
    }

    /// <summary>A data set in a known transfer syntax, to the end of the stream: a DIMSE command set (Implicit VR LE) or a
    /// data set received over the network.</summary>
    public static DicomDataSet ReadDataSet(Stream stream, DicomTransferSyntax ts, DicomReadOptions? options = null)
    {
        using var reader = new DicomStreamReader(stream);
        return new DicomParser(reader, options ?? DicomReadOptions.Default).ReadDataSet(ts);
    }
}
