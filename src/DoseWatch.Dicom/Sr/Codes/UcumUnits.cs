using static DoseWatch.Dicom.Sr.Codes.Code;

namespace DoseWatch.Dicom.Sr.Codes;

/// <summary>Measurement units (UCUM, case-sensitive) the dose templates prescribe (dose reference §5.3-5.5).</summary>
public static class UcumUnits
{
    public static readonly CodedConcept MilliGray = Ucum("mGy", "mGy");
    public static readonly CodedConcept MilliGrayCentimetre = Ucum("mGy.cm", "mGy.cm");
    public static readonly CodedConcept Gray = Ucum("Gy", "Gy");
    public static readonly CodedConcept GraySquareMetre = Ucum("Gy.m2", "Gy.m2");
    public static readonly CodedConcept MilliSievert = Ucum("mSv", "mSv");
    public static readonly CodedConcept Second = Ucum("s", "s");
    public static readonly CodedConcept Millisecond = Ucum("ms", "ms");
    public static readonly CodedConcept Millimetre = Ucum("mm", "mm");
    public static readonly CodedConcept Kilovolt = Ucum("kV", "kV");
    public static readonly CodedConcept MilliAmpere = Ucum("mA", "mA");
    public static readonly CodedConcept Ratio = Ucum("{ratio}", "ratio");
    public static readonly CodedConcept MegaBecquerel = Ucum("MBq", "MBq");
}
