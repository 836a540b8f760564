namespace DoseWatch.Core.Domain;

/// <summary>
/// The beam and table geometry of one projection X-ray irradiation event as TID 10003 reports it (positioner angles,
/// table positions and angles, distances, collimated field) plus the added filtration per material, in the units named.
/// Positions are in the device's own table coordinates: what "0" means differs between vendors, so a skin dose
/// calculation needs the device's convention besides these numbers. Null means "not reported".
/// </summary>
public sealed record ProjectionGeometry
{
    public double? PositionerPrimaryAngleDeg { get; init; }
    public double? PositionerSecondaryAngleDeg { get; init; }
    public double? TableLongitudinalPositionMm { get; init; }
    public double? TableLateralPositionMm { get; init; }
    public double? TableHeightPositionMm { get; init; }
    public double? TableHeadTiltAngleDeg { get; init; }
    public double? TableHorizontalRotationAngleDeg { get; init; }
    public double? TableCradleTiltAngleDeg { get; init; }
    public double? DistanceSourceToDetectorMm { get; init; }
    public double? DistanceSourceToIsocenterMm { get; init; }
    public double? DistanceSourceToReferencePointMm { get; init; }
    public double? CollimatedFieldAreaM2 { get; init; }
    public double? CollimatedFieldHeightMm { get; init; }
    public double? CollimatedFieldWidthMm { get; init; }

    /// <summary>Added copper filtration (mean of the reported minimum and maximum thickness); 0 when filters are reported without copper.</summary>
    public double? CopperFilterMm { get; init; }

    /// <summary>Added aluminium filtration, as <see cref="CopperFilterMm"/>.</summary>
    public double? AluminiumFilterMm { get; init; }

    /// <summary>
    /// Collimator shutter positions (distance of each shutter edge from the central ray, projected to 100 cm from the
    /// source) where a vendor reports them in its private codes (Philips Allura, 99PHI-IXR-XPER); the field size they give
    /// is more faithful than a square of the collimated field area.
    /// </summary>
    public double? LeftShutterMm { get; init; }
    public double? RightShutterMm { get; init; }
    public double? TopShutterMm { get; init; }
    public double? BottomShutterMm { get; init; }

    /// <summary>True when the event reports none of these values.</summary>
    public bool IsEmpty => this == Empty;

    public static readonly ProjectionGeometry Empty = new();
}
