using System.Globalization;
using System.Text;

namespace DoseWatch.Core.Analysis;

/// <summary>
/// Normalised text similarity of protocol names, for suggesting a standard protocol for a raw name nobody mapped yet.
/// <para>Normalisation, in order: lower case (invariant culture); every character that is not a letter or a digit
/// becomes a space (so "CHEST_ABD-PEL" and "chest abd pel" agree); a boundary is put between letters and digits
/// ("head5mm" → "head 5 mm"); tokens made only of digits are dropped (sequence numbers, slice thicknesses, version
/// numbers say nothing about the anatomy); common radiology abbreviations are expanded (<see cref="Abbreviations"/>);
/// the remaining tokens are joined by single spaces.</para>
/// <para>Similarity: the mean of the Jaccard index of the token sets and the Jaccard index of the character-trigram
/// sets of the normalised names (each name padded with a space at both ends). 1 for equal normalised names, 0 for
/// names that share no token and no trigram.</para>
/// </summary>
public static class ProtocolNameSimilarity
{
    /// <summary>Abbreviations seen in scanner protocol names, expanded to the words of the standard names.</summary>
    public static readonly IReadOnlyDictionary<string, string> Abbreviations = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["abd"] = "abdomen",
        ["abdo"] = "abdomen",
        ["pel"] = "pelvis",
        ["pelv"] = "pelvis",
        ["thx"] = "thorax",
        ["thor"] = "thorax",
        ["cap"] = "chest abdomen pelvis",
        ["ctpa"] = "pulmonary angiography",
        ["angio"] = "angiography",
        ["cta"] = "angiography",
        ["kub"] = "kidneys ureters bladder",
        ["hr"] = "high resolution",
        ["hrct"] = "high resolution",
        ["cspine"] = "cervical spine",
        ["csp"] = "cervical spine",
        ["brn"] = "brain",
        ["wb"] = "whole body",
        ["paed"] = "paediatric",
        ["ped"] = "paediatric",
        ["peds"] = "paediatric",
        ["pediatric"] = "paediatric",
        ["w"] = "with",
        ["wo"] = "without",
        ["ce"] = "contrast",
        ["rt"] = "right",
        ["lt"] = "left",
        ["sinus"] = "sinuses",
        ["routine"] = "",
        ["mm"] = "",
        ["std"] = "",
    };

    /// <summary>
    /// Lower case, letters and digit runs apart, digit-only tokens dropped, abbreviations expanded. Answered from memory for
    /// a name seen before: a site has a few hundred names, and every analysis normalises its device's whole history
    /// (issue #18). The memory is emptied when it holds more names than a site could have, so it cannot grow without end.
    /// </summary>
    public static string Normalise(string? rawName)
    {
        if (string.IsNullOrWhiteSpace(rawName)) return "";
        if (Normalised.TryGetValue(rawName, out var known)) return known;
        if (Normalised.Count >= MaximumRemembered) Normalised.Clear();
        return Normalised[rawName] = NormaliseOnce(rawName);
    }

    private const int MaximumRemembered = 50_000;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Normalised = new(StringComparer.Ordinal);

    private static string NormaliseOnce(string rawName)
    {
        var spaced = new StringBuilder(rawName.Length + 8);
        var previous = ' ';
        foreach (var ch in rawName.ToLower(CultureInfo.InvariantCulture))
        {
            var c = char.IsLetterOrDigit(ch) ? ch : ' ';
            if (c != ' ' && previous != ' ' && char.IsDigit(c) != char.IsDigit(previous)) spaced.Append(' ');
            spaced.Append(c);
            previous = c;
        }
        var words = spaced.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(t => !t.All(char.IsDigit))
            .SelectMany(t => (Abbreviations.TryGetValue(t, out var expanded) ? expanded : t).Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return string.Join(' ', words);
    }

    public static double Similarity(string? a, string? b)
    {
        var na = Normalise(a);
        var nb = Normalise(b);
        if (na.Length == 0 || nb.Length == 0) return 0;
        return (Jaccard(Tokens(na), Tokens(nb)) + Jaccard(Trigrams(na), Trigrams(nb))) / 2;
    }

    internal static HashSet<string> Tokens(string normalised) => [.. normalised.Split(' ', StringSplitOptions.RemoveEmptyEntries)];

    internal static HashSet<string> Trigrams(string normalised)
    {
        var padded = " " + normalised + " ";
        var set = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i + 3 <= padded.Length; i++) set.Add(padded.Substring(i, 3));
        return set;
    }

    internal static double Jaccard(HashSet<string> a, HashSet<string> b)
    {
        if (a.Count == 0 && b.Count == 0) return 1;
        var intersection = a.Count(b.Contains);
        return (double)intersection / (a.Count + b.Count - intersection);
    }
}
