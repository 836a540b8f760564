using System.Globalization;
using System.Reflection;

namespace DoseWatch.Core.SkinDose;

/// <summary>
/// The beam-quality corrections that turn air kerma into skin dose: the half-value layer of the beam (from kVp and
/// filtration), the backscatter factor (Benmakhlouf, Sandborg and Alm Carlsson, Phys. Med. Biol. 58 (2013) 247, eq. 8,
/// as a function of field size) and the water/air ratio of mass energy-absorption coefficients (same paper, table 2).
/// Tables: SpekPy half-value layers and the paper's table as PySkinDose 25.1.1 ships them (embedded CSVs).
/// </summary>
public static class BeamQuality
{
    /// <summary>Field sides (cm) of the paper's backscatter fits and of its medium-correction table.</summary>
    private static readonly double[] FieldSidesCm = [5, 10, 20, 25, 35];

    // Benmakhlouf et al. eq. 8: BSF = (c0 + c1 kV + c2 kV²) + (c3 + c4 kV + c5 kV²) HVL + (c6 + c7 kV + c8 kV²) HVL², one column per field side.
    private static readonly double[,] BackscatterCoefficients =
    {
        { +1.00870e0, +9.29969e-1, +8.65442e-1, +8.58665e-1, +8.57065e-1 },
        { +2.35816e-3, +4.08549e-3, +5.36739e-3, +5.51579e-3, +5.55933e-3 },
        { -9.48937e-6, -1.66271e-5, -2.21494e-5, -2.27532e-5, -2.28004e-5 },
        { +1.03143e-1, +1.53605e-1, +1.72418e-1, +1.70826e-1, +1.66418e-1 },
        { -1.04881e-3, -1.45187e-3, -1.46088e-3, -1.38540e-3, -1.28180e-3 },
        { +3.59731e-6, +5.05312e-6, +5.17430e-6, +4.91192e-6, +4.53036e-6 },
        { -7.31303e-3, -9.32427e-3, -8.30138e-3, -7.64330e-3, -6.81574e-3 },
        { +7.93272e-5, +9.40568e-5, +7.13576e-5, +6.13126e-5, +4.94197e-5 },
        { -2.74296e-7, -3.28449e-7, -2.54885e-7, -2.21399e-7, -1.79074e-7 },
    };

    private sealed record HvlRow(double Kvp, double CopperMm, double AluminiumMm, double AnodeAngleDeg, double HvlMmAl);

    private sealed record MediumRow(double Kvp, double HvlMmAl, double FieldSideCm, double Ratio);

    private static readonly Lazy<IReadOnlyList<HvlRow>> HalfValueLayers = new(() =>
        ReadTable("HalfValueLayers.csv", f => new HvlRow(f[0], f[1], f[2], f[3], f[4])));

    private static readonly Lazy<IReadOnlyList<MediumRow>> MediumRatios = new(() =>
        ReadTable("MediumCorrections.csv", f => new MediumRow(f[0], f[1], f[2], f[3])));

    /// <summary>
    /// Half-value layer (mm Al) for the kVp (rounded half to even) and added filtration. The table's first row with the
    /// same kVp, copper and (rounded) aluminium wins, as in PySkinDose; a copper thickness the table lacks takes the
    /// nearest one tabulated (PySkinDose stops there). Null outside 25–175 kV.
    /// </summary>
    public static double? HalfValueLayerMmAl(double kvp, double copperMm, double aluminiumMm)
    {
        var kv = Math.Round(kvp, MidpointRounding.ToEven);
        var al = Math.Round(aluminiumMm, MidpointRounding.ToEven);
        var rows = HalfValueLayers.Value.Where(r => r.Kvp.Equals(kv)).ToList();
        if (rows.Count == 0) return null;
        var sameAl = rows.Where(r => r.AluminiumMm.Equals(al)).ToList();
        if (sameAl.Count == 0) sameAl = rows;
        var nearestCopper = sameAl.MinBy(r => Math.Abs(r.CopperMm - copperMm))!.CopperMm;
        return sameAl.First(r => r.CopperMm.Equals(nearestCopper)).HvlMmAl;
    }

    /// <summary>The backscatter factor's field-size dependence for one beam quality: a not-a-knot cubic spline through the five fitted field sides.</summary>
    public static CubicSpline BackscatterByFieldSide(double kvp, double hvlMmAl)
    {
        var c = BackscatterCoefficients;
        var values = new double[FieldSidesCm.Length];
        for (var j = 0; j < values.Length; j++)
            values[j] = c[0, j] + c[1, j] * kvp + c[2, j] * kvp * kvp
                + (c[3, j] + c[4, j] * kvp + c[5, j] * kvp * kvp) * hvlMmAl
                + (c[6, j] + c[7, j] * kvp + c[8, j] * kvp * kvp) * hvlMmAl * hvlMmAl;
        return CubicSpline.NotAKnot(FieldSidesCm, values);
    }

