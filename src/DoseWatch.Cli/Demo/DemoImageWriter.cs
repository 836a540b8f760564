using DoseWatch.Dicom;
using DoseWatch.Dicom.Sr;
using static DoseWatch.Cli.Demo.DemoHeader;

namespace DoseWatch.Cli.Demo;

/// <summary>
/// Writes the images of a demo MR or ultrasound study, small but complete instances of the MR Image (PS3.3 A.4) and
/// US Image (A.6) IODs: one image per MR series carrying SAR (0018,1316), dB/dt (0018,1318), B1rms (0018,1320), the
/// SAR definition (0018,9179) and the Operating Mode Sequence (0018,9176) (attributes of the enhanced MR IOD a
/// scanner may add as a standard extended SOP class, and which the MR header extractor reads); one image per
/// ultrasound exposure carrying MI and TIS/TIB (C.8.5.6), transducer and preset. Pixels are a black 16×16 matrix: the
/// dose monitor never looks at them.
/// </summary>
internal static class DemoImageWriter
{
    public const string MrImageStorage = "1.2.840.10008.5.1.4.1.1.4";
    public const string UsImageStorage = "1.2.840.10008.5.1.4.1.1.6.1";
    private const int Size = 16;

    private static readonly Dictionary<string, string> BodyParts = new()
    {
        [DemoCatalogue.Brain.CodeValue] = "BRAIN", [DemoCatalogue.Knee.CodeValue] = "KNEE", [DemoCatalogue.LumbarSpine.CodeValue] = "LSPINE",
        [DemoCatalogue.Abdomen.CodeValue] = "ABDOMEN", [DemoCatalogue.Neck.CodeValue] = "NECK",
    };

    public static IEnumerable<DicomFile> Write(DemoStudy study) =>
        study.Device.Modality == DemoModality.MagneticResonance
            ? study.Events.Select(e => File(MrImage(study, e), MrImageStorage, e.ImageUid!))
            : study.Events.Select((e, i) => File(UsImage(study, e, i + 1), UsImageStorage, e.Uid));

    private static DicomFile File(DicomDataSet ds, string sopClass, string sopInstance) =>
        new(DicomFileMeta.Create(sopClass, sopInstance, DicomTransferSyntax.ExplicitVRLittleEndian), ds, DicomTransferSyntax.ExplicitVRLittleEndian);

    private static DicomDataSet MrImage(DemoStudy s, DemoEvent e)
    {
        var series = e.MrSeries!;
        var ds = DemoHeader.For(s, MrImageStorage, e.ImageUid!, "MR", e.Uid, e.SeriesNumber, e.Protocol, 1, e.Started.AddMinutes(2));
        ds.SetStrings(new DicomTag(0x0008, 0x0008), DicomVR.CS, ["ORIGINAL", "PRIMARY", "OTHER"]);
        Acquired(ds, s, e.Started);
        Put(ds, 0x0018, 0x0020, DicomVR.CS, series.EchoPlanar ? "EP" : "SE");
        Put(ds, 0x0018, 0x0021, DicomVR.CS, series.EchoPlanar ? "SK\\SP" : "SK");
        Put(ds, 0x0018, 0x0022, DicomVR.CS, "");
        Put(ds, 0x0018, 0x0023, DicomVR.CS, "2D");
        Put(ds, 0x0018, 0x0050, DicomVR.DS, "4");
        Put(ds, 0x0018, 0x0080, DicomVR.DS, series.EchoPlanar ? "6000" : "4000");
        Put(ds, 0x0018, 0x0081, DicomVR.DS, series.EchoPlanar ? "89" : "96");
        Put(ds, 0x0018, 0x0087, DicomVR.DS, Number(s.Device.FieldStrengthT));
        Put(ds, 0x0018, 0x0091, DicomVR.IS, series.EchoPlanar ? "1" : "17");
        Put(ds, 0x0018, 0x1030, DicomVR.LO, e.Protocol);
        Put(ds, 0x0018, 0x1316, DicomVR.DS, Number(e.SarWPerKg!.Value));
        Put(ds, 0x0018, 0x1318, DicomVR.DS, Number(e.DbdtTPerS!.Value));
        ds.SetBinaryValues(new DicomTag(0x0018, 0x1320), DicomVR.FL, (float)e.B1rmsUT!.Value);
        Put(ds, 0x0018, 0x5100, DicomVR.CS, "HFS");
        // One item per type, as enhanced MR writes them: only the RF mode changes between the demo's series.
        ds.Set(new DicomSequence(new DicomTag(0x0018, 0x9176), [Mode("STATIC FIELD", "IEC_NORMAL"), Mode("RF", e.OperatingMode!), Mode("GRADIENT", "IEC_NORMAL")]));
        Put(ds, 0x0018, 0x9179, DicomVR.CS, "IEC_WHOLE_BODY");
        Put(ds, 0x0020, 0x0020, DicomVR.CS, "");
        ds.SetStrings(new DicomTag(0x0020, 0x0032), DicomVR.DS, ["-120", "-120", "0"]);
        ds.SetStrings(new DicomTag(0x0020, 0x0037), DicomVR.DS, ["1", "0", "0", "0", "1", "0"]);
        Put(ds, 0x0020, 0x0052, DicomVR.UI, s.StudyUid + ".1");
        Put(ds, 0x0020, 0x1040, DicomVR.LO, "");
        Pixels(ds, 16);
        ds.SetStrings(new DicomTag(0x0028, 0x0030), DicomVR.DS, ["15", "15"]);
        return ds;
    }

