namespace DoseWatch.Dicom;

/// <summary>Builds File Meta Information (PS3.10 §7.1) the way DoseWatch writes it.</summary>
public static class DicomFileMeta
{
    /// <summary>
    /// DoseWatch's Implementation Class UID. Root "2.25." is the UUID-derived arc (PS3.5 §B.2, ISO/IEC 9834-8): the
    /// integer is UUID 9457eba8-4e54-4540-b061-9c306c4e375e, generated once for DoseWatch 0.1, so no registered
    /// organisation root is needed. Change it (new UUID) when the implementation changes incompatibly.
    /// </summary>
    public const string ImplementationClassUid = "2.25.197182252903689947303905035710913984350";

    public const string ImplementationVersionName = "DOSEWATCH_0_1";

    public static DicomDataSet Create(string sopClassUid, string sopInstanceUid, DicomTransferSyntax transferSyntax, string? sourceAeTitle = null)
    {
        var meta = new DicomDataSet();
        meta.Set(new DicomElement(DicomTag.FileMetaInformationVersion, DicomVR.OB, new byte[] { 0x00, 0x01 }));
        meta.SetString(DicomTag.MediaStorageSopClassUid, DicomVR.UI, sopClassUid);
        meta.SetString(DicomTag.MediaStorageSopInstanceUid, DicomVR.UI, sopInstanceUid);
        meta.SetString(DicomTag.TransferSyntaxUid, DicomVR.UI, transferSyntax.Uid);
        meta.SetString(DicomTag.ImplementationClassUid, DicomVR.UI, ImplementationClassUid);
        meta.SetString(DicomTag.ImplementationVersionName, DicomVR.SH, ImplementationVersionName);
        if (!string.IsNullOrEmpty(sourceAeTitle)) meta.SetString(DicomTag.SourceApplicationEntityTitle, DicomVR.AE, sourceAeTitle);
        return meta;
    }
}
