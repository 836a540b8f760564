using System.Numerics;
using DoseWatch.Dicom;

namespace DoseWatch.Cli.Demo;

/// <summary>What makes a demo study stand out, so a new user sees the alerts and deviation views at work.</summary>
internal enum DemoAnomaly
{
    None, DoseOutlier, ChangedKvp, UnapprovedProtocolName, WrongTargetRegion,
    // Planted by GenerateForEvaluation only (dosewatch demo evaluate).
    ChangedPitch, ChangedCollimation, RepeatedAcquisition, SarExcursion, ThermalIndexExcursion, DrlExceedance, CumulativeFluoroscopy,
}

internal sealed record DemoPatient(string Id, string Name, DateOnly BirthDate, char Sex, double WeightKg, double HeightM);

/// <summary>
/// One event as written to its object: an irradiation event of an RDSR (doses in the units the templates prescribe:
/// mGy, mGy·cm, Gy·m², Gy), a radiopharmaceutical administration (MBq), an MR series (its <see cref="Uid"/> is the
/// Series Instance UID; SAR in W/kg, dB/dt in T/s, B1rms in µT) or an ultrasound image (its <see cref="Uid"/> is the
/// SOP Instance UID; MI and TI are ratios).
/// </summary>
internal sealed record DemoEvent(string Uid, DateTime Started, string Protocol, CodedConcept TargetRegion, double Kvp, double TubeCurrentMA)
{
    public bool IsLocalizer { get; init; }
    public bool IsFluoroscopy { get; init; }
    public double? CtdiVolMGy { get; init; }
    public double? DlpMGyCm { get; init; }
    public double? ScanLengthMm { get; init; }
    public double? PitchFactor { get; init; }
    public double? ExposureTimeS { get; init; }
    public bool HeadPhantom { get; init; }
    public double? WaterEquivalentDiameterMm { get; init; }
    public double? SsdeMGy { get; init; }
    public double? DapGyM2 { get; init; }
    public double? DoseRpGy { get; init; }
    public double? AgdMGy { get; init; }
    public double? EntranceExposureMGy { get; init; }
    public double? CompressionThicknessMm { get; init; }
    public CodedConcept? Laterality { get; init; }
    public double? PulseRatePerS { get; init; }
    public double? AdministeredActivityMBq { get; init; }
    /// <summary>MR: the one image written for the series (the series is the event: every image repeats its values).</summary>
    public string? ImageUid { get; init; }
    public int SeriesNumber { get; init; }
    public DemoMrSeries? MrSeries { get; init; }
    public double? SarWPerKg { get; init; }
    public string? OperatingMode { get; init; }
    public double? DbdtTPerS { get; init; }
    public double? B1rmsUT { get; init; }
    public double? MechanicalIndex { get; init; }
    public double? ThermalIndexSoftTissue { get; init; }
    public double? ThermalIndexBone { get; init; }
    /// <summary>CT: nominal total collimation in mm; null is the scanners' usual 64 × 0.6 mm.</summary>
    public double? TotalCollimationMm { get; init; }
}

internal sealed record DemoStudy(string StudyUid, string SeriesUid, string SopInstanceUid, string AccessionNumber, DateTime PerformedAt,
    DemoPatient Patient, DemoDevice Device, DemoProtocol Protocol, IReadOnlyList<DemoEvent> Events, DemoAnomaly Anomaly)
{
    public int AgeYears => PerformedAt.Year - Patient.BirthDate.Year - (DateOnly.FromDateTime(PerformedAt) < Patient.BirthDate.AddYears(PerformedAt.Year - Patient.BirthDate.Year) ? 1 : 0);
}

/// <summary>
/// A reproducible synthetic history: for a given seed and end date, the same studies, patients and UIDs. Dates spread
/// over the last ~6 months, fewer at weekends and at night; some patients come back (cumulative dose); about one study
/// in twenty is an outlier or a deviation, and any history of ten or more studies has at least one of each. A history
/// of forty or more also has one outlier each in nuclear medicine (activity), MR (SAR above its mode's limit) and
/// ultrasound (MI above the guidance).
/// </summary>
internal sealed class DemoHistory(int seed, DateTime end)
{
    private const int HistoryDays = 182;
    private readonly Random _random = new(seed);

    public IReadOnlyList<DemoStudy> Generate(int count) => Generate(count, plant: true);

