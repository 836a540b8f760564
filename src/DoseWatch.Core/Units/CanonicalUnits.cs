namespace DoseWatch.Core.Units;

/// <summary>
/// The one unit DoseWatch stores for each quantity (the unit also appears in the property and column names), and
/// the explicit conversion of a reported (value, UCUM unit) pair into it.
/// </summary>
public static class CanonicalUnits
{
    public const string MilliGray = "mGy";
    public const string Gray = "Gy";
    public const string MilliGrayCentimetre = "mGy.cm";
    public const string GrayCentimetreSquared = "Gy.cm2";
    public const string Second = "s";
    public const string MilliSecond = "ms";
    public const string Millimetre = "mm";
    public const string KiloVolt = "kV";
    public const string MilliAmpere = "mA";
    public const string MilliAmpereSecond = "mA.s";
    public const string MegaBecquerel = "MBq";
    public const string MilliSievert = "mSv";
    public const string WattPerKilogram = "W/kg";
    public const string TeslaPerSecond = "T/s";
    public const string MicroTesla = "uT";
    public const string Tesla = "T";
    public const string Newton = "N";
    public const string PerSecond = "1/s";
    public const string Kilogram = "kg";
    public const string Metre = "m";
    public const string SquareMetre = "m2";
    public const string Degree = "deg";
    public const string Dimensionless = "1";

    /// <summary>
    /// Converts <paramref name="value"/> given in <paramref name="reportedUnit"/> to <paramref name="canonicalUnit"/>.
    /// Returns null with the reason when the unit is missing, unknown or of another dimension.
    /// </summary>
    public static UnitConversionResult Convert(double value, string? reportedUnit, string canonicalUnit)
    {
        if (string.IsNullOrWhiteSpace(reportedUnit)) return UnitConversionResult.Fail($"no unit given (expected {canonicalUnit})");
        if (!UcumUnit.TryParse(reportedUnit, out var from)) return UnitConversionResult.Fail($"unknown unit '{reportedUnit}' (expected {canonicalUnit})");
        if (!UcumUnit.TryParse(canonicalUnit, out var to)) throw new ArgumentException($"'{canonicalUnit}' is not a UCUM unit", nameof(canonicalUnit));
        if (!from.IsCommensurableWith(to)) return UnitConversionResult.Fail($"unit '{reportedUnit}' cannot be converted to {canonicalUnit}");
        return UnitConversionResult.Ok(value * (from.Factor / to.Factor));
    }
}

public readonly record struct UnitConversionResult(double? Value, string? Error)
{
    public static UnitConversionResult Ok(double value) => new(value, null);
    public static UnitConversionResult Fail(string error) => new(null, error);
}
