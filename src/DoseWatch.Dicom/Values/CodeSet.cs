using System.Text;

namespace DoseWatch.Dicom;

/// <summary>Which half of the 8-bit code table a character set is invoked into (ISO 2022, PS3.5 §6.1.2.5).</summary>
internal enum CodeElement { G0, G1 }

/// <summary>
/// One graphic character set that ISO 2022 code extensions can designate (PS3.3 Tables C.12-3 and C.12-4), with the
/// .NET encoding that realises it. Multi-byte G0 sets (JIS X 0208/0212) travel as 7-bit byte pairs; their EUC form
/// (each byte | 0x80) is what the .NET EUC encodings understand.
/// </summary>
internal sealed class CodeSet
{
    private readonly Encoding? _decoder;
    private readonly Encoding? _encoder;

    private CodeSet(string name, byte[] escape, CodeElement element, int bytesPerChar, int codePage)
    {
        Name = name;
        Escape = escape;
        Element = element;
        BytesPerChar = bytesPerChar;
        if (codePage != 0 && CodePages.TryGet(codePage) is { } enc)
        {
            _decoder = enc;
            // An empty replacement makes an unencodable character produce no bytes, which is how TryEncode detects it.
            _encoder = Encoding.GetEncoding(codePage, new EncoderReplacementFallback(""), DecoderFallback.ReplacementFallback);
        }
        IsSupported = codePage == 0 || _decoder is not null;
    }

    public string Name { get; }
    public byte[] Escape { get; }
    public CodeElement Element { get; }
    public int BytesPerChar { get; }

    /// <summary>False when .NET has no encoding for the set (JIS X 0212): its characters decode to U+FFFD.</summary>
    public bool IsSupported { get; }

    /// <summary>Decodes a run of bytes that all belong to this set's element (G0: &lt; 0x80, G1: ≥ 0x80).</summary>
    public void Decode(ReadOnlySpan<byte> run, StringBuilder text)
    {
        if (_decoder is null && IsSupported)
        {
            foreach (var b in run) text.Append((char)b); // ASCII, lenient like ISO 8859-1 for stray high bytes
            return;
        }
        if (Element == CodeElement.G0 && BytesPerChar == 2)
        {
            DecodeSevenBitPairs(run, text);
            return;
        }
        text.Append(_decoder!.GetString(run));
    }

    private void DecodeSevenBitPairs(ReadOnlySpan<byte> run, StringBuilder text)
    {
        var i = 0;
        while (i < run.Length)
        {
            // Controls and space (< 0x21) are never part of a 94x94 set's byte pair.
            if (run[i] < 0x21 || i + 1 >= run.Length) { text.Append(run[i] < 0x21 ? (char)run[i] : '\uFFFD'); i++; continue; }
            if (!IsSupported) { text.Append('\uFFFD'); i += 2; continue; }
            Span<byte> euc = [(byte)(run[i] | 0x80), (byte)(run[i + 1] | 0x80)];
            text.Append(_decoder!.GetString(euc));
            i += 2;
        }
    }

    /// <summary>Writes <paramref name="c"/> in this set (7-bit pairs for multi-byte G0); returns the byte count, 0 when not representable.</summary>
    public int TryEncode(char c, Span<byte> destination)
    {
        if (!IsSupported || char.IsSurrogate(c)) return 0;
        if (_encoder is null) // ASCII
        {
            if (c >= 0x80) return 0;
            destination[0] = (byte)c;
            return 1;
        }
        Span<byte> buffer = stackalloc byte[8];
        var n = _encoder.GetBytes([c], buffer);
        if (n != BytesPerChar) return 0;
        for (var i = 0; i < n; i++)
        {
            var b = buffer[i];
            if (!InOwnRange(b)) return 0;
            destination[i] = Element == CodeElement.G0 && BytesPerChar == 2 ? (byte)(b & 0x7F) : b;
        }
        return n;
    }

    // A single-byte G0 set owns bytes below 0x80; 96-character G1 sets own 0xA0-0xFF; 94x94 sets (as EUC) own 0xA1-0xFE.
    private bool InOwnRange(byte b) => BytesPerChar == 2 ? b >= 0xA1 : Element == CodeElement.G1 ? b >= 0xA0 : b < 0x80;

    public override string ToString() => Name;

    private static byte[] Esc(string s) => [0x1B, .. Encoding.ASCII.GetBytes(s)];

    // PS3.3 Table C.12-3 (single-byte) and C.12-4 (multi-byte) escape sequences.
    public static readonly CodeSet Ascii = new("ISO-IR 6", Esc("(B"), CodeElement.G0, 1, 0);
    public static readonly CodeSet JisRomaji = new("ISO-IR 14", Esc("(J"), CodeElement.G0, 1, 932);
    public static readonly CodeSet JisKatakana = new("ISO-IR 13", Esc(")I"), CodeElement.G1, 1, 932);
    public static readonly CodeSet JisX0208 = new("ISO-IR 87", Esc("$B"), CodeElement.G0, 2, 51932);
    public static readonly CodeSet JisX0212 = new("ISO-IR 159", Esc("$(D"), CodeElement.G0, 2, -1);
    public static readonly CodeSet KsX1001 = new("ISO-IR 149", Esc("$)C"), CodeElement.G1, 2, 51949);
    public static readonly CodeSet Gb2312 = new("ISO-IR 58", Esc("$)A"), CodeElement.G1, 2, 936);

    public static CodeSet Latin(string name, string escapeFinal, int codePage) =>
        new(name, Esc("-" + escapeFinal), CodeElement.G1, 1, codePage);

    private static class CodePages
    {
        static CodePages() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

        public static Encoding? TryGet(int codePage)
        {
            if (codePage < 0) return null;
            try { return Encoding.GetEncoding(codePage); }
            catch (ArgumentException) { return null; }
            catch (NotSupportedException) { return null; }
        }
    }
}
