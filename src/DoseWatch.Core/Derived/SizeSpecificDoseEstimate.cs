using DoseWatch.Core.Domain;

namespace DoseWatch.Core.Derived;

/// <summary>
/// SSDE = f × CTDIvol with f = a·exp(−b·D), D in cm (AAPM Report 204, 2011; with the water-equivalent diameter of
/// AAPM Report 220, 2014). Coefficients per phantom as in the reference (§8.6). Outside the fitted range of
/// diameters (8–45 cm) no estimate is made rather than extrapolating.
/// </summary>
public static class SizeSpecificDoseEstimate
{
    public const double Body32A = 3.704369;
    public const double Body32BPerCm = 0.03671937;
    public const double Head16A = 1.874799;
    public const double Head16BPerCm = 0.03871313;
    public const double MinimumDiameterCm = 8;
    public const double MaximumDiameterCm = 45;

    public static double ConversionFactor(CtdiPhantom phantom, double diameterCm) => phantom switch
    {
        CtdiPhantom.Body32 => Body32A * Math.Exp(-Body32BPerCm * diameterCm),
        CtdiPhantom.Head16 => Head16A * Math.Exp(-Head16BPerCm * diameterCm),
        _ => throw new ArgumentOutOfRangeException(nameof(phantom)),
    };

    /// <summary>The estimate for one CT event, or null when CTDIvol, the phantom or a diameter in range is missing.</summary>
    public static DerivedEstimate? Estimate(IrradiationEvent ct)
    {
        if (ct.CtdiVolMGy is not { } ctdi || ct.Phantom is not { } phantom) return null;
        var (diameterMm, basis) = ct.WaterEquivalentDiameterMm is { } dw
            ? (dw, "AAPM Report 220 (water-equivalent diameter)")
            : ct.EffectiveDiameterMm is { } de ? (de, "AAPM Report 204 (effective diameter)") : (double.NaN, "");
        if (double.IsNaN(diameterMm)) return null;
        var cm = diameterMm / 10;
        if (cm is < MinimumDiameterCm or > MaximumDiameterCm) return null;
        var f = ConversionFactor(phantom, cm);
        var method = $"{basis}, {(phantom == CtdiPhantom.Body32 ? "32 cm" : "16 cm")} phantom coefficients, D = {cm:0.##} cm, f = {f:0.###}";
        return new DerivedEstimate("SSDE", f * ctdi, "mGy", method);
    }
}
