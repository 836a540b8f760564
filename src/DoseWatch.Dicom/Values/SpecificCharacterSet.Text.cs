using System.Buffers;
using System.Text;

namespace DoseWatch.Dicom;

public sealed partial class SpecificCharacterSet
{
    private const byte Esc = 0x1B;

    /// <summary>Decodes a text value (all its values, delimiters kept). Padding is not removed here.</summary>
    /// <param name="personName">PN values also reset the ISO 2022 state at '^' and '='.</param>
    public string Decode(ReadOnlySpan<byte> bytes, bool personName = false)
    {
        // Every repertoire DICOM allows keeps ASCII in the bytes below 0x80 at the start of a value.
        if (Ascii.IsValid(bytes) && (!UsesCodeExtensions || bytes.IndexOf(Esc) < 0) && _initialG0 == CodeSet.Ascii)
            return Encoding.ASCII.GetString(bytes);
        if (!UsesCodeExtensions) return (_standAlone ?? Encoding.Latin1).GetString(bytes);
        return DecodeWithCodeExtensions(bytes, personName);
    }

    private string DecodeWithCodeExtensions(ReadOnlySpan<byte> bytes, bool personName)
    {
        var text = new StringBuilder(bytes.Length);
        var g0 = _initialG0;
        var g1 = _initialG1;
        var i = 0;
        while (i < bytes.Length)
        {
            var b = bytes[i];
            if (b == Esc)
            {
                if (TryReadEscape(bytes[i..], out var set, out var length))
                {
                    if (set.Element == CodeElement.G0) g0 = set; else g1 = set;
                    i += length;
                }
                else { text.Append((char)Esc); i++; } // not a designation we know: keep the byte, lose nothing
                continue;
            }
            var run = RunLength(bytes[i..], high: b >= 0x80, stopAtDelimiter: g0.BytesPerChar == 1, personName);
            if (b >= 0x80) (g1 ?? LatinFallback).Decode(bytes.Slice(i, run), text);
            else g0.Decode(bytes.Slice(i, run), text);
            i += run;
            if (run == 0) // a delimiter in a single-byte G0: emit it and return to the initial designations
            {
                text.Append((char)b);
                g0 = _initialG0;
                g1 = _initialG1;
                i++;
            }
        }
        return text.ToString();
    }

    private static readonly CodeSet LatinFallback = LatinSets[100].Set;

    private static int RunLength(ReadOnlySpan<byte> bytes, bool high, bool stopAtDelimiter, bool personName)
    {
        var n = 0;
        while (n < bytes.Length)
        {
            var b = bytes[n];
            if (b == Esc || (b >= 0x80) != high) break;
            if (!high && stopAtDelimiter && IsDelimiter(b, personName)) break;
            n++;
        }
        return n;
    }

    // PS3.5 §6.1.2.5.3: the initial sets are active again after these (value delimiter, CR, LF, TAB, FF; PN delimiters).
    private static bool IsDelimiter(int c, bool personName) =>
        c is '\\' or '\r' or '\n' or '\t' or '\f' || (personName && c is '^' or '=');

    private static bool TryReadEscape(ReadOnlySpan<byte> bytes, out CodeSet set, out int length)
    {
        foreach (var candidate in EscapableSets)
        {
            if (bytes.StartsWith(candidate.Escape))
            {
                set = candidate;
                length = candidate.Escape.Length;
                return true;
            }
        }
        set = CodeSet.Ascii;
        length = 0;
        return false;
    }

    /// <summary>
    /// Encodes text for a charset VR. With code extensions each character goes into the current, initial or first
    /// declared set that holds it, with the escape sequence that designates it, and the initial G0 set is restored
    /// before every delimiter and at the end of the value.
    /// </summary>
    /// <exception cref="ArgumentException">A character that none of the declared repertoires can represent.</exception>
    public byte[] Encode(string text, bool personName = false)
    {
        if (Ascii.IsValid(text) && _initialG0 == CodeSet.Ascii) return Encoding.ASCII.GetBytes(text);
        if (!UsesCodeExtensions) return EncodeStandAlone(text);
        var output = new ArrayBufferWriter<byte>(text.Length * 2);
        var g0 = _initialG0;
        var g1 = _initialG1;
        Span<byte> buffer = stackalloc byte[4];
        foreach (var c in text)
        {
            if (IsDelimiter(c, personName))
            {
                if (g0 != _initialG0) output.Write(_initialG0.Escape);
                output.Write([(byte)c]);
                (g0, g1) = (_initialG0, _initialG1);
                continue;
            }
            var n = g0.TryEncode(c, buffer);
            if (n == 0 && g1 is not null) n = g1.TryEncode(c, buffer);
            if (n == 0)
            {
                var set = FirstSetHolding(c, g0, g1, buffer, out n) ?? throw Unrepresentable(c);
                output.Write(set.Escape);
                if (set.Element == CodeElement.G0) g0 = set; else g1 = set;
            }
            output.Write(buffer[..n]);
        }
        if (g0 != _initialG0) output.Write(_initialG0.Escape);
        return output.WrittenSpan.ToArray();
    }

    private CodeSet? FirstSetHolding(char c, CodeSet g0, CodeSet? g1, Span<byte> buffer, out int length)
    {
        foreach (var set in _designatable)
        {
            if (set == g0 || set == g1) continue;
            length = set.TryEncode(c, buffer);
            if (length > 0) return set;
        }
        length = 0;
        return null;
    }

    private byte[] EncodeStandAlone(string text)
    {
        if (_standAlone is null) throw Unrepresentable(text.First(c => c >= 0x80));
        var strict = Encoding.GetEncoding(_standAlone.CodePage, EncoderFallback.ExceptionFallback, DecoderFallback.ReplacementFallback);
        try { return strict.GetBytes(text); }
        catch (EncoderFallbackException e) { throw Unrepresentable(e.CharUnknown, e); }
    }

    private ArgumentException Unrepresentable(char c, Exception? inner = null) =>
        new($"Character '{c}' (U+{(int)c:X4}) cannot be encoded with Specific Character Set '{this}'", inner);
}
