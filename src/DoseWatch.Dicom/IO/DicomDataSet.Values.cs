using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace DoseWatch.Dicom;

// Typed accessors. Text VRs governed by Specific Character Set (SH, LO, ST, LT, PN, UC, UT, and UN read as text) are
// decoded with this data set's (0008,0005), inherited from the enclosing data set by sequence items
// (PS3.5 §6.1.2.5.3); the other string VRs are ASCII (bytes above 0x7F are kept as ISO 8859-1 characters, never lost).
public sealed partial class DicomDataSet
{
    private static readonly DicomTag TimezoneOffsetFromUtc = new(0x0008, 0x0201);

    /// <summary>The Specific Character Set in force here: this data set's (0008,0005), else the nearest enclosing one's, else ISO-IR 6.</summary>
    public SpecificCharacterSet CharacterSet
    {
        get
        {
            for (var ds = this; ds is not null; ds = ds.Parent)
                if (ds.OwnCharacterSet() is { } own) return own;
            return SpecificCharacterSet.Default;
        }
    }

    private sealed record CharacterSetCache(DicomElement Source, SpecificCharacterSet Parsed);

    // Parsed once per (0008,0005) element instance: replacing the element (Set) makes the cache stale by identity.
    private CharacterSetCache? _characterSetCache;

    private SpecificCharacterSet? OwnCharacterSet()
    {
        if (!TryGet(DicomTag.SpecificCharacterSet, out var e) || e.IsValueSkipped) return null;
        var cache = _characterSetCache;
        if (cache is null || !ReferenceEquals(cache.Source, e))
            _characterSetCache = cache = new CharacterSetCache(e, SpecificCharacterSet.Parse(Encoding.ASCII.GetString(e.Value.Span)));
        return cache.Parsed;
    }

    /// <summary>
    /// The whole value as text (all values with their '\' delimiters), decoded per VR, with padding removed: trailing
    /// spaces and NULs always, leading spaces too for the ASCII VRs whose leading spaces are insignificant. Null when
    /// absent, empty, skipped, or not a text VR.
    /// </summary>
    public string? GetString(DicomTag tag)
    {
        if (!TryGet(tag, out var e) || DecodeText(e) is not { } text) return null;
        text = Trim(text, e.VR);
        return text.Length == 0 ? null : text;
    }

    /// <summary>The values of a multi-valued text element, split on '\' and trimmed; LT, ST, UT and UR are single-valued. Empty when absent.</summary>
    public string[] GetStrings(DicomTag tag)
    {
        if (!TryGet(tag, out var e) || DecodeText(e) is not { } text) return [];
        if (IsSingleValued(e.VR)) return Trim(text, e.VR) is { Length: > 0 } one ? [one] : [];
        if (Trim(text, e.VR).Length == 0) return [];
        var values = text.Split('\\');
        for (var i = 0; i < values.Length; i++) values[i] = Trim(values[i], e.VR);
        return values;
    }

    private string? DecodeText(DicomElement e)
    {
        if (e.IsValueSkipped || e.Value.IsEmpty) return null;
        var span = e.Value.Span;
        // Every repertoire decodes plain ASCII without escapes as ASCII: skip finding the character set (a walk up the
        // enclosing items), which is what most values in practice need.
        if (e.VR.Kind is VRKind.CharsetText or VRKind.AsciiText or VRKind.Bytes && Ascii.IsValid(span) && span.IndexOf((byte)0x1B) < 0)
            return e.VR.Kind == VRKind.Bytes && e.VR != DicomVR.UN ? null : Encoding.ASCII.GetString(span);
        return e.VR.Kind switch
        {
            VRKind.CharsetText => CharacterSet.Decode(e.Value.Span, personName: e.VR == DicomVR.PN),
            VRKind.Bytes when e.VR == DicomVR.UN => CharacterSet.Decode(e.Value.Span),
            VRKind.AsciiText => Encoding.Latin1.GetString(e.Value.Span),
            _ => null,
        };
    }