    /// <summary>
    /// Anomalies of every kind for every modality, planted where the detection can be measured
    /// (<c>dosewatch demo evaluate</c>): <see cref="EvaluationPlan"/> lists them. The history is generated without the
    /// usual anomalies; then each planned one replaces the events of a study of its protocol dated late enough that its
    /// device has seen the protocol at least <paramref name="warmUpStudies"/> times before (so the group is past its
    /// warm-up); and one patient gets four coronary angiographies within eight weeks whose DAP adds up past the 500 Gy·cm²
    /// substantial dose level while each stays ordinary (the cumulative case); and one CT's chest protocol drifts above its
    /// national DRL for the last weeks (<see cref="DrlDrift"/>, the DRL case).
    /// </summary>
    public IReadOnlyList<DemoStudy> GenerateForEvaluation(int count, int warmUpStudies)
    {
        var studies = Generate(count, plant: false).ToList();
        var factory = new DemoEventFactory(_random, NewUid);
        var taken = new HashSet<string>();
        foreach (var (anomaly, protocolName) in EvaluationPlan)
        {
            var ofProtocol = studies.Where(s => s.Protocol.Name == protocolName).ToList();
            var seen = new Dictionary<string, int>();
            var target = ofProtocol.Select(s => (Study: s, Before: seen[s.Device.StationName] = seen.GetValueOrDefault(s.Device.StationName) + 1))
                .Where(x => x.Before > warmUpStudies + 5 && !taken.Contains(x.Study.StudyUid)).Select(x => x.Study).LastOrDefault()
                ?? throw new ArgumentException($"--studies {count} is too few to plant {anomaly} on {protocolName} after a warm-up of {warmUpStudies} studies");
            taken.Add(target.StudyUid);
            studies[studies.IndexOf(target)] = target with { Events = factory.EventsFor(target.Protocol, target.Device, target.Patient, target.PerformedAt, anomaly), Anomaly = anomaly };
        }
        DrlDrift(factory, studies, taken);
        studies.AddRange(CumulativeCase(factory, studies));
        return studies.OrderBy(s => s.PerformedAt).ToList();
    }

    /// <summary>The protocol whose median drifts above its national DRL (<see cref="DemoAnomaly.DrlExceedance"/>).</summary>
    public const string DrlDriftProtocol = "CT CHEST ROUTINE";

    /// <summary>Dose factor of the drift: the chest CT median 6 mGy becomes about 10 mGy, above the UK DRL of 8.5 mGy (DLP 290 mGy·cm likewise).</summary>
    public const double DrlDriftFactor = 1.7;

    /// <summary>Days before the end of the history from which the drift applies.</summary>
    public const int DrlDriftDays = 56;

    /// <summary>
    /// A DRL is a benchmark for a device's median, not for one study: from <see cref="DrlDriftDays"/> before the end, every
    /// <see cref="DrlDriftProtocol"/> study on the CT that runs it most (save those carrying another planted anomaly) is
    /// made at <see cref="DrlDriftFactor"/> × the protocol's dose, as after a changed default technique; each study stays
    /// within the protocol's ordinary spread, their median moves above the DRL.
    /// </summary>
    private void DrlDrift(DemoEventFactory factory, List<DemoStudy> studies, HashSet<string> taken)
    {
        var ofProtocol = studies.Where(s => s.Protocol.Name == DrlDriftProtocol).ToList();
        var device = ofProtocol.GroupBy(s => s.Device).OrderByDescending(g => g.Count()).First().Key;
        var from = end.Date.AddDays(-DrlDriftDays);
        foreach (var study in ofProtocol.Where(s => s.Device == device && s.PerformedAt >= from && !taken.Contains(s.StudyUid)))
        {
            var drifted = study.Protocol with { MedianDose = study.Protocol.MedianDose * DrlDriftFactor };
            var events = factory.EventsFor(drifted, study.Device, study.Patient, study.PerformedAt, DemoAnomaly.None);
            studies[studies.IndexOf(study)] = study with { Events = events, Anomaly = DemoAnomaly.DrlExceedance };
        }
    }

