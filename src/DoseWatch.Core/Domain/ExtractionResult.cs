namespace DoseWatch.Core.Domain;

public enum ExtractionKind
{
    /// <summary>Dose values were found (possibly with warnings about missing or unreadable ones).</summary>
    DoseObject,
    /// <summary>Recognised and set aside: not a dose object (a text report, an image type with no dose attributes...).</summary>
    NotADoseObject,
}

/// <summary>A value that could not be read as a fact: missing unit, unknown unit, unparsable number...</summary>
public sealed record ExtractionWarning(string Where, string Message);

/// <summary>The object an extraction came from.</summary>
public sealed record SourceInstance(string SopClassUid, string SopInstanceUid, string? SeriesInstanceUid, string? Modality);

/// <summary>
/// Study-level accumulated values as the object reports them (TID 10012 / 10002..10007), in canonical units.
/// Kept apart from the events: they are the device's own totals, not DoseWatch's sums.
/// </summary>
public sealed record AccumulatedDose
{
    public double? ReportedEventCount { get; init; }
    public double? DlpTotalMGyCm { get; init; }
    public double? CtEffectiveDoseTotalMSv { get; init; }
    public double? DapTotalGyCm2 { get; init; }
    public double? DoseRpTotalGy { get; init; }
    public double? FluoroDapTotalGyCm2 { get; init; }
    public double? FluoroDoseRpTotalGy { get; init; }
    public double? AcquisitionDapTotalGyCm2 { get; init; }
    public double? AcquisitionDoseRpTotalGy { get; init; }
    public double? FluoroTimeTotalS { get; init; }
    public double? AcquisitionTimeTotalS { get; init; }
    public double? RadiographicFrameCount { get; init; }
    public double? AgdLeftBreastMGy { get; init; }
    public double? AgdRightBreastMGy { get; init; }
    public double? AgdTotalMGy { get; init; }

    public static readonly AccumulatedDose None = new();
}

public sealed record ExtractionResult(
    ExtractionKind Kind,
    SourceInstance Instance,
    Study? Study,
    IReadOnlyList<IrradiationEvent> Events,
    AccumulatedDose Accumulated,
    IReadOnlyList<ExtractionWarning> Warnings,
    IReadOnlyList<string> AppliedFixes,
    string? NotADoseObjectReason = null)
{
    public static ExtractionResult NotADoseObject(SourceInstance instance, Study? study, string reason) =>
        new(ExtractionKind.NotADoseObject, instance, study, [], AccumulatedDose.None, [], [], reason);
}
