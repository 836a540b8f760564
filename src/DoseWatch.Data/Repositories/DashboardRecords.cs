namespace DoseWatch.Data.Repositories;

/// <summary>Studies and irradiation events of one modality in the 7 and 30 days ending on the anchor day (inclusive).</summary>
public sealed record ModalityActivity(string Modality, long Studies7Days, long Events7Days, long Studies30Days, long Events30Days);

/// <summary>
/// CT dose values of one protocol: <see cref="EventCount"/> events in the window, of which the most recent (at most the
/// limit asked for) are in the value lists. An event reports CTDIvol, DLP or both, so the two lists may differ in length.
/// </summary>
public sealed record CtProtocolDoses(string Protocol, long EventCount, IReadOnlyList<double> CtdiVolMGy, IReadOnlyList<double> DlpMGyCm)
{
    /// <summary>The study of each value in <see cref="CtdiVolMGy"/> (same order): a click on a point opens its study.</summary>
    public IReadOnlyList<string> CtdiVolStudyUids { get; init; } = [];

    /// <summary>The study of each value in <see cref="DlpMGyCm"/> (same order).</summary>
    public IReadOnlyList<string> DlpStudyUids { get; init; } = [];

    /// <summary>Where and when each value in <see cref="CtdiVolMGy"/> was measured (same order), for the chart's data export.</summary>
    public IReadOnlyList<CtChartPoint> CtdiVolPoints { get; init; } = [];

    /// <summary>The same for <see cref="DlpMGyCm"/>.</summary>
    public IReadOnlyList<CtChartPoint> DlpPoints { get; init; } = [];
}

/// <summary>A CT chart value's event: its device as the study names it, the study date and the CT acquisition type.</summary>
public sealed record CtChartPoint(string StudyInstanceUid, string? Device, string? StudyDate, string? AcquisitionType);

/// <summary>The quantity a modality's per-study dose trend is drawn in (the sum over the study's events).</summary>
public sealed record StudyDoseQuantity(string Modality, string Column, string Label, string Unit);

/// <summary>Median over the studies of one day of the per-study dose of <see cref="Quantity"/>.</summary>
public sealed record DailyMedianDose(StudyDoseQuantity Quantity, DateOnly Day, double Median, long Studies);

/// <summary>
/// A device (as the dose objects identify it) whose silence since its last study is longer than usual for it: the usual
/// gap is the mean gap between its active days, (last day - first day) / (active days - 1).
/// </summary>
public sealed record SilentDevice(string DeviceKey, string? Modality, string? Manufacturer, string? Model, string? StationName,
    DateOnly FirstStudyDay, DateOnly LastStudyDay, long ActiveDays, double TypicalGapDays, int DaysSilent);
