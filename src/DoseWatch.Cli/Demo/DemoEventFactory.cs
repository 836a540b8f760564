using DoseWatch.Dicom;

namespace DoseWatch.Cli.Demo;

/// <summary>
/// Events of one study, with physically consistent values: DLP = CTDIvol × irradiated length, exposure time from
/// length, pitch and table speed, SSDE from the water-equivalent diameter (AAPM Report 220, 32 cm phantom); FDG
/// activity by patient weight; MR series in IEC first level mode only when their SAR needs it; ultrasound MI below
/// the FDA Track 3 limit. Values are rounded to what a device would display, so the DS text in the file is the value itself.
/// </summary>
internal sealed class DemoEventFactory(Random random, Func<string> newUid)
{
    private const double TotalCollimationMm = 38.4; // 64 × 0.6 mm
    private const double RotationTimeS = 0.5;
    public static readonly CodedConcept LeftBreast = new("80248007", "SCT", "Left breast");
    public static readonly CodedConcept RightBreast = new("73056007", "SCT", "Right breast");

    public IReadOnlyList<DemoEvent> EventsFor(DemoProtocol protocol, DemoDevice device, DemoPatient patient, DateTime start, DemoAnomaly anomaly)
    {
        var events = protocol.Modality switch
        {
            DemoModality.Ct => CtEvents(protocol, start),
            DemoModality.Fluoroscopy => FluoroscopyEvents(protocol, start),
            DemoModality.Radiography => RadiographyEvents(protocol, start),
            DemoModality.Mammography => MammographyEvents(protocol, start),
            DemoModality.NuclearMedicine => [Administration(protocol, patient, start)],
            DemoModality.MagneticResonance => MrSeries(protocol, device, start),
            _ => UltrasoundImages(protocol, start),
        };
        return anomaly switch
        {
            DemoAnomaly.None => events,
            DemoAnomaly.DoseOutlier when protocol.Modality is DemoModality.Fluoroscopy or DemoModality.Radiography => WholeStudy(events, 10),
            DemoAnomaly.RepeatedAcquisition => Repeated(protocol, events),
            _ => Apply(anomaly, events),
        };
    }

    /// <summary>
    /// Every event's dose × <paramref name="factor"/>: for quantities judged per study (fluoroscopy and radiography DAP
    /// and Ka,r, CT DLP), where one event's excess is diluted by the others.
    /// </summary>
    private static List<DemoEvent> WholeStudy(IReadOnlyList<DemoEvent> events, double factor) =>
        events.Select(e => e.IsLocalizer ? e : e with
        {
            CtdiVolMGy = e.CtdiVolMGy * factor, DlpMGyCm = e.DlpMGyCm * factor, SsdeMGy = e.SsdeMGy * factor, DapGyM2 = e.DapGyM2 * factor, DoseRpGy = e.DoseRpGy * factor,
        }).ToList();

    /// <summary>Acquisitions repeated: the main CT scan once more, every mammographic view once more, every radiograph twice more.</summary>
    private List<DemoEvent> Repeated(DemoProtocol protocol, IReadOnlyList<DemoEvent> events)
    {
        var repeats = protocol.Modality == DemoModality.Ct ? [events[^1]] : events.Concat(protocol.Modality == DemoModality.Radiography ? events : []).ToList();
        return events.Concat(repeats.Select((e, i) => e with { Uid = newUid(), Started = events[^1].Started.AddMinutes(1 + i) })).ToList();
    }

    private List<DemoEvent> CtEvents(DemoProtocol p, DateTime start)
    {
        var localizer = new DemoEvent(newUid(), start, p.Name, p.TargetRegion, 120, 35)
        {
            IsLocalizer = true, CtdiVolMGy = Round(0.05 + 0.1 * random.NextDouble(), 3), ScanLengthMm = Math.Round(p.ScanLengthMm * 1.3),
            ExposureTimeS = Round(2 + 2 * random.NextDouble(), 2), HeadPhantom = p.HeadPhantom,
        };
        localizer = localizer with { DlpMGyCm = Round(localizer.CtdiVolMGy!.Value * localizer.ScanLengthMm!.Value / 10, 2) };
        return [localizer, CtScan(p, start.AddSeconds(40 + random.Next(60)), LogNormal(p.MedianDose, p.LogSigma))];
    }

