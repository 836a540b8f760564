namespace DoseWatch.Core.SkinDose;

/// <summary>
/// Skin dose on the elliptic cylinder, unrolled: one row per ring (head end first, <see cref="RingSpacingCm"/> apart)
/// and one column per sector around the body. Sector k sits at angle k × <see cref="SectorStepRad"/> of the ellipse's
/// parameter, measured from the patient's left side through the back (supine: the side on the table) to the right
/// side and over the front.
/// </summary>
public sealed record SkinDoseMap(int Rings, int Sectors, double RingSpacingCm, double SectorStepRad, float[] DoseGy)
{
    public double At(int ring, int sector) => DoseGy[ring * Sectors + sector];

    /// <summary>The largest cell dose and its cell.</summary>
    public (double DoseGy, int Ring, int Sector) Peak()
    {
        var best = 0;
        for (var i = 1; i < DoseGy.Length; i++) if (DoseGy[i] > DoseGy[best]) best = i;
        return (DoseGy[best], best / Sectors, best % Sectors);
    }

    /// <summary>The map as little-endian float32 cell doses (Gy), row after row: how it is stored.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[DoseGy.Length * sizeof(float)];
        Buffer.BlockCopy(DoseGy, 0, bytes, 0, bytes.Length);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Skin dose maps are stored little-endian");
        return bytes;
    }

    public static SkinDoseMap FromBytes(int rings, int sectors, double ringSpacingCm, double sectorStepRad, byte[] bytes)
    {
        if (bytes.Length != rings * sectors * sizeof(float))
            throw new ArgumentException($"A {rings} × {sectors} skin dose map needs {rings * sectors * sizeof(float)} bytes, not {bytes.Length}");
        var dose = new float[rings * sectors];
        Buffer.BlockCopy(bytes, 0, dose, 0, bytes.Length);
        return new SkinDoseMap(rings, sectors, ringSpacingCm, sectorStepRad, dose);
    }
}

/// <summary>Where on the phantom a cell lies, in words a physicist can find on a patient.</summary>
public sealed record SkinLocation(double FromHeadEndCm, double AngleDeg, string Side)
{
    /// <summary>
    /// The side of the body for an angle of the ellipse's parameter (0°: left, 90°: back for a supine patient, 180°:
    /// right, 270°: front), in 45° octants.
    /// </summary>
    public static string SideOf(double angleDeg)
    {
        var a = ((angleDeg % 360) + 360) % 360;
        return ((int)Math.Floor((a + 22.5) / 45) % 8) switch
        {
            0 => "left",
            1 => "back, left",
            2 => "back",
            3 => "back, right",
            4 => "right",
            5 => "front, right",
            6 => "front",
            _ => "front, left",
        };
    }

    public string Describe() => $"{Side}, {FromHeadEndCm:0} cm from the head end of the phantom";
}
