namespace DoseWatch.Dicom.Network.QueryRetrieve;

/// <summary>Query/Retrieve SOP classes (PS3.4 Annex C.6, PS3.6 Annex A). DoseWatch queries Study Root only: every PACS supports it.</summary>
public static class QueryRetrieveSopClassUids
{
    public const string StudyRootFind = "1.2.840.10008.5.1.4.1.2.2.1";
    public const string StudyRootMove = "1.2.840.10008.5.1.4.1.2.2.2";
    public const string StudyRootGet = "1.2.840.10008.5.1.4.1.2.2.3";
}

/// <summary>Query/Retrieve Level (0008,0052) values, PS3.4 C.6.2.1 (Study Root has no PATIENT level).</summary>
public enum QueryRetrieveLevel { Study, Series, Image }

/// <summary>The attributes of the Study Root information model DoseWatch asks for (PS3.4 Table C.6-5 to C.6-7).</summary>
public static class QueryRetrieveTags
{
    public static readonly DicomTag QueryRetrieveLevel = new(0x0008, 0x0052);
    public static readonly DicomTag FailedSopInstanceUidList = new(0x0008, 0x0058);
    public static readonly DicomTag StudyDate = DicomTag.StudyDate;
    public static readonly DicomTag StudyTime = new(0x0008, 0x0030);
    public static readonly DicomTag AccessionNumber = new(0x0008, 0x0050);
    public static readonly DicomTag ModalitiesInStudy = new(0x0008, 0x0061);
    public static readonly DicomTag StudyDescription = new(0x0008, 0x1030);
    public static readonly DicomTag SeriesDescription = new(0x0008, 0x103E);
    public static readonly DicomTag StationName = new(0x0008, 0x1010);
    public static readonly DicomTag StudyId = new(0x0020, 0x0010);
    public static readonly DicomTag SeriesNumber = new(0x0020, 0x0011);
    public static readonly DicomTag InstanceNumber = new(0x0020, 0x0013);
    public static readonly DicomTag NumberOfStudyRelatedInstances = new(0x0020, 0x1208);
    public static readonly DicomTag NumberOfSeriesRelatedInstances = new(0x0020, 0x1209);

    public static string Code(QueryRetrieveLevel level) => level switch
    {
        QueryRetrieve.QueryRetrieveLevel.Study => "STUDY",
        QueryRetrieve.QueryRetrieveLevel.Series => "SERIES",
        _ => "IMAGE",
    };
}
