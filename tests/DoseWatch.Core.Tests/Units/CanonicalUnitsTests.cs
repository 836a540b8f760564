using DoseWatch.Core.Units;

namespace DoseWatch.Core.Tests.Units;

/// <summary>Explicit conversion of reported UCUM units; expectations written from the unit definitions (1 m = 100 cm, 1 Gy = 1000 mGy, 1 dGy = 0.1 Gy...).</summary>
public sealed class CanonicalUnitsTests
{
    private const double CmPerM = 100;

    [Theory]
    [InlineData("Gy.m2", CmPerM * CmPerM)]
    [InlineData("dGy.cm2", 0.1)]
    [InlineData("cGy.cm2", 0.01)]
    [InlineData("mGy.cm2", 0.001)]
    [InlineData("uGy.m2", 1e-6 * CmPerM * CmPerM)]
    [InlineData("Gy.cm2", 1)]
    public void Dose_area_product_converts_to_gray_square_centimetres(string unit, double factor) =>
        Assert.Equal(2.5 * factor, CanonicalUnits.Convert(2.5, unit, CanonicalUnits.GrayCentimetreSquared).Value!.Value, 12);

    [Theory]
    [InlineData("mGy", 1.0 / 1000)]
    [InlineData("Gy", 1)]
    [InlineData("uGy", 1e-6)]
    [InlineData("cGy", 0.01)]
    public void Dose_at_the_reference_point_converts_to_gray_whether_reported_in_mGy_or_Gy(string unit, double factor) =>
        Assert.Equal(3 * factor, CanonicalUnits.Convert(3, unit, CanonicalUnits.Gray).Value!.Value, 12);

    [Theory]
    [InlineData("mGy.cm", "mGy.cm", 1)]
    [InlineData("Gy.cm", "mGy.cm", 1000)]
    [InlineData("mGy.mm", "mGy.cm", 0.1)]
    [InlineData("ms", "s", 0.001)]
    [InlineData("min", "s", 60)]
    [InlineData("uA.s", "mA.s", 0.001)]
    [InlineData("GBq", "MBq", 1000)]
    [InlineData("mCi", "MBq", 37)]
    [InlineData("{pulse}/s", "1/s", 1)]
    [InlineData("{ratio}", "1", 1)]
    [InlineData("cm", "mm", 10)]
    [InlineData("kV", "kV", 1)]
    [InlineData("W/kg", "W/kg", 1)]
    [InlineData("mW/g", "W/kg", 1)]
    public void Other_quantities_convert_by_their_definition(string unit, string canonical, double factor) =>
        Assert.Equal(7 * factor, CanonicalUnits.Convert(7, unit, canonical).Value!.Value, 9);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Gym2")]        // a vendor spelling: only the named vendor fix may read it
    [InlineData("furlong")]
    [InlineData("Gy.")]
    public void A_missing_or_unknown_unit_gives_no_value_and_a_reason(string? unit)
    {
        var result = CanonicalUnits.Convert(1, unit, CanonicalUnits.GrayCentimetreSquared);
        Assert.Null(result.Value);
        Assert.False(string.IsNullOrEmpty(result.Error));
    }

    [Theory]
    [InlineData("mGy", "Gy.cm2")]
    [InlineData("mSv", "mGy")]
    [InlineData("s", "mm")]
    [InlineData("Gy.m2", "Gy")]
    public void A_unit_of_another_dimension_is_refused(string unit, string canonical) =>
        Assert.Null(CanonicalUnits.Convert(1, unit, canonical).Value);
}