    private static bool IsSingleValued(DicomVR vr) => vr == DicomVR.LT || vr == DicomVR.ST || vr == DicomVR.UT || vr == DicomVR.UR;

    // PS3.5 Table 6.2-1: leading spaces are significant only in the text VRs (LT, ST, UT, and the charset string VRs
    // as pydicom and DCMTK keep them); trailing spaces are padding everywhere. NUL is trimmed defensively (UI pads with it).
    private static string Trim(string text, DicomVR vr) =>
        vr.Kind == VRKind.AsciiText && vr != DicomVR.UR ? text.Trim(' ', '\0') : text.TrimEnd(' ', '\0');

    /// <summary>Sets a text element, encoded per VR (charset VRs with <see cref="CharacterSet"/>) and padded to even length.</summary>
    /// <exception cref="ArgumentException">The text holds a character the VR or the character set cannot represent.</exception>
    public DicomDataSet SetString(DicomTag tag, DicomVR vr, string value)
    {
        byte[] bytes;
        if (vr.Kind == VRKind.CharsetText) bytes = CharacterSet.Encode(value, personName: vr == DicomVR.PN);
        else if (Ascii.IsValid(value)) bytes = Encoding.ASCII.GetBytes(value);
        else throw new ArgumentException($"{vr} value for {tag} must be ASCII (PS3.5 §6.1.2): '{value}'", nameof(value));
        if (bytes.Length % 2 == 1)
        {
            Array.Resize(ref bytes, bytes.Length + 1);
            bytes[^1] = vr.PaddingByte;
        }
        return Set(new DicomElement(tag, vr, bytes));
    }

    /// <summary>Sets a multi-valued text element (values joined with '\').</summary>
    public DicomDataSet SetStrings(DicomTag tag, DicomVR vr, IEnumerable<string> values) => SetString(tag, vr, string.Join('\\', values));

    // ---- Numbers -------------------------------------------------------------------------------------------------

    /// <summary>Value <paramref name="index"/> as a double: DS/IS parsed leniently (<see cref="NumberString"/>), binary VRs converted. Null when absent or unreadable.</summary>
    public double? GetDouble(DicomTag tag, int index = 0) => At(GetDoubles(tag), index);

    /// <summary>Every value as a double; an empty or unreadable value is null in its position.</summary>
    public double?[] GetDoubles(DicomTag tag)
    {
        if (!TryGet(tag, out var e)) return [];
        if (e.VR.Kind == VRKind.Binary) return BinaryAsDoubles(e);
        return NumberTexts(tag).Select(NumberString.ParseDouble).ToArray();
    }

    /// <summary>Value <paramref name="index"/> of a DS/IS element as an exact decimal (binary VRs converted). Null when absent or unreadable.</summary>
    public decimal? GetDecimal(DicomTag tag, int index = 0) => At(GetDecimals(tag), index);

    public decimal?[] GetDecimals(DicomTag tag)
    {
        if (!TryGet(tag, out var e)) return [];
        if (e.VR.Kind == VRKind.Binary)
            return BinaryAsDoubles(e).Select(d => d is { } x && double.IsFinite(x) && Math.Abs(x) < 7.9e28 ? (decimal?)x : null).ToArray();
        return NumberTexts(tag).Select(NumberString.ParseDecimal).ToArray();
    }

    /// <summary>Value <paramref name="index"/> as an integer: IS/DS via <see cref="NumberString.ParseInteger"/> (fractions rounded half away from zero), binary VRs converted the same way.</summary>
    public long? GetInteger(DicomTag tag, int index = 0) => At(GetIntegers(tag), index);

    /// <summary>As <see cref="GetInteger"/>, null when the value does not fit an int.</summary>
    public int? GetInt32(DicomTag tag, int index = 0) => GetInteger(tag, index) is { } v && v is >= int.MinValue and <= int.MaxValue ? (int)v : null;

