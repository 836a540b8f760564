using System.Globalization;

namespace DoseWatch.Dicom.Network.QueryRetrieve;

/// <summary>A study as a C-FIND answered it at STUDY level.</summary>
public sealed record StudyMatch(string StudyInstanceUid, DateOnly? StudyDate, string? AccessionNumber, IReadOnlyList<string> ModalitiesInStudy, string? StudyDescription, int? NumberOfInstances);

/// <summary>A series as a C-FIND answered it at SERIES level.</summary>
public sealed record SeriesMatch(string StudyInstanceUid, string SeriesInstanceUid, string? Modality, int? SeriesNumber, string? SeriesDescription, int? NumberOfInstances);

/// <summary>An instance as a C-FIND answered it at IMAGE level.</summary>
public sealed record InstanceMatch(string StudyInstanceUid, string SeriesInstanceUid, string SopInstanceUid, string? SopClassUid, int? InstanceNumber);

/// <summary>
/// Identifiers of the Study Root information model (PS3.4 C.6.2): the unique keys of the levels above, the matching
/// keys, and the return keys as zero-length elements (universal matching, PS3.4 C.2.2.2.3). The matches read back
/// only what an SCP must return (the unique keys) as required; everything else may be absent.
/// </summary>
public static class StudyRootQuery
{
    /// <summary>Studies whose Study Date falls in [<paramref name="from"/>, <paramref name="to"/>] (range matching, PS3.4 C.2.2.2.5).</summary>
    public static DicomDataSet Studies(DateOnly? from, DateOnly? to) => Level(QueryRetrieveLevel.Study)
        .SetString(QueryRetrieveTags.StudyDate, DicomVR.DA, DateRange(from, to))
        .SetString(QueryRetrieveTags.StudyTime, DicomVR.TM, "")
        .SetString(QueryRetrieveTags.AccessionNumber, DicomVR.SH, "")
        .SetString(QueryRetrieveTags.ModalitiesInStudy, DicomVR.CS, "")
        .SetString(QueryRetrieveTags.StudyDescription, DicomVR.LO, "")
        .SetString(DicomTag.StudyInstanceUid, DicomVR.UI, "")
        .SetString(QueryRetrieveTags.NumberOfStudyRelatedInstances, DicomVR.IS, "");

    public static DicomDataSet Series(string studyInstanceUid) => Level(QueryRetrieveLevel.Series)
        .SetString(DicomTag.Modality, DicomVR.CS, "")
        .SetString(QueryRetrieveTags.SeriesDescription, DicomVR.LO, "")
        .SetString(DicomTag.StudyInstanceUid, DicomVR.UI, studyInstanceUid)
        .SetString(DicomTag.SeriesInstanceUid, DicomVR.UI, "")
        .SetString(QueryRetrieveTags.SeriesNumber, DicomVR.IS, "")
        .SetString(QueryRetrieveTags.NumberOfSeriesRelatedInstances, DicomVR.IS, "");

    public static DicomDataSet Instances(string studyInstanceUid, string seriesInstanceUid) => Level(QueryRetrieveLevel.Image)
        .SetString(DicomTag.SopClassUid, DicomVR.UI, "")
        .SetString(DicomTag.SopInstanceUid, DicomVR.UI, "")
        .SetString(DicomTag.StudyInstanceUid, DicomVR.UI, studyInstanceUid)
        .SetString(DicomTag.SeriesInstanceUid, DicomVR.UI, seriesInstanceUid)
        .SetString(QueryRetrieveTags.InstanceNumber, DicomVR.IS, "");

    /// <summary>The identifier of a C-MOVE or C-GET: unique keys only, down to the level retrieved (PS3.4 C.4.2.1.4).</summary>
    public static DicomDataSet Retrieve(string studyInstanceUid, string? seriesInstanceUid = null, IReadOnlyCollection<string>? sopInstanceUids = null)
    {
        if (sopInstanceUids is { Count: > 0 } && seriesInstanceUid is null) throw new ArgumentException("Instances are retrieved within a series", nameof(seriesInstanceUid));
        var level = sopInstanceUids is { Count: > 0 } ? QueryRetrieveLevel.Image : seriesInstanceUid is null ? QueryRetrieveLevel.Study : QueryRetrieveLevel.Series;
        var ds = Level(level).SetString(DicomTag.StudyInstanceUid, DicomVR.UI, studyInstanceUid);
        if (seriesInstanceUid is not null) ds.SetString(DicomTag.SeriesInstanceUid, DicomVR.UI, seriesInstanceUid);
        // List of UID matching (PS3.4 C.2.2.2.2): several instances of one series in one request.
        if (level == QueryRetrieveLevel.Image) ds.SetStrings(DicomTag.SopInstanceUid, DicomVR.UI, sopInstanceUids!);
        return ds;
    }

    public static StudyMatch ReadStudy(DicomDataSet ds) => new(
        Required(ds, DicomTag.StudyInstanceUid), ds.GetDate(QueryRetrieveTags.StudyDate), Text(ds, QueryRetrieveTags.AccessionNumber),
        ds.GetStrings(QueryRetrieveTags.ModalitiesInStudy).Where(m => m.Length > 0).ToList(), Text(ds, QueryRetrieveTags.StudyDescription),
        ds.GetInt32(QueryRetrieveTags.NumberOfStudyRelatedInstances));

    public static SeriesMatch ReadSeries(DicomDataSet ds) => new(
        Required(ds, DicomTag.StudyInstanceUid), Required(ds, DicomTag.SeriesInstanceUid), Text(ds, DicomTag.Modality),
        ds.GetInt32(QueryRetrieveTags.SeriesNumber), Text(ds, QueryRetrieveTags.SeriesDescription), ds.GetInt32(QueryRetrieveTags.NumberOfSeriesRelatedInstances));

    public static InstanceMatch ReadInstance(DicomDataSet ds) => new(
        Required(ds, DicomTag.StudyInstanceUid), Required(ds, DicomTag.SeriesInstanceUid), Required(ds, DicomTag.SopInstanceUid),
        Text(ds, DicomTag.SopClassUid), ds.GetInt32(QueryRetrieveTags.InstanceNumber));

    private static DicomDataSet Level(QueryRetrieveLevel level) =>
        new DicomDataSet().SetString(QueryRetrieveTags.QueryRetrieveLevel, DicomVR.CS, QueryRetrieveTags.Code(level));

    private static string DateRange(DateOnly? from, DateOnly? to) =>
        from is null && to is null ? "" : $"{Da(from)}-{Da(to)}";

    private static string Da(DateOnly? date) => date?.ToString("yyyyMMdd", CultureInfo.InvariantCulture) ?? "";

    private static string? Text(DicomDataSet ds, DicomTag tag) => ds.GetString(tag) is { Length: > 0 } s ? s : null;

    private static string Required(DicomDataSet ds, DicomTag tag) =>
        Text(ds, tag) ?? throw new DicomFormatException($"C-FIND answer without its unique key {tag}", 0, tag);
}
