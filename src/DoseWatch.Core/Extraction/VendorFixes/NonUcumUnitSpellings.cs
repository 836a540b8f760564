namespace DoseWatch.Core.Extraction.VendorFixes;

/// <summary>
/// Units some devices write in a non-UCUM spelling whose meaning is not in doubt: Siemens "Gym2" and "uAs"
/// (Dual-RDSR-DX/RF, RF-RDSR-Siemens-Zee, siemens_axiom_artis), "mGycm" (CT-ESR-GE_Optima,
/// CT-RDSR-Siemens_Flash-TAP-SS), GE "pulse/s" (RF-RDSR-GE), "X-ray sources" (CT-ESR-GE_Optima). Only exact
/// spellings listed here are corrected; anything else unknown stays unknown.
/// </summary>
public static class NonUcumUnitSpellings
{
    public const string Name = "NonUcumUnitSpellings";

    private static readonly Dictionary<string, string> Corrections = new(StringComparer.Ordinal)
    {
        ["Gym2"] = "Gy.m2",
        ["Gycm2"] = "Gy.cm2",
        ["mGycm"] = "mGy.cm",
        ["uAs"] = "uA.s",
        ["mAs"] = "mA.s",
        ["pulse/s"] = "{pulse}/s",
        ["X-ray sources"] = "{X-ray sources}",
        ["Gy.cm^2"] = "Gy.cm2",
    };

    public static string? Correct(string? unit, ExtractionContext context)
    {
        if (unit is null || !Corrections.TryGetValue(unit, out var ucum)) return unit;
        context.Applied(Name);
        return ucum;
    }
}
