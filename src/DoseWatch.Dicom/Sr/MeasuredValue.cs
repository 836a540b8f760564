namespace DoseWatch.Dicom.Sr;

/// <summary>
/// The value of a NUM content item (PS3.3 Table C.18.1-1, Numeric Measurement Macro). <see cref="Value"/> is null when
/// the Measured Value Sequence is empty or absent (then <see cref="Qualifier"/> usually says why, e.g. "Not a number"),
/// never 0. Numeric Value (0040,A30A) is DS with VM 1-n and devices do send several values (one per pulse, for
/// instance): all readable values are kept in <see cref="Values"/>, in order; <see cref="Value"/> is the first.
/// Floating Point Value (0040,A161), when present, is the full-precision form and is preferred over the DS text.
/// </summary>
public sealed record MeasuredValue(IReadOnlyList<double> Values, CodedConcept? Units, CodedConcept? Qualifier, string? NumericValueText)
{
    public double? Value => Values.Count > 0 ? Values[0] : null;

    internal static MeasuredValue From(DicomDataSet item)
    {
        var qualifier = item.GetCodedConcept(SrTags.NumericValueQualifierCodeSequence);
        var measured = item.GetSequence(SrTags.MeasuredValueSequence)?.Items.FirstOrDefault();
        if (measured is null) return new MeasuredValue([], null, qualifier, null);
        var floating = measured.GetBinaryValues<double>(SrTags.FloatingPointValue);
        IReadOnlyList<double> values = floating.Length > 0
            ? floating
            : measured.GetDoubles(SrTags.NumericValue).OfType<double>().ToArray();
        return new MeasuredValue(values, measured.GetCodedConcept(SrTags.MeasurementUnitsCodeSequence), qualifier,
            measured.GetString(SrTags.NumericValue));
    }

    public override string ToString() =>
        (Values.Count == 0 ? "(no value)" : string.Join('\\', Values)) + (Units is { } u ? $" {u.CodeValue}" : "");
}

/// <summary>A reference to a composite object (COMPOSITE, IMAGE, WAVEFORM items; PS3.3 C.18.3/C.18.4).</summary>
public sealed record ReferencedSop(string? SopClassUid, string? SopInstanceUid, IReadOnlyList<long> FrameNumbers);
