namespace DoseWatch.Dicom.Network.Dimse;

/// <summary>Command Field (0000,0100) values (PS3.7 Annex E); a response is the request value with bit 15 set.</summary>
public enum CommandField : ushort
{
    CStoreRq = 0x0001,
    CStoreRsp = 0x8001,
    CGetRq = 0x0010,
    CGetRsp = 0x8010,
    CFindRq = 0x0020,
    CFindRsp = 0x8020,
    CMoveRq = 0x0021,
    CMoveRsp = 0x8021,
    CEchoRq = 0x0030,
    CEchoRsp = 0x8030,
    CCancelRq = 0x0FFF,
}

/// <summary>Priority (0000,0700), PS3.7 §9.1.1.1.</summary>
public enum DimsePriority : ushort { Medium = 0, High = 1, Low = 2 }

/// <summary>Group 0000 tags (PS3.7 Annex E).</summary>
public static class CommandTags
{
    public static readonly DicomTag CommandGroupLength = new(0x0000, 0x0000);
    public static readonly DicomTag AffectedSopClassUid = new(0x0000, 0x0002);
    public static readonly DicomTag RequestedSopClassUid = new(0x0000, 0x0003);
    public static readonly DicomTag CommandField = new(0x0000, 0x0100);
    public static readonly DicomTag MessageId = new(0x0000, 0x0110);
    public static readonly DicomTag MessageIdBeingRespondedTo = new(0x0000, 0x0120);
    public static readonly DicomTag MoveDestination = new(0x0000, 0x0600);
    public static readonly DicomTag Priority = new(0x0000, 0x0700);
    public static readonly DicomTag CommandDataSetType = new(0x0000, 0x0800);
    public static readonly DicomTag Status = new(0x0000, 0x0900);
    public static readonly DicomTag OffendingElement = new(0x0000, 0x0901);
    public static readonly DicomTag ErrorComment = new(0x0000, 0x0902);
    public static readonly DicomTag ErrorId = new(0x0000, 0x0903);
    public static readonly DicomTag AffectedSopInstanceUid = new(0x0000, 0x1000);
    public static readonly DicomTag RequestedSopInstanceUid = new(0x0000, 0x1001);
    public static readonly DicomTag NumberOfRemainingSuboperations = new(0x0000, 0x1020);
    public static readonly DicomTag NumberOfCompletedSuboperations = new(0x0000, 0x1021);
    public static readonly DicomTag NumberOfFailedSuboperations = new(0x0000, 0x1022);
    public static readonly DicomTag NumberOfWarningSuboperations = new(0x0000, 0x1023);
    public static readonly DicomTag MoveOriginatorApplicationEntityTitle = new(0x0000, 0x1030);
    public static readonly DicomTag MoveOriginatorMessageId = new(0x0000, 0x1031);

    /// <summary>Command Data Set Type value meaning "no data set follows" (PS3.7 §E.1); any other value means one follows.</summary>
    public const ushort NoDataSet = 0x0101;

    /// <summary>VRs of group 0000 (implicit VR on the wire: the receiver must know them).</summary>
    public static DicomVR VROf(DicomTag tag) => tag.Element switch
    {
        0x0000 => DicomVR.UL,
        0x0002 or 0x0003 or 0x1000 or 0x1001 => DicomVR.UI,
        0x0600 or 0x1030 => DicomVR.AE,
        0x0901 => DicomVR.AT,
        0x0902 => DicomVR.LO,
        0x0100 or 0x0110 or 0x0120 or 0x0700 or 0x0800 or 0x0900 or 0x0903
            or 0x1020 or 0x1021 or 0x1022 or 0x1023 or 0x1031 => DicomVR.US,
        _ => DicomVR.UN,
    };
}