    /// <summary>
    /// Water/air mass energy-absorption ratio for the event: the tabulated field side nearest the mean field side on the
    /// skin, then the nearest tabulated kVp, then the nearest HVL (its field-size dependence is under 1%, so one value per event).
    /// </summary>
    public static double MediumCorrection(double kvp, double hvlMmAl, double meanFieldSideCm)
    {
        var side = FieldSidesCm.MinBy(s => Math.Abs(s - meanFieldSideCm));
        var rows = MediumRatios.Value.Where(r => r.FieldSideCm.Equals(side)).ToList();
        var kv = rows.MinBy(r => Math.Abs(r.Kvp - kvp))!.Kvp;
        return rows.Where(r => r.Kvp.Equals(kv)).MinBy(r => Math.Abs(r.HvlMmAl - hvlMmAl))!.Ratio;
    }

    private static IReadOnlyList<T> ReadTable<T>(string name, Func<double[], T> row)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"DoseWatch.Core.SkinDose.{name}")
            ?? throw new InvalidOperationException($"Embedded table {name} is missing from DoseWatch.Core");
        using var reader = new StreamReader(stream);
        var rows = new List<T>();
        var header = true;
        while (reader.ReadLine() is { } line)
        {
            if (line.StartsWith('#') || line.Length == 0) continue;
            if (header) { header = false; continue; }
            rows.Add(row(line.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()));
        }
        return rows;
    }
}

/// <summary>A cubic spline through tabulated points, extrapolated with its end pieces (scipy's CubicSpline defaults).</summary>
public sealed class CubicSpline
{
    private readonly double[] _x;
    private readonly double[] _y;
    private readonly double[] _secondDerivatives;

    private CubicSpline(double[] x, double[] y, double[] secondDerivatives) => (_x, _y, _secondDerivatives) = (x, y, secondDerivatives);

    /// <summary>
    /// "Not-a-knot" end conditions: the third derivative is continuous at the second and the next-to-last point, so
    /// the first two and the last two pieces are one cubic each. Needs at least four points.
    /// </summary>
    public static CubicSpline NotAKnot(double[] x, double[] y)
    {
        var n = x.Length;
        if (n < 4 || y.Length != n) throw new ArgumentException("A not-a-knot spline needs at least four points and one value per point");
        var h = new double[n - 1];
        for (var i = 0; i < n - 1; i++) h[i] = x[i + 1] - x[i];
        // Unknowns: the second derivatives M0..Mn-1. Rows: the two end conditions and continuity of the first derivative inside.
        var a = new double[n, n];
        var b = new double[n];
        a[0, 0] = h[1]; a[0, 1] = -(h[0] + h[1]); a[0, 2] = h[0];
        for (var i = 1; i < n - 1; i++)
        {
            a[i, i - 1] = h[i - 1];
            a[i, i] = 2 * (h[i - 1] + h[i]);
            a[i, i + 1] = h[i];
            b[i] = 6 * ((y[i + 1] - y[i]) / h[i] - (y[i] - y[i - 1]) / h[i - 1]);
        }
        a[n - 1, n - 3] = h[n - 2]; a[n - 1, n - 2] = -(h[n - 3] + h[n - 2]); a[n - 1, n - 1] = h[n - 3];
        return new CubicSpline((double[])x.Clone(), (double[])y.Clone(), Solve(a, b));
    }

    public double At(double x)
    {
        var i = 0;
        while (i < _x.Length - 2 && x > _x[i + 1]) i++;
        var h = _x[i + 1] - _x[i];
        var t0 = _x[i + 1] - x;
        var t1 = x - _x[i];
        var m0 = _secondDerivatives[i];
        var m1 = _secondDerivatives[i + 1];
        return m0 * t0 * t0 * t0 / (6 * h) + m1 * t1 * t1 * t1 / (6 * h)
            + (_y[i] / h - m0 * h / 6) * t0 + (_y[i + 1] / h - m1 * h / 6) * t1;
    }

    /// <summary>Gaussian elimination with partial pivoting; the systems here are 5 × 5.</summary>
    private static double[] Solve(double[,] a, double[] b)
    {
        var n = b.Length;
        for (var col = 0; col < n; col++)
        {
            var pivot = col;
            for (var r = col + 1; r < n; r++) if (Math.Abs(a[r, col]) > Math.Abs(a[pivot, col])) pivot = r;
            if (pivot != col)
            {
                for (var k = 0; k < n; k++) (a[col, k], a[pivot, k]) = (a[pivot, k], a[col, k]);
                (b[col], b[pivot]) = (b[pivot], b[col]);
            }
            for (var r = col + 1; r < n; r++)
            {
                var f = a[r, col] / a[col, col];
                for (var k = col; k < n; k++) a[r, k] -= f * a[col, k];
                b[r] -= f * b[col];
            }
        }
        var m = new double[n];
        for (var r = n - 1; r >= 0; r--)
        {
            var s = b[r];
            for (var k = r + 1; k < n; k++) s -= a[r, k] * m[k];
            m[r] = s / a[r, r];
        }
        return m;
    }
}
