using System.Globalization;

namespace DoseWatch.Core.Units;

/// <summary>
/// A parsed UCUM unit term (the subset dose reports use: prefixed atoms joined by '.' and '/', integer exponents,
/// curly-brace annotations and "1"). A unit is a scale factor on a product of base dimensions, so two units convert
/// when their dimensions agree. Unknown atoms fail the parse: a value in a unit we cannot read is never guessed.
/// </summary>
public sealed class UcumUnit
{
    private UcumUnit(string code, double factor, IReadOnlyDictionary<string, int> dimensions)
    {
        Code = code;
        Factor = factor;
        Dimensions = dimensions;
    }

    public string Code { get; }

    /// <summary>Size of one of this unit in the base units of its dimensions.</summary>
    public double Factor { get; }

    public IReadOnlyDictionary<string, int> Dimensions { get; }

    // Base atoms. Gy, Sv, Bq, T and W are kept as their own dimensions: dose reports never mix them with their
    // SI decomposition, and keeping them apart stops Gy converting to Sv (both J/kg).
    private static readonly Dictionary<string, (double Factor, string Dimension)> Atoms = new(StringComparer.Ordinal)
    {
        ["Gy"] = (1, "Gy"), ["Sv"] = (1, "Sv"), ["Bq"] = (1, "Bq"), ["Ci"] = (3.7e10, "Bq"),
        ["m"] = (1, "m"), ["g"] = (1, "g"), ["s"] = (1, "s"), ["min"] = (60, "s"), ["h"] = (3600, "s"),
        ["A"] = (1, "A"), ["V"] = (1, "V"), ["W"] = (1, "W"), ["T"] = (1, "T"), ["N"] = (1, "N"),
        ["Hz"] = (1, "Hz"), ["deg"] = (1, "deg"), ["l"] = (1e-3, "m3"), ["L"] = (1e-3, "m3"), ["mol"] = (1, "mol"),
        ["a"] = (1, "a"), ["mo"] = (1.0 / 12, "a"), ["wk"] = (7.0 / 365.25, "a"), ["d"] = (1.0 / 365.25, "a"),
        ["%"] = (0.01, ""), ["1"] = (1, ""),
    };

    private static readonly Dictionary<char, double> Prefixes = new()
    {
        ['G'] = 1e9, ['M'] = 1e6, ['k'] = 1e3, ['h'] = 1e2, ['d'] = 1e-1, ['c'] = 1e-2, ['m'] = 1e-3, ['u'] = 1e-6, ['n'] = 1e-9, ['p'] = 1e-12,
    };

    public static bool TryParse(string? code, out UcumUnit unit)
    {
        unit = null!;
        if (string.IsNullOrWhiteSpace(code)) return false;
        var text = code.Trim();
        double factor = 1;
        var dims = new Dictionary<string, int>(StringComparer.Ordinal);
        var sign = 1;
        var i = 0;
        if (text.StartsWith('/')) (sign, i) = (-1, 1); // "/s": UCUM allows a leading division

        while (i < text.Length)
        {
            var end = i;
            while (end < text.Length && text[end] != '.' && text[end] != '/')
            {
                if (text[end] == '{') end = text.IndexOf('}', end) is var close and >= 0 ? close : text.Length - 1;
                end++;
            }
            if (!TryParseTerm(text[i..end], out var termFactor, out var dimension, out var exponent)) return false;
            factor *= Math.Pow(termFactor, sign * exponent);
            if (dimension.Length > 0) dims[dimension] = dims.GetValueOrDefault(dimension) + sign * exponent;
            if (end < text.Length) sign = text[end] == '/' ? -1 : 1;
            i = end + 1;
            if (end == text.Length - 1 && end >= 0 && (text[end] == '.' || text[end] == '/')) return false; // trailing operator
        }
        foreach (var zero in dims.Where(d => d.Value == 0).Select(d => d.Key).ToList()) dims.Remove(zero);
        unit = new UcumUnit(text, factor, dims);
        return true;
    }

    private static bool TryParseTerm(string term, out double factor, out string dimension, out int exponent)
    {
        factor = 1;
        dimension = "";
        exponent = 1;
        if (term.Length == 0) return false;
        // A term may carry an annotation ("{events}", "{pulse}") which is dimensionless, alone or after an atom.
        var brace = term.IndexOf('{');
        if (brace >= 0)
        {
            if (!term.EndsWith('}')) return false;
            term = term[..brace];
            if (term.Length == 0) return true;
        }
        var digits = term.Length;
        while (digits > 0 && char.IsAsciiDigit(term[digits - 1])) digits--;
        if (digits == 0) return term == "1" || (int.TryParse(term, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && SetFactor(n, out factor));
        if (digits < term.Length) exponent = int.Parse(term[digits..], CultureInfo.InvariantCulture);
        var atom = term[..digits];
        if (Atoms.TryGetValue(atom, out var a))
        {
            (factor, dimension) = (a.Factor, a.Dimension);
            return true;
        }
        if (atom.Length > 1 && Prefixes.TryGetValue(atom[0], out var p) && Atoms.TryGetValue(atom[1..], out a) && a.Dimension.Length > 0 && atom[1..] is not ("a" or "mo" or "wk" or "d" or "min" or "h"))
        {
            (factor, dimension) = (p * a.Factor, a.Dimension);
            return true;
        }
        return false;
    }

    private static bool SetFactor(int n, out double factor)
    {
        factor = n;
        return n > 0;
    }

    public bool IsCommensurableWith(UcumUnit other) =>
        Dimensions.Count == other.Dimensions.Count && Dimensions.All(d => other.Dimensions.TryGetValue(d.Key, out var e) && e == d.Value);

    public override string ToString() => Code;
}