    private DemoEvent CtScan(DemoProtocol p, DateTime started, double ctdiVol)
    {
        var length = Math.Round(p.ScanLengthMm * Math.Exp(0.1 * StandardNormal(random)));
        var ctdi = Round(ctdiVol, 2);
        // Spiral: over-ranging adds about one collimation; sequenced: exposed length is the scanned length.
        var irradiatedCm = (length + (p.PitchFactor is null ? 0 : TotalCollimationMm)) / 10;
        var exposureTime = p.PitchFactor is { } pitch ? length / (pitch * TotalCollimationMm / RotationTimeS) : length / TotalCollimationMm * RotationTimeS;
        var scan = new DemoEvent(newUid(), started, p.Name, p.TargetRegion, p.Kvp, Math.Round(p.TubeCurrentMA * ctdi / p.MedianDose))
        {
            CtdiVolMGy = ctdi, DlpMGyCm = Round(ctdi * irradiatedCm, 2), ScanLengthMm = length, PitchFactor = p.PitchFactor,
            ExposureTimeS = Round(exposureTime, 2), HeadPhantom = p.HeadPhantom,
        };
        if (p.HeadPhantom || random.NextDouble() < 0.5) return scan;
        var dw = Math.Round(Math.Clamp(270 + 40 * StandardNormal(random), 180, 420));
        // AAPM Report 220 conversion for the 32 cm phantom: f = 3.704369 e^(-0.03671937 Dw[cm]).
        return scan with { WaterEquivalentDiameterMm = dw, SsdeMGy = Round(ctdi * 3.704369 * Math.Exp(-0.03671937 * dw / 10), 2) };
    }

    private List<DemoEvent> FluoroscopyEvents(DemoProtocol p, DateTime start)
    {
        // The protocol median is the study DAP in Gy·cm²: about 60 % from fluoroscopy, the rest from acquisition runs.
        var studyDap = LogNormal(p.MedianDose, p.LogSigma);
        var runs = random.Next(3, 9);
        var events = new List<DemoEvent>();
        var t = start;
        for (var i = 0; i < runs; i++)
        {
            var fluoro = i % 2 == 0;
            var dapGyCm2 = studyDap * (fluoro ? 0.6 : 0.4) / Math.Ceiling(runs / 2.0) * Math.Exp(0.3 * StandardNormal(random));
            events.Add(new DemoEvent(newUid(), t, p.Name, p.TargetRegion, Math.Round(p.Kvp + 8 * StandardNormal(random)), Math.Round(p.TubeCurrentMA * (fluoro ? 0.3 : 1)))
            {
                IsFluoroscopy = fluoro, DapGyM2 = Round(dapGyCm2 / 1e4, 8), DoseRpGy = Round(dapGyCm2 * 0.006, 5),
                ExposureTimeS = fluoro ? Round(20 + 90 * random.NextDouble(), 1) : Round(3 + 5 * random.NextDouble(), 1),
                PulseRatePerS = fluoro ? 15 : 7.5,
            });
            t = t.AddMinutes(2 + random.Next(5));
        }
        return events;
    }

    private List<DemoEvent> RadiographyEvents(DemoProtocol p, DateTime start) =>
        Enumerable.Range(0, random.Next(1, 3)).Select(i => new DemoEvent(newUid(), start.AddMinutes(i), p.Name, p.TargetRegion, p.Kvp, p.TubeCurrentMA)
        {
            DapGyM2 = Round(LogNormal(p.MedianDose, p.LogSigma) / 1e4, 9), ExposureTimeS = Round(0.01 + 0.05 * random.NextDouble(), 3),
        }).ToList();

    private List<DemoEvent> MammographyEvents(DemoProtocol p, DateTime start)
    {
        var thickness = new Dictionary<CodedConcept, double>
        {
            [LeftBreast] = Math.Round(Math.Clamp(55 + 12 * StandardNormal(random), 25, 95)),
            [RightBreast] = Math.Round(Math.Clamp(55 + 12 * StandardNormal(random), 25, 95)),
        };
        // CC and MLO of each breast; thicker breasts take more dose (about +2 % per mm above 50 mm).
        return new[] { RightBreast, LeftBreast, RightBreast, LeftBreast }.Select((side, i) =>
        {
            var agd = LogNormal(p.MedianDose, p.LogSigma) * Math.Exp(0.02 * (thickness[side] - 50));
            return new DemoEvent(newUid(), start.AddMinutes(i), p.Name, p.TargetRegion, Math.Round(p.Kvp + (thickness[side] - 50) / 10), p.TubeCurrentMA)
            {
                Laterality = side, CompressionThicknessMm = thickness[side], AgdMGy = Round(agd, 2), EntranceExposureMGy = Round(agd * 4.2, 2),
                ExposureTimeS = Round(0.8 + 0.8 * random.NextDouble(), 2),
            };
        }).ToList();
    }

    private DemoEvent Administration(DemoProtocol p, DemoPatient patient, DateTime start)
    {
        var activity = LogNormal(p.MedianDose, p.LogSigma) * (p.ActivityPerKilogram ? patient.WeightKg : 1);
        // Activity is dispensed in round amounts: to the MBq.
        return new DemoEvent(newUid(), start, p.Name, p.TargetRegion, 0, 0) { AdministeredActivityMBq = Math.Round(activity) };
    }

