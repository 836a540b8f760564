using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;

namespace DoseWatch.Dicom;

/// <summary>
/// The character repertoires named by Specific Character Set (0008,0005) (PS3.3 C.12.1.1.2, PS3.5 §6.1) and the
/// decoding/encoding of the text VRs they govern (SH, LO, ST, LT, PN, UC, UT).
/// Without code extensions one .NET encoding covers the whole value. With ISO 2022 code extensions the value may
/// switch G0/G1 sets with escape sequences; the state returns to the first term's sets at every value delimiter,
/// control character and, in person names, at each component (^) and component group (=) delimiter (PS3.5 §6.1.2.5.3).
/// Unknown terms never fail: the value is decoded as ISO 8859-1, as DCMTK does, and a warning is recorded.
/// </summary>
public sealed partial class SpecificCharacterSet
{
    private static readonly ConcurrentDictionary<string, SpecificCharacterSet> Cache = new(StringComparer.Ordinal);
    private const int MaxCachedVariants = 256; // values come from files; a hostile stream must not grow the cache without bound

    private readonly Encoding? _standAlone;          // no code extensions: the one encoding (null = ASCII)
    private CodeSet _initialG0 = CodeSet.Ascii;  // assigned once, while the constructor reads the terms
    private CodeSet? _initialG1;
    private readonly List<CodeSet> _designatable = [CodeSet.Ascii];

    /// <summary>ISO-IR 6, the default repertoire when (0008,0005) is absent.</summary>
    public static SpecificCharacterSet Default { get; } = new([]);

    private SpecificCharacterSet(IReadOnlyList<string> terms)
    {
        Terms = terms;
        var warnings = new List<string>();
        UsesCodeExtensions = terms.Any(t => t.StartsWith("ISO 2022", StringComparison.Ordinal));
        if (UsesCodeExtensions) ConfigureCodeExtensions(terms, warnings);
        else _standAlone = StandAloneEncoding(terms, warnings);
        Warnings = warnings;
    }

    /// <summary>The defined terms, normalised (value 1 may be empty, meaning the default repertoire).</summary>
    public IReadOnlyList<string> Terms { get; }

    /// <summary>True when the terms use ISO 2022 code extensions (escape sequences).</summary>
    public bool UsesCodeExtensions { get; }