    /// <summary>What <see cref="GenerateForEvaluation"/> plants, each on a study of the named protocol.</summary>
    public static readonly IReadOnlyList<(DemoAnomaly Anomaly, string Protocol)> EvaluationPlan =
    [
        (DemoAnomaly.DoseOutlier, "CT HEAD ROUTINE"), (DemoAnomaly.DoseOutlier, "CORONARY ANGIOGRAPHY"), (DemoAnomaly.DoseOutlier, "CHEST PA"),
        (DemoAnomaly.DoseOutlier, "SCREENING MAMMOGRAPHY"), (DemoAnomaly.DoseOutlier, "PET-CT FDG WHOLE BODY"), (DemoAnomaly.DoseOutlier, "MR BRAIN ROUTINE"),
        (DemoAnomaly.DoseOutlier, "Abdomen"),
        (DemoAnomaly.ChangedKvp, "CT CHEST ROUTINE"), (DemoAnomaly.ChangedKvp, "CHEST PA"),
        (DemoAnomaly.ChangedPitch, "CT CHEST ROUTINE"), (DemoAnomaly.ChangedCollimation, "CT ABDOMEN PELVIS"),
        (DemoAnomaly.WrongTargetRegion, "CT HEAD ROUTINE"), (DemoAnomaly.WrongTargetRegion, "KNEE AP LAT"),
        (DemoAnomaly.RepeatedAcquisition, "CT ABDOMEN PELVIS"), (DemoAnomaly.RepeatedAcquisition, "CHEST PA"), (DemoAnomaly.RepeatedAcquisition, "SCREENING MAMMOGRAPHY"),
        (DemoAnomaly.SarExcursion, "MR KNEE"), (DemoAnomaly.ThermalIndexExcursion, "OB 2nd trimester"),
    ];

    private IEnumerable<DemoStudy> CumulativeCase(DemoEventFactory factory, IReadOnlyList<DemoStudy> history)
    {
        var protocol = DemoCatalogue.Protocols.First(p => p.Name == "CORONARY ANGIOGRAPHY");
        var device = DemoCatalogue.Devices.First(d => d.Modality == DemoModality.Fluoroscopy);
        var patient = PatientFor([], protocol) with { Id = $"DEMO{seed:D4}-CUMULATIVE", Name = "Demo^Cumulative" };
        var first = history.Max(s => s.PerformedAt).Date.AddDays(-60);
        for (var i = 0; i < 4; i++)
        {
            var performedAt = first.AddDays(14 * i).AddHours(10);
            var events = factory.EventsFor(protocol, device, patient, performedAt, DemoAnomaly.None);
            // Each study 150 Gy·cm² (about 4 × the protocol's median, inside its spread): four add up to 600.
            var factor = 150 / (events.Sum(e => e.DapGyM2 ?? 0) * 1e4);
            events = events.Select(e => e with { DapGyM2 = e.DapGyM2 * factor, DoseRpGy = e.DoseRpGy * factor }).ToList();
            yield return new DemoStudy(NewUid(), NewUid(), NewUid(), $"DWCUM{i}", performedAt, patient, device, protocol, events, DemoAnomaly.CumulativeFluoroscopy);
        }
    }

    private IReadOnlyList<DemoStudy> Generate(int count, bool plant)
    {
        var patients = new List<DemoPatient>();
        var studies = new List<DemoStudy>(count);
        for (var i = 0; i < count; i++)
        {
            var (anomaly, planted) = plant ? AnomalyFor(i, count) : (DemoAnomaly.None, null);
            var modality = planted ?? (anomaly == DemoAnomaly.None ? Pick(DemoCatalogue.ModalityMix, m => m.Weight).Modality : DemoModality.Ct);
            var protocols = DemoCatalogue.Protocols.Where(p => p.Modality == modality).ToList();
            // Anomalies sit on the busiest protocol, where the history gives them something to stand out against.
            var protocol = anomaly == DemoAnomaly.None ? Pick(protocols, p => p.Weight) : protocols[0];
            var device = Pick(DemoCatalogue.Devices.Where(d => d.Modality == modality && (protocol.Station ?? d.StationName) == d.StationName).ToList(), _ => 1);
            var patient = PatientFor(patients, protocol);
            var performedAt = PerformedAt(modality);
            var events = new DemoEventFactory(_random, NewUid).EventsFor(protocol, device, patient, performedAt, anomaly);
            studies.Add(new DemoStudy(NewUid(), NewUid(), NewUid(), $"DW{performedAt:yyMMdd}{i:D5}", performedAt, patient, device, protocol, events, anomaly));
        }
        return studies.OrderBy(s => s.PerformedAt).ToList();
    }

