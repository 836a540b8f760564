using System.Globalization;
using DoseWatch.Dicom;
using DoseWatch.Dicom.Sr;

namespace DoseWatch.Cli.Demo;

/// <summary>
/// The modules every demo object shares, report or image: SOP Common, Patient, General Study, Patient Study, General
/// Series, General and Enhanced General Equipment (PS3.3 C.7, C.12.1). Kept in one place so that a study's reports and
/// images describe the same patient, study and device.
/// </summary>
internal static class DemoHeader
{
    public static DicomDataSet For(DemoStudy s, string sopClass, string sopInstance, string modality, string seriesUid, int seriesNumber,
        string seriesDescription, int instanceNumber, DateTime created)
    {
        var ds = new DicomDataSet();
        Put(ds, 0x0008, 0x0005, DicomVR.CS, "ISO_IR 100");
        Put(ds, 0x0008, 0x0012, DicomVR.DA, Date(created));
        Put(ds, 0x0008, 0x0013, DicomVR.TM, Time(created));
        ds.SetString(DicomTag.SopClassUid, DicomVR.UI, sopClass);
        ds.SetString(DicomTag.SopInstanceUid, DicomVR.UI, sopInstance);
        ds.SetString(DicomTag.StudyDate, DicomVR.DA, Date(s.PerformedAt));
        Put(ds, 0x0008, 0x0021, DicomVR.DA, Date(created));
        Put(ds, 0x0008, 0x0023, DicomVR.DA, Date(created));
        Put(ds, 0x0008, 0x0030, DicomVR.TM, Time(s.PerformedAt));
        Put(ds, 0x0008, 0x0031, DicomVR.TM, Time(created));
        Put(ds, 0x0008, 0x0033, DicomVR.TM, Time(created));
        Put(ds, 0x0008, 0x0050, DicomVR.SH, s.AccessionNumber);
        ds.SetString(DicomTag.Modality, DicomVR.CS, modality);
        ds.SetString(DicomTag.Manufacturer, DicomVR.LO, s.Device.Manufacturer);
        Put(ds, 0x0008, 0x0080, DicomVR.LO, "DoseWatch Demo Hospital");
        ds.Set(new DicomElement(new DicomTag(0x0008, 0x0090), DicomVR.PN, ReadOnlyMemory<byte>.Empty));
        Put(ds, 0x0008, 0x1010, DicomVR.SH, s.Device.StationName);
        Put(ds, 0x0008, 0x1030, DicomVR.LO, s.Protocol.Name);
        Put(ds, 0x0008, 0x103E, DicomVR.LO, seriesDescription);
        Put(ds, 0x0008, 0x1090, DicomVR.LO, s.Device.Model);
        ds.SetString(DicomTag.PatientName, DicomVR.PN, s.Patient.Name);
        ds.SetString(DicomTag.PatientId, DicomVR.LO, s.Patient.Id);
        Put(ds, 0x0010, 0x0030, DicomVR.DA, s.Patient.BirthDate.ToString("yyyyMMdd", CultureInfo.InvariantCulture));
        Put(ds, 0x0010, 0x0040, DicomVR.CS, s.Patient.Sex.ToString());
        Put(ds, 0x0010, 0x1010, DicomVR.AS, $"{s.AgeYears:D3}Y");
        Put(ds, 0x0010, 0x1020, DicomVR.DS, SrContentBuilder.DecimalString(s.Patient.HeightM));
        Put(ds, 0x0010, 0x1030, DicomVR.DS, SrContentBuilder.DecimalString(s.Patient.WeightKg));
        Put(ds, 0x0018, 0x1000, DicomVR.LO, s.Device.SerialNumber);
        Put(ds, 0x0018, 0x1020, DicomVR.LO, s.Device.SoftwareVersion);
        ds.SetString(DicomTag.StudyInstanceUid, DicomVR.UI, s.StudyUid);
        ds.SetString(DicomTag.SeriesInstanceUid, DicomVR.UI, seriesUid);
        Put(ds, 0x0020, 0x0010, DicomVR.SH, s.AccessionNumber[^6..]);
        Put(ds, 0x0020, 0x0011, DicomVR.IS, seriesNumber.ToString(CultureInfo.InvariantCulture));
        Put(ds, 0x0020, 0x0013, DicomVR.IS, instanceNumber.ToString(CultureInfo.InvariantCulture));
        return ds;
    }

    public static void Put(DicomDataSet ds, ushort group, ushort element, DicomVR vr, string value) => ds.SetString(new DicomTag(group, element), vr, value);

    public static string Date(DateTime t) => t.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    public static string Time(DateTime t) => t.ToString("HHmmss", CultureInfo.InvariantCulture);
}
