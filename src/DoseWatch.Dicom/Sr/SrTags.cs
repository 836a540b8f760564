namespace DoseWatch.Dicom.Sr;

/// <summary>Attributes of the SR Document Content module and content items (PS3.3 C.17.3, Table C.17-6 and C.18 macros).</summary>
public static class SrTags
{
    public static readonly DicomTag RelationshipType = new(0x0040, 0xA010);
    public static readonly DicomTag ValueType = new(0x0040, 0xA040);
    public static readonly DicomTag ConceptNameCodeSequence = new(0x0040, 0xA043);
    public static readonly DicomTag ContentSequence = new(0x0040, 0xA730);
    public static readonly DicomTag ContinuityOfContent = new(0x0040, 0xA050);
    public static readonly DicomTag ContentTemplateSequence = new(0x0040, 0xA504);
    public static readonly DicomTag MappingResource = new(0x0008, 0x0105);
    public static readonly DicomTag TemplateIdentifier = new(0x0040, 0xDB00);
    public static readonly DicomTag MeasuredValueSequence = new(0x0040, 0xA300);
    public static readonly DicomTag NumericValue = new(0x0040, 0xA30A);
    public static readonly DicomTag FloatingPointValue = new(0x0040, 0xA161);
    public static readonly DicomTag MeasurementUnitsCodeSequence = new(0x0040, 0x08EA);
    public static readonly DicomTag NumericValueQualifierCodeSequence = new(0x0040, 0xA301);
    public static readonly DicomTag ConceptCodeSequence = new(0x0040, 0xA168);
    public static readonly DicomTag TextValue = new(0x0040, 0xA160);
    public static readonly DicomTag Uid = new(0x0040, 0xA124);
    public static readonly DicomTag DateTime = new(0x0040, 0xA120);
    public static readonly DicomTag Date = new(0x0040, 0xA121);
    public static readonly DicomTag Time = new(0x0040, 0xA122);
    public static readonly DicomTag PersonName = new(0x0040, 0xA123);
    public static readonly DicomTag ReferencedSopSequence = new(0x0008, 0x1199);
    public static readonly DicomTag ReferencedSopClassUid = new(0x0008, 0x1150);
    public static readonly DicomTag ReferencedSopInstanceUid = new(0x0008, 0x1155);
    public static readonly DicomTag ReferencedFrameNumber = new(0x0008, 0x1160);
    public static readonly DicomTag ReferencedContentItemIdentifier = new(0x0040, 0xDB73);
    public static readonly DicomTag ObservationDateTime = new(0x0040, 0xA032);
    public static readonly DicomTag GraphicData = new(0x0070, 0x0022);
    public static readonly DicomTag GraphicType = new(0x0070, 0x0023);
    public static readonly DicomTag CompletionFlag = new(0x0040, 0xA491);
    public static readonly DicomTag VerificationFlag = new(0x0040, 0xA493);
}
