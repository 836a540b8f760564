namespace DoseWatch.Core.SkinDose;

/// <summary>
/// The patient phantom, support table and corrections of a skin dose calculation. <see cref="PySkinDoseExample"/> is
/// PySkinDose 25.1.1's example settings (settings_example.json), the ones DoseWatch is validated against.
/// </summary>
public sealed record SkinDoseSettings
{
    /// <summary>Length of the elliptic cylinder that stands for the patient, head end at the head end of the table.</summary>
    public double CylinderLengthCm { get; init; } = 150;

    /// <summary>Half-width of the cylinder (left-right).</summary>
    public double CylinderSemiAxisWidthCm { get; init; } = 20;

    /// <summary>Half-thickness of the cylinder (front-back).</summary>
    public double CylinderSemiAxisThicknessCm { get; init; } = 10;

    /// <summary>Skin cells along the body: one ring every centimetre ("sparse" in PySkinDose).</summary>
    public double RingSpacingCm { get; init; } = 1;

    /// <summary>Skin cells around the body: one every 0.1 rad of the ellipse's parameter, 63 per ring ("sparse").</summary>
    public double SectorStepRad { get; init; } = 0.1;

    public double TableLengthCm { get; init; } = 281.5;
    public double TableWidthCm { get; init; } = 45;
    public double TableThicknessCm { get; init; } = 5;
    public double PadThicknessCm { get; init; } = 4;

    /// <summary>Transmission of table and pad together, applied to cells whose ray from the source crosses the table.</summary>
    public double TableAndPadTransmission { get; init; } = 0.8;

    /// <summary>Inherent filtration of the tube, which picks the half-value layer table (only 3.1 mm Al is shipped).</summary>
    public double InherentFiltrationMmAl { get; init; } = 3.1;

    public static readonly SkinDoseSettings PySkinDoseExample = new();

    /// <summary>One line for people: what the map was computed on.</summary>
    public string Describe() =>
        $"elliptic cylinder {CylinderLengthCm:0.#} cm long, {2 * CylinderSemiAxisWidthCm:0.#} × {2 * CylinderSemiAxisThicknessCm:0.#} cm, head first supine on a {PadThicknessCm:0.#} cm pad; " +
        $"table and pad transmission {TableAndPadTransmission:0.##}; inherent filtration {InherentFiltrationMmAl:0.#} mm Al";
}