    /// <summary>The anomaly of the study at <paramref name="index"/>, and its modality when the anomaly is not a CT one.</summary>
    private (DemoAnomaly Anomaly, DemoModality? Modality) AnomalyFor(int index, int count)
    {
        // Fixed positions guarantee each kind once in a history of ten or more; the rest is chance (on CT).
        if (count >= 10)
        {
            if (index == count / 3) return (DemoAnomaly.DoseOutlier, null);
            if (index == count / 2) return (DemoAnomaly.ChangedKvp, null);
            if (index == 2 * count / 3) return (DemoAnomaly.UnapprovedProtocolName, null);
            if (index == 5 * count / 6) return (DemoAnomaly.WrongTargetRegion, null);
        }
        // From forty studies on, NM, MR and US get one outlier each, at positions none of the above takes.
        if (count >= 40)
        {
            if (index == count / 10) return (DemoAnomaly.DoseOutlier, DemoModality.NuclearMedicine);
            if (index == count / 4) return (DemoAnomaly.DoseOutlier, DemoModality.MagneticResonance);
            if (index == 3 * count / 4) return (DemoAnomaly.DoseOutlier, DemoModality.Ultrasound);
        }
        return (_random.NextDouble() < 0.02 ? (DemoAnomaly)_random.Next(1, 5) : DemoAnomaly.None, null);
    }

    private DemoPatient PatientFor(List<DemoPatient> known, DemoProtocol protocol)
    {
        var modality = protocol.Modality;
        var female = modality == DemoModality.Mammography || protocol.Obstetric;
        // One study in five is a returning patient: cumulative dose needs them. A pregnancy is a new patient here.
        var returning = known.Where(p => !female || p.Sex == 'F').ToList();
        if (!protocol.Obstetric && returning.Count > 0 && _random.NextDouble() < 0.2) return returning[_random.Next(returning.Count)];
        var sex = female || _random.NextDouble() < 0.5 ? 'F' : 'M';
        var age = modality == DemoModality.Mammography ? _random.Next(45, 75) : protocol.Obstetric ? _random.Next(20, 43) : (int)Math.Clamp(Normal(58, 18), 18, 95);
        var height = Math.Round(Math.Clamp(Normal(sex == 'F' ? 1.64 : 1.77, 0.07), 1.45, 2.05), 2);
        var weight = Math.Round(Math.Clamp(Normal(24.5, 4.5), 16, 45) * height * height, 1);
        var birth = DateOnly.FromDateTime(end).AddYears(-age).AddDays(-_random.Next(0, 365));
        var number = known.Count + 1;
        var patient = new DemoPatient($"DEMO{seed:D4}-{number:D5}", $"Demo^Patient {number:D5}", birth, sex, weight, height);
        known.Add(patient);
        return patient;
    }

    private DateTime PerformedAt(DemoModality modality)
    {
        while (true)
        {
            var day = end.Date.AddDays(-_random.Next(1, HistoryDays));
            var weekendShare = day.DayOfWeek switch { DayOfWeek.Saturday => 0.3, DayOfWeek.Sunday => 0.15, _ => 1.0 };
            if (_random.NextDouble() > weekendShare) continue;
            // Working hours peak mid-morning; CT also scans emergencies through the night.
            var night = modality == DemoModality.Ct && _random.NextDouble() < 0.12;
            var hour = night ? _random.Next(0, 24) : (int)Math.Clamp(Normal(11.5, 2.6), 7, 19);
            return day.AddHours(hour).AddMinutes(_random.Next(60)).AddSeconds(_random.Next(60));
        }
    }

    private T Pick<T>(IReadOnlyList<T> items, Func<T, double> weight)
    {
        var x = _random.NextDouble() * items.Sum(weight);
        foreach (var item in items)
            if ((x -= weight(item)) < 0) return item;
        return items[^1];
    }

    private double Normal(double mean, double sd) => mean + sd * DemoEventFactory.StandardNormal(_random);

    /// <summary>A UUID-derived UID (PS3.5 §B.2) from the seeded generator, so a seed reproduces its UIDs.</summary>
    private string NewUid()
    {
        Span<byte> bytes = stackalloc byte[17];
        _random.NextBytes(bytes[..16]);
        bytes[16] = 0;
        return "2.25." + new BigInteger(bytes, isUnsigned: true);
    }
}