    public long?[] GetIntegers(DicomTag tag)
    {
        if (!TryGet(tag, out var e)) return [];
        if (e.VR == DicomVR.UV) return GetBinaryValues<ulong>(tag).Select(v => v <= long.MaxValue ? (long?)(long)v : null).ToArray();
        if (e.VR == DicomVR.SV) return GetBinaryValues<long>(tag).Select(v => (long?)v).ToArray();
        if (e.VR.Kind == VRKind.Binary)
            return BinaryAsDoubles(e).Select(d => d is { } x && Math.Abs(x) < 9.2e18 ? (long?)Math.Round(x, MidpointRounding.AwayFromZero) : null).ToArray();
        return NumberTexts(tag).Select(NumberString.ParseInteger).ToArray();
    }

    private string[] NumberTexts(DicomTag tag) => GetString(tag) is { } text ? NumberString.SplitValues(text) : [];

    private double?[] BinaryAsDoubles(DicomElement e)
    {
        var vr = e.VR;
        if (vr == DicomVR.FD || vr == DicomVR.OD) return Doubles(GetBinaryValues<double>(e.Tag));
        if (vr == DicomVR.FL || vr == DicomVR.OF) return Doubles(GetBinaryValues<float>(e.Tag));
        if (vr == DicomVR.US || vr == DicomVR.OW) return Doubles(GetBinaryValues<ushort>(e.Tag));
        if (vr == DicomVR.SS) return Doubles(GetBinaryValues<short>(e.Tag));
        if (vr == DicomVR.UL || vr == DicomVR.OL) return Doubles(GetBinaryValues<uint>(e.Tag));
        if (vr == DicomVR.SL) return Doubles(GetBinaryValues<int>(e.Tag));
        if (vr == DicomVR.UV || vr == DicomVR.OV) return Doubles(GetBinaryValues<ulong>(e.Tag));
        if (vr == DicomVR.SV) return Doubles(GetBinaryValues<long>(e.Tag));
        return []; // AT is a tag, not a number
    }

    private static double?[] Doubles<T>(T[] values) where T : unmanaged, System.Numerics.INumberBase<T> =>
        values.Select(v => (double?)double.CreateTruncating(v)).ToArray();

    private static T? At<T>(T?[] values, int index) where T : struct => index >= 0 && index < values.Length ? values[index] : null;

    /// <summary>
    /// The values of a binary element (US, SS, UL, SL, FL, FD, UV, SV, OB/OW/OF/OD/OL/OV, UN) read as <typeparamref name="T"/>,
    /// little endian. Empty when absent, a text or sequence VR, or when the length is not a multiple of T's size.
    /// </summary>
    public T[] GetBinaryValues<T>(DicomTag tag) where T : unmanaged
    {
        var size = Marshal.SizeOf<T>();
        if (!TryGet(tag, out var e) || e.IsValueSkipped || e.VR.IsString || e.VR.Kind == VRKind.Sequence || e.Value.Length % size != 0) return [];
        var values = MemoryMarshal.Cast<byte, T>(e.Value.Span).ToArray();
        if (!BitConverter.IsLittleEndian) ReverseEachValue(values, size);
        return values;
    }

    /// <summary>Binary value <paramref name="index"/> as <typeparamref name="T"/>; null when there is no such value.</summary>
    public T? GetBinaryValue<T>(DicomTag tag, int index = 0) where T : unmanaged
    {
        var size = Marshal.SizeOf<T>();
        if (!TryGet(tag, out var e) || e.IsValueSkipped || e.VR.IsString || e.VR.Kind == VRKind.Sequence || index < 0 || (long)(index + 1) * size > e.Value.Length) return null;
        var value = MemoryMarshal.Read<T>(e.Value.Span.Slice(index * size, size));
        if (!BitConverter.IsLittleEndian)
        {
            T[] one = [value];
            ReverseEachValue(one, size);
            value = one[0];
        }
        return value;
    }

