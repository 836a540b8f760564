using System.Globalization;
using DoseWatch.Dicom;
using DoseWatch.Dicom.Sr;
using DoseWatch.Dicom.Sr.Codes;
using static DoseWatch.Dicom.Sr.SrContentBuilder;

namespace DoseWatch.Cli.Demo;

/// <summary>
/// Writes a demo study as an X-Ray Radiation Dose SR (PS3.3 A.35.8) or, for nuclear medicine, a Radiopharmaceutical
/// Radiation Dose SR (A.35.14): patient, study, series, equipment and SR document modules in the header, and the content
/// tree of TID 10011 (CT), TID 10001 (projection X-ray) or TID 10021/10022 (radiopharmaceutical administration) built with
/// <see cref="SrContentBuilder"/>. Codes are those of <c>DoseWatch.Dicom.Sr.Codes</c> (PS3.16), units are UCUM.
/// </summary>
internal static class RadiationDoseSrWriter
{
    public const string XRayRadiationDoseSrStorage = "1.2.840.10008.5.1.4.1.1.88.67";
    public const string RadiopharmaceuticalRadiationDoseSrStorage = "1.2.840.10008.5.1.4.1.1.88.68";
    private static readonly CodedConcept Events = new("{events}", "UCUM", "events");
    private static readonly CodedConcept XRaySources = new("{X-Ray sources}", "UCUM", "X-Ray sources");
    private static readonly CodedConcept PulsesPerSecond = new("{pulse}/s", "UCUM", "pulse/s");
    private static readonly CodedConcept Frames = new("1", "UCUM", "no units");
    private static readonly CodedConcept Ratio = new("{ratio}", "UCUM", "ratio");
    private static readonly CodedConcept AapmReport220 = new("113987", "DCM", "AAPM 220");
    private static readonly CodedConcept StationaryAcquisition = new("113611", "DCM", "Stationary Acquisition");
    private static readonly CodedConcept FifteenCmFromIsocenter = new("113860", "DCM", "15cm from Isocenter toward Source");
    private static readonly CodedConcept Tungsten = new("105874009", "SCT", "Tungsten or Tungsten compound");
    private static readonly CodedConcept ViaVein = new("103386002", "SCT", "Via vein");

    public static DicomFile Write(DemoStudy study)
    {
        var nm = study.Device.Modality == DemoModality.NuclearMedicine;
        var sopClass = nm ? RadiopharmaceuticalRadiationDoseSrStorage : XRayRadiationDoseSrStorage;
        var ds = Header(study, sopClass);
        if (nm) SetRoot(ds, RadiopharmaceuticalDoseCodes.RadiopharmaceuticalRadiationDoseReport, "10021", RadiopharmaceuticalContent(study));
        else if (study.Device.Modality == DemoModality.Ct) SetRoot(ds, CtDoseCodes.XRayRadiationDoseReport, "10011", CtContent(study));
        else SetRoot(ds, CtDoseCodes.XRayRadiationDoseReport, "10001", ProjectionContent(study));
        var meta = DicomFileMeta.Create(sopClass, study.SopInstanceUid, DicomTransferSyntax.ExplicitVRLittleEndian);
        return new DicomFile(meta, ds, DicomTransferSyntax.ExplicitVRLittleEndian);
    }

    /// <summary>The shared modules, then the SR Document Series, General and Content modules' own attributes.</summary>
    private static DicomDataSet Header(DemoStudy s, string sopClass)
    {
        var ds = DemoHeader.For(s, sopClass, s.SopInstanceUid, "SR", s.SeriesUid, 997, "Radiation Dose Information", 1, s.Events[^1].Started.AddMinutes(1));
        ds.Set(new DicomSequence(new DicomTag(0x0008, 0x1111)));
        ds.Set(new DicomSequence(new DicomTag(0x0040, 0xA372)));
        DemoHeader.Put(ds, 0x0040, 0xA491, DicomVR.CS, "COMPLETE");
        DemoHeader.Put(ds, 0x0040, 0xA493, DicomVR.CS, "UNVERIFIED");
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
            Num(Contains, CtDoseCodes.NominalTotalCollimationWidth, e.IsLocalizer ? 0.6 : e.TotalCollimationMm ?? 38.4, UcumUnits.Millimetre),
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

    /// <summary>
    /// TID 10021: the procedure, then one TID 10022 administration per event (dose reference §5.5). No device observer:
    /// the IOD's relationship constraints (PS3.3 Table A.35.14-2) allow no HAS OBS CONTEXT on the root container, so the
    /// device is the one of the General Equipment module.
    /// </summary>
    private static IEnumerable<DicomDataSet> RadiopharmaceuticalContent(DemoStudy s)
    {
        yield return Code(HasConceptMod, RadiopharmaceuticalDoseCodes.AssociatedProcedure, s.Protocol.AssociatedProcedure!,
            Code(HasConceptMod, CommonSrCodes.HasIntent, CommonSrCodes.DiagnosticIntent));
        foreach (var e in s.Events)
            yield return Container(Contains, RadiopharmaceuticalDoseCodes.RadiopharmaceuticalAdministration,
            [
                Code(Contains, RadiopharmaceuticalDoseCodes.RadiopharmaceuticalAgent, s.Protocol.Radiopharmaceutical!,
                    Code(HasProperties, RadiopharmaceuticalDoseCodes.Radionuclide, s.Protocol.Radionuclide!),
                    Num(HasProperties, RadiopharmaceuticalDoseCodes.RadionuclideHalfLife, s.Protocol.HalfLifeS, UcumUnits.Second)),
                UidRef(Contains, RadiopharmaceuticalDoseCodes.RadiopharmaceuticalAdministrationEventUid, e.Uid),
                DateTime(Contains, RadiopharmaceuticalDoseCodes.RadiopharmaceuticalStartDateTime, e.Started),
                DateTime(Contains, RadiopharmaceuticalDoseCodes.RadiopharmaceuticalStopDateTime, e.Started.AddSeconds(20)),
                Num(Contains, RadiopharmaceuticalDoseCodes.AdministeredActivity, e.AdministeredActivityMBq!.Value, UcumUnits.MegaBecquerel),
                Code(Contains, RadiopharmaceuticalDoseCodes.RouteOfAdministration, RadiopharmaceuticalDoseCodes.IntravenousRoute,
                    Code(HasProperties, RadiopharmaceuticalDoseCodes.SiteOf, ViaVein)),
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

}
