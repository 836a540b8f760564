namespace DoseWatch.Core.Tests;

/// <summary>
/// The tests' own unit table: what each unit spelling found in the samples is worth in DoseWatch's canonical unit,
/// written from the unit definitions (1 m = 100 cm, 1 Gy = 1000 mGy...) independently of the production UCUM parser.
/// Spellings that are not UCUM but appear in the samples are listed with the vendor's evident meaning.
/// </summary>
public static class TestUnits
{
    private const double CmPerM = 100;

    private static readonly Dictionary<(string Unit, string Canonical), double> Factors = new()
    {
        [("Gy.m2", "Gy.cm2")] = CmPerM * CmPerM,
        [("Gym2", "Gy.cm2")] = CmPerM * CmPerM,
        [("Gy.cm2", "Gy.cm2")] = 1,
        [("Gy.cm^2", "Gy.cm2")] = 1,
        [("dGy.cm2", "Gy.cm2")] = 0.1,
        [("cGy.cm2", "Gy.cm2")] = 0.01,
        [("mGy.cm2", "Gy.cm2")] = 0.001,
        [("Gy", "Gy")] = 1,
        [("mGy", "Gy")] = 0.001,
        [("mGy", "mGy")] = 1,
        [("Gy", "mGy")] = 1000,
        [("dGy", "mGy")] = 100,
        [("mGy.cm", "mGy.cm")] = 1,
        [("mGycm", "mGy.cm")] = 1,
        [("s", "s")] = 1,
        [("ms", "s")] = 0.001,
        [("min", "s")] = 60,
        [("mm", "mm")] = 1,
        [("cm", "mm")] = 10,
        [("kV", "kV")] = 1,
        [("mA", "mA")] = 1,
        [("uA", "mA")] = 0.001,
        [("uA.s", "mA.s")] = 0.001,
        [("uAs", "mA.s")] = 0.001,
        [("mA.s", "mA.s")] = 1,
        [("MBq", "MBq")] = 1,
        [("{pulse}/s", "1/s")] = 1,
        [("pulse/s", "1/s")] = 1,
        [("{ratio}", "1")] = 1,
        [("1", "1")] = 1,
        [("{events}", "1")] = 1,
        [("mSv", "mSv")] = 1,
        [("N", "N")] = 1,
        [("ms", "ms")] = 1,
        [("s", "ms")] = 1000,
        [("deg", "deg")] = 1,
        [("m2", "m2")] = 1,
        [("cm2", "m2")] = 1 / (CmPerM * CmPerM),
    };

    /// <summary>The value in the canonical unit, or null when the reported unit is missing (DoseWatch must then store nothing).</summary>
    public static double? ToCanonical(double value, string? unit, string canonical)
    {
        if (unit is null) return null;
        return Factors.TryGetValue((unit, canonical), out var f)
            ? value * f
            : throw new InvalidOperationException($"test unit table has no factor for '{unit}' → {canonical}: add it from the unit's definition");
    }

    public static void Equal(double? expected, double? actual, string what)
    {
        if (expected is null)
        {
            Assert.True(actual is null, $"{what}: expected no value, DoseWatch has {actual}");
            return;
        }
        Assert.True(actual is not null, $"{what}: expected {expected}, DoseWatch has none");
        var tolerance = Math.Max(1e-9, Math.Abs(expected.Value) * 1e-9);
        Assert.True(Math.Abs(expected.Value - actual!.Value) <= tolerance, $"{what}: expected {expected}, DoseWatch has {actual}");
    }
}