    private static DicomDataSet UsImage(DemoStudy s, DemoEvent e, int number)
    {
        var ds = DemoHeader.For(s, UsImageStorage, e.Uid, "US", s.SeriesUid, 1, s.Protocol.Name, number, e.Started);
        // Value 3 the examined region, value 4 the region types as a hexadecimal bit mask (0001: 2D tissue imaging).
        ds.SetStrings(new DicomTag(0x0008, 0x0008), DicomVR.CS, ["ORIGINAL", "PRIMARY", "ABDOMINAL", "0001"]);
        Acquired(ds, s, e.Started);
        Put(ds, 0x0018, 0x1030, DicomVR.LO, s.Protocol.Name);
        Put(ds, 0x0018, 0x5010, DicomVR.LO, s.Protocol.Transducer);
        Put(ds, 0x0018, 0x5020, DicomVR.LO, s.Protocol.Name);
        Put(ds, 0x0018, 0x5022, DicomVR.DS, Number(e.MechanicalIndex!.Value));
        if (e.ThermalIndexBone is { } tib) Put(ds, 0x0018, 0x5024, DicomVR.DS, Number(tib));
        if (e.ThermalIndexSoftTissue is { } tis) Put(ds, 0x0018, 0x5027, DicomVR.DS, Number(tis));
        Put(ds, 0x0020, 0x0020, DicomVR.CS, "");
        Pixels(ds, 8);
        return ds;
    }

    private static DicomDataSet Mode(string type, string mode)
    {
        var item = new DicomDataSet();
        item.SetString(new DicomTag(0x0018, 0x9177), DicomVR.CS, type);
        item.SetString(new DicomTag(0x0018, 0x9178), DicomVR.CS, mode);
        return item;
    }

    /// <summary>
    /// Acquisition date and time, from which the extractor takes the event's start; the examined body part (PS3.16
    /// Annex L terms) and, for the one paired part (knee), the General Series laterality, a side the demo picks from the
    /// accession number's parity.
    /// </summary>
    private static void Acquired(DicomDataSet ds, DemoStudy s, DateTime t)
    {
        var bodyPart = BodyParts[s.Protocol.TargetRegion.CodeValue];
        Put(ds, 0x0018, 0x0015, DicomVR.CS, bodyPart);
        if (bodyPart == "KNEE") Put(ds, 0x0020, 0x0060, DicomVR.CS, s.AccessionNumber[^1] % 2 == 0 ? "R" : "L");
        Put(ds, 0x0008, 0x0022, DicomVR.DA, Date(t));
        Put(ds, 0x0008, 0x0032, DicomVR.TM, Time(t));
    }

    /// <summary>Image Pixel module: one black monochrome frame.</summary>
    private static void Pixels(DicomDataSet ds, ushort bits)
    {
        ds.SetUInt16(new DicomTag(0x0028, 0x0002), 1);
        Put(ds, 0x0028, 0x0004, DicomVR.CS, "MONOCHROME2");
        ds.SetUInt16(new DicomTag(0x0028, 0x0010), Size);
        ds.SetUInt16(new DicomTag(0x0028, 0x0011), Size);
        ds.SetUInt16(new DicomTag(0x0028, 0x0100), bits);
        ds.SetUInt16(new DicomTag(0x0028, 0x0101), bits);
        ds.SetUInt16(new DicomTag(0x0028, 0x0102), (ushort)(bits - 1));
        ds.SetUInt16(new DicomTag(0x0028, 0x0103), 0);
        ds.Set(new DicomElement(new DicomTag(0x7FE0, 0x0010), bits == 8 ? DicomVR.OB : DicomVR.OW, new byte[Size * Size * bits / 8]));
    }

    private static string Number(double value) => SrContentBuilder.DecimalString(value);
}