    private static void ReverseEachValue<T>(T[] values, int size) where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(values.AsSpan());
        for (var i = 0; i < bytes.Length; i += size) bytes.Slice(i, size).Reverse();
    }

    public ushort? GetUInt16(DicomTag tag) => GetBinaryValue<ushort>(tag);

    public uint? GetUInt32(DicomTag tag) => GetBinaryValue<uint>(tag);

    /// <summary>AT values: pairs of 16-bit group and element numbers (PS3.5 Table 6.2-1).</summary>
    public DicomTag[] GetTags(DicomTag tag)
    {
        var words = GetBinaryValues<ushort>(tag);
        var tags = new DicomTag[words.Length / 2];
        for (var i = 0; i < tags.Length; i++) tags[i] = new DicomTag(words[2 * i], words[2 * i + 1]);
        return tags;
    }

    public DicomDataSet SetUInt16(DicomTag tag, ushort value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        return Set(new DicomElement(tag, DicomVR.US, bytes));
    }

    public DicomDataSet SetUInt32(DicomTag tag, uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return Set(new DicomElement(tag, DicomVR.UL, bytes));
    }

    /// <summary>Sets a binary element from values of the VR's unit type (e.g. double for FD), stored little endian.</summary>
    public DicomDataSet SetBinaryValues<T>(DicomTag tag, DicomVR vr, params T[] values) where T : unmanaged
    {
        if (vr.Kind != VRKind.Binary || vr.UnitSize > 1 && Marshal.SizeOf<T>() % vr.UnitSize != 0)
            throw new ArgumentException($"{typeof(T).Name} values do not fit VR {vr}", nameof(vr));
        var copy = (T[])values.Clone();
        if (!BitConverter.IsLittleEndian) ReverseEachValue(copy, Marshal.SizeOf<T>());
        return Set(new DicomElement(tag, vr, MemoryMarshal.AsBytes(copy.AsSpan()).ToArray()));
    }

    // ---- Dates, times, names, codes -------------------------------------------------------------------------------

    public DateOnly? GetDate(DicomTag tag) => TemporalValue.ParseDate(GetString(tag));

    public TimeOnly? GetTime(DicomTag tag) => TemporalValue.ParseTime(GetString(tag));

    /// <summary>A DT value; when it carries no offset, Timezone Offset From UTC (0008,0201) applies if present (PS3.3 C.12.1.1.8).</summary>
    public DicomDateTime? GetDateTime(DicomTag tag)
    {
        if (TemporalValue.ParseDateTime(GetString(tag)) is not { } dt) return null;
        return dt.UtcOffset is null ? dt with { UtcOffset = TimezoneOffset() } : dt;
    }

    /// <summary>A date element combined with a time element (e.g. Study Date + Study Time); midnight when the time is absent.</summary>
    public DicomDateTime? GetDateTime(DicomTag dateTag, DicomTag timeTag)
    {
        if (GetDate(dateTag) is not { } date) return null;
        var time = GetTime(timeTag) ?? TimeOnly.MinValue;
        return new DicomDateTime(date.ToDateTime(time, DateTimeKind.Unspecified), TimezoneOffset());
    }

    private TimeSpan? TimezoneOffset()
    {
        for (var ds = this; ds is not null; ds = ds.Parent)
            if (ds.GetString(TimezoneOffsetFromUtc) is { } text) return TemporalValue.ParseOffset(text);
        return null;
    }

    public PersonName? GetPersonName(DicomTag tag) => GetString(tag) is { } text ? PersonName.Parse(text) : null;

    public PersonName[] GetPersonNames(DicomTag tag) => GetStrings(tag).Select(PersonName.Parse).ToArray();

    /// <summary>The coded concept in the first item of a code sequence (e.g. Concept Name Code Sequence); null when absent or incomplete.</summary>
    public CodedConcept? GetCodedConcept(DicomTag sequenceTag) =>
        GetSequence(sequenceTag)?.Items.Select(CodedConcept.FromItem).FirstOrDefault(c => c is not null);

    /// <summary>The coded concepts of every complete item of a code sequence.</summary>
    public CodedConcept[] GetCodedConcepts(DicomTag sequenceTag) =>
        GetSequence(sequenceTag)?.Items.Select(CodedConcept.FromItem).OfType<CodedConcept>().ToArray() ?? [];
}
