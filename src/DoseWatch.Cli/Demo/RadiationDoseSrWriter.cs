using System.Globalization;
using DoseWatch.Dicom;
using DoseWatch.Dicom.Sr;
using DoseWatch.Dicom.Sr.Codes;
using static DoseWatch.Dicom.Sr.SrContentBuilder;

namespace DoseWatch.Cli.Demo;

/// <summary>
/// Writes a demo study as an X-Ray Radiation Dose SR (PS3.3 A.35.8): patient, study, series, equipment and SR document
/// modules in the header, and the content tree of TID 10011 (CT) or TID 10001 (projection X-ray) built with
/// <see cref="SrContentBuilder"/>. Codes are those of <c>DoseWatch.Dicom.Sr.Codes</c> (PS3.16), units are UCUM.
/// </summary>
internal static class RadiationDoseSrWriter
{
    public const string XRayRadiationDoseSrStorage = "1.2.840.10008.5.1.4.1.1.88.67";
    private static readonly CodedConcept Events = new("{events}", "UCUM", "events");
    private static readonly CodedConcept XRaySources = new("{X-Ray sources}", "UCUM", "X-Ray sources");
    private static readonly CodedConcept PulsesPerSecond = new("{pulse}/s", "UCUM", "pulse/s");
    private static readonly CodedConcept Frames = new("1", "UCUM", "no units");
    private static readonly CodedConcept Ratio = new("{ratio}", "UCUM", "ratio");
    private static readonly CodedConcept AapmReport220 = new("113987", "DCM", "AAPM 220");
    private static readonly CodedConcept StationaryAcquisition = new("113611", "DCM", "Stationary Acquisition");
    private static readonly CodedConcept FifteenCmFromIsocenter = new("113860", "DCM", "15cm from Isocenter toward Source");
    private static readonly CodedConcept Tungsten = new("105874009", "SCT", "Tungsten or Tungsten compound");

    public static DicomFile Write(DemoStudy study)
    {
        var ds = Header(study);
        var ct = study.Device.Modality == DemoModality.Ct;
        SetRoot(ds, CtDoseCodes.XRayRadiationDoseReport, ct ? "10011" : "10001", ct ? CtContent(study) : ProjectionContent(study));
        var meta = DicomFileMeta.Create(XRayRadiationDoseSrStorage, study.SopInstanceUid, DicomTransferSyntax.ExplicitVRLittleEndian);
        return new DicomFile(meta, ds, DicomTransferSyntax.ExplicitVRLittleEndian);
    }

    private static DicomDataSet Header(DemoStudy s)
    {
        var ds = new DicomDataSet();
        var created = s.Events[^1].Started.AddMinutes(1);
        Put(ds, 0x0008, 0x0005, DicomVR.CS, "ISO_IR 100");
        Put(ds, 0x0008, 0x0012, DicomVR.DA, Date(created));
        Put(ds, 0x0008, 0x0013, DicomVR.TM, Time(created));
        ds.SetString(DicomTag.SopClassUid, DicomVR.UI, XRayRadiationDoseSrStorage);
        ds.SetString(DicomTag.SopInstanceUid, DicomVR.UI, s.SopInstanceUid);
        ds.SetString(DicomTag.StudyDate, DicomVR.DA, Date(s.PerformedAt));
        Put(ds, 0x0008, 0x0021, DicomVR.DA, Date(created));
        Put(ds, 0x0008, 0x0023, DicomVR.DA, Date(created));
        Put(ds, 0x0008, 0x0030, DicomVR.TM, Time(s.PerformedAt));
        Put(ds, 0x0008, 0x0031, DicomVR.TM, Time(created));
        Put(ds, 0x0008, 0x0033, DicomVR.TM, Time(created));
        Put(ds, 0x0008, 0x0050, DicomVR.SH, s.AccessionNumber);
        ds.SetString(DicomTag.Modality, DicomVR.CS, "SR");
        ds.SetString(DicomTag.Manufacturer, DicomVR.LO, s.Device.Manufacturer);
        Put(ds, 0x0008, 0x0080, DicomVR.LO, "DoseWatch Demo Hospital");
        ds.Set(new DicomElement(new DicomTag(0x0008, 0x0090), DicomVR.PN, ReadOnlyMemory<byte>.Empty));
        Put(ds, 0x0008, 0x1010, DicomVR.SH, s.Device.StationName);
        Put(ds, 0x0008, 0x1030, DicomVR.LO, s.Protocol.Name);
        Put(ds, 0x0008, 0x103E, DicomVR.LO, "Radiation Dose Information");
        Put(ds, 0x0008, 0x1090, DicomVR.LO, s.Device.Model);
        ds.Set(new DicomSequence(new DicomTag(0x0008, 0x1111)));
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
        ds.SetString(DicomTag.SeriesInstanceUid, DicomVR.UI, s.SeriesUid);
        Put(ds, 0x0020, 0x0010, DicomVR.SH, s.AccessionNumber[^6..]);
        Put(ds, 0x0020, 0x0011, DicomVR.IS, "997");
        Put(ds, 0x0020, 0x0013, DicomVR.IS, "1");
        ds.Set(new DicomSequence(new DicomTag(0x0040, 0xA372)));
        Put(ds, 0x0040, 0xA491, DicomVR.CS, "COMPLETE");
        Put(ds, 0x0040, 0xA493, DicomVR.CS, "UNVERIFIED");
        return ds;
    }

