namespace DoseWatch.Dicom;

/// <summary>A Part 10 file (PS3.10 §7): preamble, "DICM", file meta information (group 0002) and the data set.</summary>
public sealed class DicomFile
{
    public DicomFile(DicomDataSet meta, DicomDataSet dataSet, DicomTransferSyntax transferSyntax)
    {
        Meta = meta;
        DataSet = dataSet;
        TransferSyntax = transferSyntax;
    }

    /// <summary>File meta information (group 0002), always Explicit VR Little Endian on disk. Empty for a bare data set read without a meta header.</summary>
    public DicomDataSet Meta { get; }

    public DicomDataSet DataSet { get; }

    /// <summary>The transfer syntax of <see cref="DataSet"/>.</summary>
    public DicomTransferSyntax TransferSyntax { get; }

    /// <summary>Where the file departs from PS3.5 and was read leniently (as pydicom reads it) instead of refused, one
    /// sentence each; empty for a conforming file. Readers surface these as warnings.</summary>
    public IReadOnlyList<string> LenientReadings { get; init; } = [];
}