    /// <summary>What could not be honoured (unknown or misspelt terms); empty when the value was understood.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Parses the raw (0008,0005) value (terms separated by backslash); cached per distinct value.</summary>
    public static SpecificCharacterSet Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return Default;
        if (Cache.TryGetValue(value, out var known)) return known;
        var terms = value.Split('\\').Select(t => t.Trim(' ', '\0')).ToList();
        var created = new SpecificCharacterSet(terms);
        if (Cache.Count < MaxCachedVariants) Cache.TryAdd(value, created);
        return created;
    }

    private Encoding? StandAloneEncoding(IReadOnlyList<string> terms, List<string> warnings)
    {
        var first = terms.FirstOrDefault(t => t.Length > 0) ?? "";
        if (terms.Count(t => t.Length > 0) > 1)
            warnings.Add($"Several terms without ISO 2022 code extensions ({string.Join('\\', terms)}): only '{first}' is used");
        var term = Normalise(first, warnings);
        if (term is "" or "ISO_IR 6") return null;
        if (term.StartsWith("ISO_IR ", StringComparison.Ordinal) && int.TryParse(term.AsSpan(7), out var ir)
            && LatinSets.TryGetValue(ir, out var latin))
            return Encoding.GetEncoding(latin.CodePage);
        switch (term)
        {
            case "ISO_IR 192": return new UTF8Encoding(false);
            case "GB18030": return Encoding.GetEncoding(54936);
            case "GBK": return Encoding.GetEncoding(936);
            case "ISO_IR 13": return Encoding.GetEncoding(932); // JIS X 0201 romaji in G0, katakana in G1: Shift_JIS single bytes
        }
        warnings.Add($"Unknown Specific Character Set '{first}': text decoded as ISO 8859-1 (Latin-1)");
        return Encoding.Latin1;
    }

    private void ConfigureCodeExtensions(IReadOnlyList<string> terms, List<string> warnings)
    {
        for (var i = 0; i < terms.Count; i++)
        {
            var term = Normalise(terms[i], warnings);
            if (term.Length == 0) continue; // empty value 1 = ISO-IR 6 in G0, nothing in G1
            var sets = SetsFor(term);
            if (sets.Length == 0)
            {
                warnings.Add($"Unknown or stand-alone term '{terms[i]}' among ISO 2022 code extensions: ignored");
                continue;
            }
            foreach (var set in sets.Where(s => !_designatable.Contains(s))) _designatable.Add(set);
            if (i != 0) continue;
            // Only single-byte sets can be the initial G0 (the delimiters must stay in ASCII positions).
            foreach (var set in sets)
            {
                if (set.Element == CodeElement.G1) _initialG1 = set;
                else if (set.BytesPerChar == 1) _initialG0 = set;
            }
        }
    }

    private static CodeSet[] SetsFor(string term)
    {
        // Mixed lists sometimes carry a plain "ISO_IR nnn" beside "ISO 2022 IR nnn" terms: same repertoire.
        var number = term.StartsWith("ISO 2022 IR ", StringComparison.Ordinal) ? term[12..]
            : term.StartsWith("ISO_IR ", StringComparison.Ordinal) ? term[7..] : null;
        if (number is null || !int.TryParse(number, out var ir)) return [];
        if (LatinSets.TryGetValue(ir, out var latin)) return [latin.Set];
        return ir switch
        {
            6 => [CodeSet.Ascii],
            13 => [CodeSet.JisRomaji, CodeSet.JisKatakana],
            87 => [CodeSet.JisX0208],
            159 => [CodeSet.JisX0212],
            149 => [CodeSet.KsX1001],
            58 => [CodeSet.Gb2312],
            _ => [],
        };
    }

    // Vendors misspell terms ("ISO_IR_100", "ISO-IR 100", "ISO IR100", "UTF-8"): accept the obvious intent and say so.
    private static string Normalise(string term, List<string> warnings)
    {
        var fixedTerm = term;
        if (IsoIrMisspelt().Match(term) is { Success: true } m) fixedTerm = $"ISO_IR {m.Groups[1].Value}";
        else if (Iso2022Misspelt().Match(term) is { Success: true } m2) fixedTerm = $"ISO 2022 IR {m2.Groups[1].Value}";
        else if (term.Equals("UTF-8", StringComparison.OrdinalIgnoreCase) || term.Equals("UTF8", StringComparison.OrdinalIgnoreCase)) fixedTerm = "ISO_IR 192";
        if (fixedTerm != term) warnings.Add($"Specific Character Set '{term}' read as '{fixedTerm}'");
        return fixedTerm;
    }

    [GeneratedRegex(@"^ISO[ _-]?IR[ _-]?(\d+)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex IsoIrMisspelt();

    [GeneratedRegex(@"^ISO[ _-]?2022[ _-]?IR[ _-]?(\d+)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Iso2022Misspelt();

    private sealed record LatinSet(int CodePage, CodeSet Set);

    // ISO-IR number → ISO 8859 part (PS3.3 Table C.12-2/C.12-3): code page and the G1 escape final byte.
    private static readonly Dictionary<int, LatinSet> LatinSets = new (int Ir, string Final, int CodePage)[]
    {
        (100, "A", 28591), (101, "B", 28592), (109, "C", 28593), (110, "D", 28594), (144, "L", 28595),
        (127, "G", 28596), (126, "F", 28597), (138, "H", 28598), (148, "M", 28599), (203, "b", 28605), (166, "T", 874),
    }.ToDictionary(x => x.Ir, x => new LatinSet(x.CodePage, CodeSet.Latin($"ISO-IR {x.Ir}", x.Final, x.CodePage)));

    /// <summary>Every set an escape sequence can designate, whether or not (0008,0005) declared it (lenient reading).</summary>
    private static readonly CodeSet[] EscapableSets =
    [
        CodeSet.Ascii, CodeSet.JisRomaji, CodeSet.JisKatakana, CodeSet.JisX0208, CodeSet.JisX0212, CodeSet.KsX1001,
        CodeSet.Gb2312, .. LatinSets.Values.Select(l => l.Set),
    ];

    public override string ToString() => Terms.Count == 0 ? "ISO_IR 6 (default)" : string.Join('\\', Terms);
}