    private static IEnumerable<DicomDataSet> CtContent(DemoStudy s)
    {
        yield return Code(HasConceptMod, CommonSrCodes.ProcedureReported, CtDoseCodes.ComputedTomographyXRay,
            Code(HasConceptMod, CommonSrCodes.HasIntent, CommonSrCodes.DiagnosticIntent));
        foreach (var item in DeviceObserver(s)) yield return item;
        yield return DateTime(HasObsContext, CtDoseCodes.StartOfXRayIrradiation, s.Events[0].Started);
        yield return DateTime(HasObsContext, CtDoseCodes.EndOfXRayIrradiation, s.Events[^1].Started.AddSeconds(30));
        yield return ScopeOfAccumulation(s);
        yield return Container(Contains, CtDoseCodes.CtAccumulatedDoseData,
        [
            Num(Contains, CtDoseCodes.TotalNumberOfIrradiationEvents, s.Events.Count, Events),
            Num(Contains, CtDoseCodes.CtDoseLengthProductTotal, Math.Round(s.Events.Sum(e => e.DlpMGyCm ?? 0), 2), UcumUnits.MilliGrayCentimetre),
        ]);
        foreach (var e in s.Events) yield return CtAcquisition(e);
        yield return Code(Contains, CommonSrCodes.SourceOfDoseInformation, CommonSrCodes.AutomatedDataCollection);
    }

    private static DicomDataSet CtAcquisition(DemoEvent e)
    {
        var parameters = new List<DicomDataSet>
        {
            Num(Contains, CtDoseCodes.ExposureTime, e.ExposureTimeS!.Value, UcumUnits.Second),
            Num(Contains, CtDoseCodes.ScanningLength, e.ScanLengthMm!.Value, UcumUnits.Millimetre),
            Num(Contains, CtDoseCodes.NominalSingleCollimationWidth, 0.6, UcumUnits.Millimetre),
            Num(Contains, CtDoseCodes.NominalTotalCollimationWidth, e.IsLocalizer ? 0.6 : 38.4, UcumUnits.Millimetre),
        };
        if (e.PitchFactor is { } pitch && !e.IsLocalizer) parameters.Add(Num(Contains, CtDoseCodes.PitchFactor, pitch, Ratio));
        parameters.Add(Num(Contains, CtDoseCodes.NumberOfXRaySources, 1, XRaySources));
        parameters.Add(Container(Contains, CtDoseCodes.CtXRaySourceParameters,
        [
            Text(Contains, CtDoseCodes.IdentificationOfTheXRaySource, "A"),
            Num(Contains, CtDoseCodes.Kvp, e.Kvp, UcumUnits.Kilovolt),
            Num(Contains, CtDoseCodes.MaximumXRayTubeCurrent, Math.Round(e.TubeCurrentMA * 1.3), UcumUnits.MilliAmpere),
            Num(Contains, CtDoseCodes.XRayTubeCurrent, e.TubeCurrentMA, UcumUnits.MilliAmpere),
            Num(Contains, CtDoseCodes.ExposureTimePerRotation, 0.5, UcumUnits.Second),
        ]));
        var dose = new List<DicomDataSet>
        {
            Num(Contains, CtDoseCodes.MeanCtdiVol, e.CtdiVolMGy!.Value, UcumUnits.MilliGray),
            Code(Contains, CtDoseCodes.CtdiwPhantomType, e.HeadPhantom ? CtDoseCodes.IecHeadDosimetryPhantom : CtDoseCodes.IecBodyDosimetryPhantom),
            Num(Contains, CtDoseCodes.Dlp, e.DlpMGyCm!.Value, UcumUnits.MilliGrayCentimetre),
        };
        if (e.SsdeMGy is { } ssde)
            dose.Add(Num(Contains, CtDoseCodes.SizeSpecificDoseEstimation, ssde, UcumUnits.MilliGray,
                Code(HasConceptMod, CommonSrCodes.MeasurementMethod, AapmReport220),
                Num(InferredFrom, new CodedConcept("113980", "DCM", "Water Equivalent Diameter"), e.WaterEquivalentDiameterMm!.Value, UcumUnits.Millimetre)));
        return Container(Contains, CtDoseCodes.CtAcquisition,
        [
            Text(Contains, CommonSrCodes.AcquisitionProtocol, e.Protocol),
            Code(Contains, CommonSrCodes.TargetRegion, e.TargetRegion),
            Code(Contains, CtDoseCodes.CtAcquisitionType, e.IsLocalizer ? CtDoseCodes.ConstantAngleAcquisition
                : e.PitchFactor is null ? CtDoseCodes.SequencedAcquisition : CtDoseCodes.SpiralAcquisition),
            UidRef(Contains, CommonSrCodes.IrradiationEventUid, e.Uid),
            DateTime(Contains, CommonSrCodes.DateTimeStarted, e.Started),
            Container(Contains, CtDoseCodes.CtAcquisitionParameters, parameters),
            Container(Contains, CtDoseCodes.CtDose, dose),
        ]);
    }