    private List<DemoEvent> MrSeries(DemoProtocol p, DemoDevice device, DateTime start)
    {
        // The protocol's SAR level for this patient (coil loading, body size), then each series relative to it; a
        // scanner leaves normal mode only when a series needs more than the normal mode's 2 W/kg whole-body limit.
        var level = LogNormal(p.MedianDose, p.LogSigma) * (device.FieldStrengthT >= 3 ? 1.25 : 1);
        var t = start;
        return p.MrSeries.Select((series, i) =>
        {
            var sar = Round(Math.Min(series.SarFactor * level * Math.Exp(0.08 * StandardNormal(random)), 3.9), 2);
            var ev = new DemoEvent(newUid(), t, series.Name, p.TargetRegion, 0, 0)
            {
                ImageUid = newUid(), SeriesNumber = i + 1, MrSeries = series, SarWPerKg = sar, OperatingMode = sar > 2 ? "IEC_FIRST_LEVEL" : "IEC_NORMAL",
                DbdtTPerS = Round(series.DbdtTPerS * Math.Exp(0.1 * StandardNormal(random)), 1), B1rmsUT = Round(Math.Sqrt(sar) * (device.FieldStrengthT >= 3 ? 1.6 : 2.2), 2),
            };
            t = t.AddMinutes(3 + random.Next(5));
            return ev;
        }).ToList();
    }

    private List<DemoEvent> UltrasoundImages(DemoProtocol p, DateTime start) =>
        Enumerable.Range(0, random.Next(3, 9)).Select(i =>
        {
            var ti = Round(Math.Min(LogNormal(p.MedianThermalIndex, 0.3), 2.5), 1);
            return new DemoEvent(newUid(), start.AddSeconds(40 * i + random.Next(30)), p.Name, p.TargetRegion, 0, 0)
            {
                // FDA Track 3: the scanner keeps MI at or below 1.9.
                MechanicalIndex = Round(Math.Min(LogNormal(p.MedianDose, p.LogSigma), 1.9), 1),
                ThermalIndexSoftTissue = p.Obstetric ? null : ti, ThermalIndexBone = p.Obstetric ? ti : Round(ti * 0.5, 1),
            };
        }).ToList();

    /// <summary>Changes the main (last, non-localizer) event the way each deviation happens on a real scanner.</summary>
    private List<DemoEvent> Apply(DemoAnomaly anomaly, IReadOnlyList<DemoEvent> events)
    {
        var list = events.ToList();
        var main = list[^1];
        list[^1] = anomaly switch
        {
            DemoAnomaly.DoseOutlier => main with
            {
                CtdiVolMGy = main.CtdiVolMGy * 4.5, DlpMGyCm = main.DlpMGyCm * 4.5, SsdeMGy = main.SsdeMGy * 4.5,
                DapGyM2 = main.DapGyM2 * 4.5, DoseRpGy = main.DoseRpGy * 4.5, AgdMGy = main.AgdMGy * 4.5, TubeCurrentMA = Math.Min(main.TubeCurrentMA * 4.5, 800),
                // A dosing error, a series run above its mode's limit (a scanner fault or a wrongly entered weight), an image above the MI guidance.
                AdministeredActivityMBq = main.AdministeredActivityMBq * 2.5,
                SarWPerKg = main.SarWPerKg is { } sar ? Round(Math.Max(2 * sar, 2.6), 2) : null, OperatingMode = main.SarWPerKg is null ? null : "IEC_NORMAL",
                MechanicalIndex = main.MechanicalIndex is { } mi ? Round(Math.Max(1.8 * mi, 2.1), 1) : null,
            },
            DemoAnomaly.ChangedKvp => main with { Kvp = main.Kvp >= 120 ? 140 : main.Kvp + 20 },
            DemoAnomaly.ChangedPitch => main with { PitchFactor = main.PitchFactor is { } p ? p + 0.5 : 1.0 },
            DemoAnomaly.ChangedCollimation => main with { TotalCollimationMm = 19.2 }, // 32 × 0.6 mm instead of 64 × 0.6 mm
            // An MR series run above its mode's whole-body limit; an obstetric image above the BMUS TI guidance.
            DemoAnomaly.SarExcursion => main with { SarWPerKg = Round(Math.Max(2 * main.SarWPerKg!.Value, 2.6), 2), OperatingMode = "IEC_NORMAL" },
            DemoAnomaly.ThermalIndexExcursion => main with
            {
                ThermalIndexBone = main.ThermalIndexBone is { } tib ? Round(Math.Max(3 * tib, 1.2), 1) : null,
                ThermalIndexSoftTissue = main.ThermalIndexSoftTissue is { } tis ? Round(Math.Max(3 * tis, 1.2), 1) : null,
            },
            DemoAnomaly.UnapprovedProtocolName => main with { Protocol = main.Protocol.ToLowerInvariant().Replace(' ', '_') + "_test2" },
            DemoAnomaly.WrongTargetRegion => main with { TargetRegion = DemoCatalogue.Pelvis.Equals(main.TargetRegion) ? DemoCatalogue.Head : DemoCatalogue.Pelvis },
            _ => main,
        };
        return list;
    }

    private double LogNormal(double median, double sigma) => median * Math.Exp(sigma * StandardNormal(random));

    private static double Round(double value, int decimals) => Math.Round(value, decimals, MidpointRounding.AwayFromZero);

    /// <summary>Box–Muller transform: one standard normal deviate.</summary>
    public static double StandardNormal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
