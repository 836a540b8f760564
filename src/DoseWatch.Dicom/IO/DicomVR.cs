namespace DoseWatch.Dicom;

/// <summary>How a VR's value is laid out, which decides padding, byte swapping and string decoding.</summary>
public enum VRKind
{
    /// <summary>Text that is not affected by Specific Character Set (AE, AS, CS, DA, DS, DT, IS, TM, UI, UR).</summary>
    AsciiText,
    /// <summary>Text decoded with Specific Character Set (LO, LT, PN, SH, ST, UC, UT).</summary>
    CharsetText,
    /// <summary>Fixed-size binary numbers (AT, FL, FD, SL, SS, SV, UL, US, UV) or word-sized bulk (OD, OF, OL, OV, OW).</summary>
    Binary,
    /// <summary>Bytes with no internal structure (OB, UN).</summary>
    Bytes,
    Sequence,
}

/// <summary>A value representation (PS3.5 §6.2), identified by its two ASCII characters.</summary>
public readonly struct DicomVR : IEquatable<DicomVR>
{
    private readonly ushort _code;

    private DicomVR(char a, char b) => _code = (ushort)((a << 8) | b);

    /// <summary>The VR whose two characters are <paramref name="first"/>, <paramref name="second"/>; unknown ones are returned as-is (check <see cref="IsKnown"/>).</summary>
    public static DicomVR FromBytes(byte first, byte second) => new((char)first, (char)second);

    public static DicomVR Parse(string name) =>
        name.Length == 2 ? new DicomVR(name[0], name[1]) : throw new ArgumentException($"'{name}' is not a VR", nameof(name));

    public byte First => (byte)(_code >> 8);
    public byte Second => (byte)_code;
    public string Name => new([(char)First, (char)Second]);

    public bool IsKnown => Index is { } i && Table[i].Known;

    // The reader asks for these on every element: a flat table indexed by the two letters avoids a hash lookup.
    private int? Index
    {
        get
        {
            int a = First - 'A', b = Second - 'A';
            return a is >= 0 and < 26 && b is >= 0 and < 26 ? a * 26 + b : null;
        }
    }

    private (VRKind Kind, int UnitSize, bool LongLength, byte Pad) Info =>
        Index is { } i && Table[i].Known ? Table[i].Info : (VRKind.Bytes, 1, true, (byte)0);

    public VRKind Kind => Info.Kind;

    /// <summary>Size of one binary unit for byte swapping between little and big endian (1 = no swapping).</summary>
    public int UnitSize => Info.UnitSize;

    /// <summary>Explicit VR encodings use a 2-byte reserved field and a 4-byte length for these VRs (PS3.5 §7.1.2).</summary>
    public bool HasLongExplicitLength => Info.LongLength;

    /// <summary>Byte used to pad a value to even length (PS3.5 §6.2): space for text, NUL for UI and binary.</summary>
    public byte PaddingByte => Info.Pad;

    public bool IsString => Kind is VRKind.AsciiText or VRKind.CharsetText;

    public bool Equals(DicomVR other) => _code == other._code;
    public override bool Equals(object? obj) => obj is DicomVR other && Equals(other);
    public override int GetHashCode() => _code;
    public static bool operator ==(DicomVR left, DicomVR right) => left.Equals(right);
    public static bool operator !=(DicomVR left, DicomVR right) => !left.Equals(right);
    public override string ToString() => Name;

    public static readonly DicomVR AE = new('A', 'E'), AS = new('A', 'S'), AT = new('A', 'T'), CS = new('C', 'S'),
        DA = new('D', 'A'), DS = new('D', 'S'), DT = new('D', 'T'), FL = new('F', 'L'), FD = new('F', 'D'),
        IS = new('I', 'S'), LO = new('L', 'O'), LT = new('L', 'T'), OB = new('O', 'B'), OD = new('O', 'D'),
        OF = new('O', 'F'), OL = new('O', 'L'), OV = new('O', 'V'), OW = new('O', 'W'), PN = new('P', 'N'),
        SH = new('S', 'H'), SL = new('S', 'L'), SQ = new('S', 'Q'), SS = new('S', 'S'), ST = new('S', 'T'),
        SV = new('S', 'V'), TM = new('T', 'M'), UC = new('U', 'C'), UI = new('U', 'I'), UL = new('U', 'L'),
        UN = new('U', 'N'), UR = new('U', 'R'), US = new('U', 'S'), UT = new('U', 'T'), UV = new('U', 'V');

    // PS3.5 Table 7.1-1 / 7.1-2 (long lengths), §6.2 (padding), Table 6.2-1 (binary unit sizes).
    private static readonly Dictionary<ushort, (VRKind, int, bool, byte)> Properties = new()
    {
        [AE._code] = (VRKind.AsciiText, 1, false, 0x20), [AS._code] = (VRKind.AsciiText, 1, false, 0x20),
        [AT._code] = (VRKind.Binary, 2, false, 0), [CS._code] = (VRKind.AsciiText, 1, false, 0x20),
        [DA._code] = (VRKind.AsciiText, 1, false, 0x20), [DS._code] = (VRKind.AsciiText, 1, false, 0x20),
        [DT._code] = (VRKind.AsciiText, 1, false, 0x20), [FL._code] = (VRKind.Binary, 4, false, 0),
        [FD._code] = (VRKind.Binary, 8, false, 0), [IS._code] = (VRKind.AsciiText, 1, false, 0x20),
        [LO._code] = (VRKind.CharsetText, 1, false, 0x20), [LT._code] = (VRKind.CharsetText, 1, false, 0x20),
        [OB._code] = (VRKind.Bytes, 1, true, 0), [OD._code] = (VRKind.Binary, 8, true, 0),
        [OF._code] = (VRKind.Binary, 4, true, 0), [OL._code] = (VRKind.Binary, 4, true, 0),
        [OV._code] = (VRKind.Binary, 8, true, 0), [OW._code] = (VRKind.Binary, 2, true, 0),
        [PN._code] = (VRKind.CharsetText, 1, false, 0x20), [SH._code] = (VRKind.CharsetText, 1, false, 0x20),
        [SL._code] = (VRKind.Binary, 4, false, 0), [SQ._code] = (VRKind.Sequence, 1, true, 0),
        [SS._code] = (VRKind.Binary, 2, false, 0), [ST._code] = (VRKind.CharsetText, 1, false, 0x20),
        [SV._code] = (VRKind.Binary, 8, true, 0), [TM._code] = (VRKind.AsciiText, 1, false, 0x20),
        [UC._code] = (VRKind.CharsetText, 1, true, 0x20), [UI._code] = (VRKind.AsciiText, 1, false, 0),
        [UL._code] = (VRKind.Binary, 4, false, 0), [UN._code] = (VRKind.Bytes, 1, true, 0),
        [UR._code] = (VRKind.AsciiText, 1, true, 0x20), [US._code] = (VRKind.Binary, 2, false, 0),
        [UT._code] = (VRKind.CharsetText, 1, true, 0x20), [UV._code] = (VRKind.Binary, 8, true, 0),
    };

    // Declared after Properties: static fields initialise in text order.
    private static readonly ((VRKind, int, bool, byte) Info, bool Known)[] Table = BuildTable();

    private static ((VRKind, int, bool, byte), bool)[] BuildTable()
    {
        var table = new ((VRKind, int, bool, byte), bool)[26 * 26];
        foreach (var (code, info) in Properties)
            table[((code >> 8) - 'A') * 26 + ((code & 0xFF) - 'A')] = (info, true);
        return table;
    }
}