    private static IEnumerable<DicomDataSet> ProjectionContent(DemoStudy s)
    {
        var mammo = s.Device.Modality == DemoModality.Mammography;
        yield return Code(HasConceptMod, CommonSrCodes.ProcedureReported, mammo ? ProjectionXRayDoseCodes.Mammography : ProjectionXRayDoseCodes.ProjectionXRay,
            Code(HasConceptMod, CommonSrCodes.HasIntent, CommonSrCodes.DiagnosticIntent));
        foreach (var item in DeviceObserver(s)) yield return item;
        yield return ScopeOfAccumulation(s);
        yield return Container(Contains, ProjectionXRayDoseCodes.AccumulatedXRayDoseData, mammo ? MammographyAccumulation(s) : ProjectionAccumulation(s));
        foreach (var e in s.Events) yield return ProjectionEvent(e, mammo);
        yield return Code(Contains, CommonSrCodes.SourceOfDoseInformation, CommonSrCodes.AutomatedDataCollection);
    }

    private static List<DicomDataSet> ProjectionAccumulation(DemoStudy s)
    {
        var fluoro = s.Events.Where(e => e.IsFluoroscopy).ToList();
        var acquisition = s.Events.Where(e => !e.IsFluoroscopy).ToList();
        var items = new List<DicomDataSet>
        {
            Code(HasConceptMod, ProjectionXRayDoseCodes.AcquisitionPlane, ProjectionXRayDoseCodes.SinglePlane),
            Num(Contains, ProjectionXRayDoseCodes.DoseAreaProductTotal, Sum(s.Events, e => e.DapGyM2), UcumUnits.GraySquareMetre),
        };
        if (s.Device.Modality == DemoModality.Fluoroscopy)
        {
            items.Add(Num(Contains, ProjectionXRayDoseCodes.DoseRpTotal, Sum(s.Events, e => e.DoseRpGy), UcumUnits.Gray));
            items.Add(Num(Contains, ProjectionXRayDoseCodes.FluoroDoseAreaProductTotal, Sum(fluoro, e => e.DapGyM2), UcumUnits.GraySquareMetre));
            items.Add(Num(Contains, ProjectionXRayDoseCodes.FluoroDoseRpTotal, Sum(fluoro, e => e.DoseRpGy), UcumUnits.Gray));
            items.Add(Num(Contains, ProjectionXRayDoseCodes.TotalFluoroTime, Sum(fluoro, e => e.ExposureTimeS), UcumUnits.Second));
            items.Add(Num(Contains, ProjectionXRayDoseCodes.AcquisitionDoseAreaProductTotal, Sum(acquisition, e => e.DapGyM2), UcumUnits.GraySquareMetre));
            items.Add(Num(Contains, ProjectionXRayDoseCodes.AcquisitionDoseRpTotal, Sum(acquisition, e => e.DoseRpGy), UcumUnits.Gray));
            items.Add(Num(Contains, ProjectionXRayDoseCodes.TotalAcquisitionTime, Sum(acquisition, e => e.ExposureTimeS), UcumUnits.Second));
        }
        items.Add(Num(Contains, ProjectionXRayDoseCodes.TotalNumberOfRadiographicFrames, acquisition.Count, Frames));
        items.Add(Code(Contains, ProjectionXRayDoseCodes.ReferencePointDefinition, FifteenCmFromIsocenter));
        return items;
    }

    private static List<DicomDataSet> MammographyAccumulation(DemoStudy s)
    {
        var items = new List<DicomDataSet> { Code(HasConceptMod, ProjectionXRayDoseCodes.AcquisitionPlane, ProjectionXRayDoseCodes.SinglePlane) };
        foreach (var side in s.Events.Select(e => e.Laterality!).Distinct())
            items.Add(Num(Contains, ProjectionXRayDoseCodes.AccumulatedAverageGlandularDose, Sum(s.Events.Where(e => side.Equals(e.Laterality)), e => e.AgdMGy), UcumUnits.MilliGray,
                Code(HasConceptMod, ProjectionXRayDoseCodes.Laterality, side)));
        items.Add(Num(Contains, ProjectionXRayDoseCodes.TotalNumberOfRadiographicFrames, s.Events.Count, Frames));
        return items;
    }

