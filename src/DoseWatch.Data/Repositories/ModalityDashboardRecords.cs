using DoseWatch.Core.Analysis;

namespace DoseWatch.Data.Repositories;

/// <summary>
/// Fluoroscopy studies of one device: how many have a peak skin dose (a skin dose map), how many only the dose at the
/// reference point (the skin dose job could not map them), the largest peak, and how many peaks are at or above each level (Gy).
/// </summary>
public sealed record PeakSkinDoseByDevice(string DeviceKey, string Device, long StudiesWithMap, long StudiesWithoutMap, double? MaximumGy,
    IReadOnlyDictionary<double, long> AtOrAboveLevel);

/// <summary>The box of one group (protocol, preset, device...) with its label.</summary>
public sealed record GroupBox(string Key, string Label, BoxSummary Box);

/// <summary>The box of one group (a raw protocol name) on one device: the same name on two scanners, compared.</summary>
public sealed record DeviceGroupBox(string Group, string DeviceKey, BoxSummary Box);

/// <summary>A point of a "dose against ..." scatter: the study it opens, its group, day, x and y.</summary>
public sealed record ScatterPoint(string StudyInstanceUid, string Group, DateOnly Day, double X, double Y);

/// <summary>The most recent points of a scatter (at most the limit asked for), and whether the window has more.</summary>
public sealed record ScatterPoints(IReadOnlyList<ScatterPoint> Points, bool More);

/// <summary>Studies that started in one weekday × hour cell (hour 0–23, local time of the study as the device wrote it).</summary>
public sealed record WorkloadCell(DayOfWeek Weekday, int Hour, long Studies);

/// <summary>The weekday × hour workload and the studies left out of it because they carry no study time.</summary>
public sealed record Workload(IReadOnlyList<WorkloadCell> Cells, long StudiesWithoutTime);

/// <summary>
/// MR series of one protocol with one SAR definition and operating mode: how many, the largest SAR, and how many are
/// above each of <see cref="ModalityDashboardRepository.SarThresholds"/> (so that the limit of the mode can be applied).
/// </summary>
public sealed record SarModeSummary(string Protocol, string? SarDefinition, string? OperatingMode, long Series, double MaximumWPerKg,
    IReadOnlyDictionary<double, long> AboveThreshold)
{
    public double? LimitWPerKg => MrSarLimits.LimitWPerKg(GuidanceLines.RfMode(OperatingMode) ?? OperatingMode, SarDefinition);

    public long AboveLimit => LimitWPerKg is { } limit ? AboveThreshold[limit] : 0;
}

/// <summary>A raw protocol name as one device (of one modality) spells it: events, studies, first and last study day.</summary>
public sealed record RawProtocolUse(string Modality, string Protocol, string DeviceKey, string DeviceLabel, long Events, long Studies,
    DateOnly? FirstDay, DateOnly? LastDay);
