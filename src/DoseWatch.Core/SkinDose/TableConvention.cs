using DoseWatch.Core.Domain;

namespace DoseWatch.Core.SkinDose;

/// <summary>
/// How one device family's reported table positions and positioner angles map onto the calculation's coordinates
/// (x: patient's left, y: down, z: towards the head, origin at the isocentre; the table's head end at z = table
/// position). The RDSR says where the table is in the device's own frame but not where that frame's zero is, nor
/// which way each axis runs, so a map is only computed for devices whose convention is known. The conventions are
/// PySkinDose 25.1.1's (normalization_settings.json), measured by its authors on these units.
/// </summary>
public sealed record TableConvention(
    string Manufacturer,
    IReadOnlyList<string> Models,
    double OffsetXCm, double OffsetYCm, double OffsetZCm,
    int SignX, int SignY, int SignZ,
    int SignPrimaryAngle, int SignSecondaryAngle,
    FieldSizeSource FieldSize)
{
    /// <summary>Siemens AXIOM-Artis (Artis zee reports this model name): table position = isocentre offset, field from the collimated field area.</summary>
    public static readonly TableConvention SiemensAxiomArtis = new("Siemens", ["AXIOM-Artis"], 0, 0, 0, +1, +1, +1, +1, +1, FieldSizeSource.CollimatedFieldArea);

    /// <summary>Philips Allura Clarity: table zero away from the isocentre, height counted upwards, secondary angle reversed, field from the shutters.</summary>
    public static readonly TableConvention PhilipsAlluraClarity = new("Philips", ["Allura Clarity"], -0.3, 105.5, -173.35, +1, -1, +1, +1, -1, FieldSizeSource.Shutters);

    public static readonly IReadOnlyList<TableConvention> Known = [SiemensAxiomArtis, PhilipsAlluraClarity];

    /// <summary>The convention for a device, matched as PySkinDose does (manufacturer and model, case-insensitive); null when none is known.</summary>
    public static TableConvention? For(DeviceIdentity device) =>
        Known.FirstOrDefault(c => string.Equals(c.Manufacturer, device.Manufacturer?.Trim(), StringComparison.OrdinalIgnoreCase)
            && c.Models.Any(m => string.Equals(m, device.Model?.Trim(), StringComparison.OrdinalIgnoreCase)));

    /// <summary>
    /// Table translation in calculation coordinates (cm). As in PySkinDose, the RDSR's "longitudinal" position moves the
    /// patient along x and its "lateral" position along z: these devices report them that way round.
    /// </summary>
    public (double X, double Y, double Z) TableTranslationCm(ProjectionGeometry g) => (
        OffsetXCm + SignX * g.TableLongitudinalPositionMm!.Value / 10,
        OffsetYCm + SignY * g.TableHeightPositionMm!.Value / 10,
        OffsetZCm + SignZ * g.TableLateralPositionMm!.Value / 10);
}

/// <summary>Where the field size at the detector comes from.</summary>
public enum FieldSizeSource
{
    /// <summary>A square with the reported Collimated Field Area (TID 10003B): only the area is known, not its shape.</summary>
    CollimatedFieldArea,
    /// <summary>The collimator shutters (vendor private), projected from 100 cm to the detector: the field's two sides.</summary>
    Shutters,
}