    private static DicomDataSet ProjectionEvent(DemoEvent e, bool mammo)
    {
        var items = new List<DicomDataSet>
        {
            Code(Contains, ProjectionXRayDoseCodes.AcquisitionPlane, ProjectionXRayDoseCodes.SinglePlane),
            UidRef(Contains, CommonSrCodes.IrradiationEventUid, e.Uid),
            DateTime(Contains, CommonSrCodes.DateTimeStarted, e.Started),
            Code(Contains, ProjectionXRayDoseCodes.IrradiationEventType, e.IsFluoroscopy ? ProjectionXRayDoseCodes.Fluoroscopy : StationaryAcquisition),
            Text(Contains, CommonSrCodes.AcquisitionProtocol, e.Protocol),
            e.Laterality is { } side
                ? Code(Contains, CommonSrCodes.TargetRegion, e.TargetRegion, Code(HasConceptMod, ProjectionXRayDoseCodes.Laterality, side))
                : Code(Contains, CommonSrCodes.TargetRegion, e.TargetRegion),
        };
        if (e.DapGyM2 is { } dap) items.Add(Num(Contains, ProjectionXRayDoseCodes.DoseAreaProduct, dap, UcumUnits.GraySquareMetre));
        if (e.DoseRpGy is { } rp) items.Add(Num(Contains, ProjectionXRayDoseCodes.DoseRp, rp, UcumUnits.Gray));
        if (mammo)
        {
            items.Add(Num(Contains, ProjectionXRayDoseCodes.EntranceExposureAtRp, e.EntranceExposureMGy!.Value, UcumUnits.MilliGray));
            items.Add(Num(Contains, ProjectionXRayDoseCodes.AverageGlandularDose, e.AgdMGy!.Value, UcumUnits.MilliGray));
            items.Add(Code(Contains, ProjectionXRayDoseCodes.AnodeTargetMaterial, Tungsten));
            items.Add(Num(Contains, ProjectionXRayDoseCodes.CompressionThickness, e.CompressionThicknessMm!.Value, UcumUnits.Millimetre));
        }
        if (e.PulseRatePerS is { } rate) items.Add(Num(Contains, ProjectionXRayDoseCodes.PulseRate, rate, PulsesPerSecond));
        items.Add(Num(Contains, CtDoseCodes.Kvp, e.Kvp, UcumUnits.Kilovolt));
        items.Add(Num(Contains, CtDoseCodes.XRayTubeCurrent, e.TubeCurrentMA, UcumUnits.MilliAmpere));
        items.Add(Num(Contains, CtDoseCodes.ExposureTime, Math.Round(e.ExposureTimeS!.Value * 1000, 1), UcumUnits.Millisecond));
        return Container(Contains, ProjectionXRayDoseCodes.IrradiationEventXRayData, items);
    }

    private static IEnumerable<DicomDataSet> DeviceObserver(DemoStudy s)
    {
        yield return Code(HasObsContext, CommonSrCodes.ObserverType, CommonSrCodes.Device);
        yield return UidRef(HasObsContext, CommonSrCodes.DeviceObserverUid, s.Device.ObserverUid);
        yield return Text(HasObsContext, CommonSrCodes.DeviceObserverName, s.Device.StationName);
        yield return Text(HasObsContext, CommonSrCodes.DeviceObserverManufacturer, s.Device.Manufacturer);
        yield return Text(HasObsContext, CommonSrCodes.DeviceObserverModelName, s.Device.Model);
        yield return Text(HasObsContext, CommonSrCodes.DeviceObserverSerialNumber, s.Device.SerialNumber);
    }

    private static DicomDataSet ScopeOfAccumulation(DemoStudy s) =>
        Code(HasObsContext, CommonSrCodes.ScopeOfAccumulation, CommonSrCodes.Study, UidRef(HasProperties, CommonSrCodes.StudyInstanceUid, s.StudyUid));

    private static double Sum(IEnumerable<DemoEvent> events, Func<DemoEvent, double?> value) =>
        double.Parse(SrContentBuilder.DecimalString(events.Sum(e => value(e) ?? 0)), CultureInfo.InvariantCulture);

    private static void Put(DicomDataSet ds, ushort group, ushort element, DicomVR vr, string value) => ds.SetString(new DicomTag(group, element), vr, value);

    private static string Date(System.DateTime t) => t.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private static string Time(System.DateTime t) => t.ToString("HHmmss", CultureInfo.InvariantCulture);
}
