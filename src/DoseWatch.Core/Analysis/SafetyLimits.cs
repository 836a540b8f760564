namespace DoseWatch.Core.Analysis;

/// <summary>A line a chart draws at a limit or guidance value, with where the value comes from.</summary>
public sealed record GuidanceLine(string Label, double Value, string Unit, string Source);

/// <summary>The limit and guidance lines of the MR and ultrasound dashboards, from <see cref="MrSarLimits"/> and <see cref="UltrasoundOutputGuidance"/>.</summary>
public static class GuidanceLines
{
    private const string Iec = "IEC 60601-2-33, 6-min average";
    private const string Bmus = "BMUS guidelines 2009/2010";

    public static readonly IReadOnlyList<GuidanceLine> MrSar =
    [
        new("Whole body, normal mode", MrSarLimits.NormalWholeBody, "W/kg", Iec),
        new("Head", MrSarLimits.NormalHead, "W/kg", Iec),
        new("Whole body, first level", MrSarLimits.FirstLevelWholeBody, "W/kg", Iec),
    ];

    /// <summary>The default peak skin dose alert levels, the 3 Gy one being SIR / NCRP 168's substantial radiation dose level.</summary>
    public static readonly IReadOnlyList<GuidanceLine> PeakSkinDose =
    [
        new("Peak skin dose alert", PeakSkinDoseLevels.FirstGy, "Gy", "default alert rule"),
        new("Substantial radiation dose level", PeakSkinDoseLevels.SubstantialGy, "Gy", "SIR / NCRP Report 168, default alert rule"),
        new("Peak skin dose alert", PeakSkinDoseLevels.HighGy, "Gy", "default alert rule"),
    ];

    public static readonly IReadOnlyList<GuidanceLine> MechanicalIndex =
        [new("FDA Track 3 MI", UltrasoundOutputGuidance.GeneralMechanicalIndex, "", "FDA 510(k) guidance, Track 3")];

    public static readonly IReadOnlyList<GuidanceLine> ThermalIndex =
    [
        new("Obstetric, no time limit", UltrasoundOutputGuidance.ObstetricThermalIndex, "", Bmus),
        new("Non-obstetric, no time limit", UltrasoundOutputGuidance.GeneralThermalIndex, "", Bmus),
    ];

    /// <summary>
    /// The RF operating mode of an extracted operating mode: "RF:IEC_NORMAL; GRADIENT:IEC_FIRST_LEVEL" gives IEC_NORMAL,
    /// a single untyped "IEC_FIRST_LEVEL" is itself; null when only other types are listed.
    /// </summary>
    public static string? RfMode(string? operatingMode)
    {
        if (string.IsNullOrWhiteSpace(operatingMode)) return null;
        var parts = operatingMode.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        foreach (var part in parts)
            if (part.StartsWith("RF:", StringComparison.OrdinalIgnoreCase)) return part[3..].Trim();
        return parts.Length == 1 && !parts[0].Contains(':', StringComparison.Ordinal) ? parts[0] : null;
    }
}
