using DoseWatch.Core.Domain;

namespace DoseWatch.Core.SkinDose;

/// <summary>How a study's skin dose figure was obtained.</summary>
public enum SkinDoseMethod
{
    /// <summary>Computed on the phantom from every event's beam geometry: a map and its peak.</summary>
    Map,
    /// <summary>The geometry needed for a map is missing or unusable: only the dose at the reference point, labelled as such.</summary>
    ReferencePointDose,
}

/// <summary>
/// The outcome for one fluoroscopy dose report: either a map (peak skin dose and where) or the dose at the reference
/// point with the reason a map could not be computed. Never both, never a map from partial geometry.
/// </summary>
public sealed record SkinDoseResult(
    SkinDoseMethod Method,
    double? PeakSkinDoseGy,
    SkinLocation? PeakLocation,
    double? ReferencePointDoseGy,
    int EventCount,
    string? NotComputedReason,
    SkinDoseMap? Map,
    string? Model,
    int EventsMissingSkin = 0)
{
    public static SkinDoseResult NotComputed(string reason, double? referencePointDoseGy, int events) =>
        new(SkinDoseMethod.ReferencePointDose, null, null, referencePointDoseGy, events, reason, null, null);
}

/// <summary>
/// Peak skin dose and skin dose map of a fluoroscopy procedure, by the method PySkinDose publishes (Hellström et al.):
/// for each irradiation event a pyramid beam from the source through the collimated field, placed by the positioner
/// angles and the table position; each skin cell of the phantom inside the beam and facing the source gets the event's
/// air kerma at the reference point × inverse square (reference point → cell) × backscatter (beam quality, field size
/// at the cell) × water/air energy absorption × table and pad transmission (when the ray crosses the table).
/// Cell doses add over the events; the peak is the largest cell.
/// </summary>
public static class SkinDoseCalculator
{
    /// <summary>The interventional reference point: 15 cm from the isocentre towards the source (IEC 60601-2-43), used when the event reports no distance to it.</summary>
    private const double ReferencePointFromIsocentreCm = 15;

    public static SkinDoseResult Calculate(DeviceIdentity device, IReadOnlyList<IrradiationEvent> events, SkinDoseSettings settings)
    {
        var referencePointDose = events.Any(e => e.DoseRpGy is not null) ? events.Sum(e => e.DoseRpGy ?? 0) : (double?)null;
        if (events.Count == 0) return SkinDoseResult.NotComputed("the report has no irradiation events", referencePointDose, 0);
        var convention = TableConvention.For(device);
        if (convention is null)
            return SkinDoseResult.NotComputed(
                $"the table coordinate convention of {Describe(device)} is not known (where its table position zero lies and which way its axes run), so the beam cannot be placed on the patient",
                referencePointDose, events.Count);
        var beams = new List<EventBeam>(events.Count);
        var missing = new SortedSet<string>(StringComparer.Ordinal);
        var incomplete = 0;
        foreach (var e in events)
        {
            var beam = EventBeam.From(e, convention, settings, missing);
            if (beam is null) incomplete++;
            else beams.Add(beam);
        }
        if (incomplete > 0)
            return SkinDoseResult.NotComputed(
                $"{incomplete} of {events.Count} irradiation events lack {string.Join(", ", missing)}", referencePointDose, events.Count);

        var phantom = CylinderPhantom.Create(settings);
        var dose = new double[phantom.Count];
        var missedSkin = beams.Count(beam => !beam.AddDose(phantom, settings, dose));
        if (missedSkin == beams.Count)
            return SkinDoseResult.NotComputed(
                $"no event's beam reaches the phantom's skin (the field lies beyond the {settings.CylinderLengthCm:0} cm phantom or between its cells), so a peak skin dose cannot be estimated on it",
                referencePointDose, events.Count);
        var map = new SkinDoseMap(phantom.Rings, phantom.Sectors, settings.RingSpacingCm, settings.SectorStepRad, dose.Select(d => (float)(d / 1000)).ToArray());
        var (_, ring, sector) = map.Peak();
        // The float map is for drawing; the peak keeps double precision.
        var peakMGy = dose.Max();
        var angleDeg = sector * settings.SectorStepRad * 180 / Math.PI;
        var location = new SkinLocation(ring * settings.RingSpacingCm, angleDeg, SkinLocation.SideOf(angleDeg));
        return new SkinDoseResult(SkinDoseMethod.Map, peakMGy / 1000, location, referencePointDose,
            events.Count, null, map, settings.Describe(), missedSkin);
    }

    private static string Describe(DeviceIdentity device) =>
        string.Join(" ", new[] { device.Manufacturer, device.Model }.Where(s => !string.IsNullOrWhiteSpace(s))) is { Length: > 0 } name ? name : "this device (no manufacturer or model reported)";

    /// <summary>The skin cells of the elliptic cylinder, placed on the pad with the table at zero, and their outward normals.</summary>
    private sealed class CylinderPhantom
    {
        public required int Rings { get; init; }
        public required int Sectors { get; init; }
        public required double[] X { get; init; }
        public required double[] Y { get; init; }
        public required double[] Z { get; init; }
        public required double[] NormalX { get; init; }
        public required double[] NormalY { get; init; }
        public int Count => X.Length;

        public static CylinderPhantom Create(SkinDoseSettings s)
        {
            // As PySkinDose's "sparse" cylinder: angles 0, 0.1, ... below 2π; rings every cm over the length plus two.
            var sectors = (int)Math.Ceiling(2 * Math.PI / s.SectorStepRad - 1e-9);
            var rings = (int)Math.Round((s.CylinderLengthCm + 2) / s.RingSpacingCm);
            var n = rings * sectors;
            var p = new CylinderPhantom
            {
                Rings = rings, Sectors = sectors,
                X = new double[n], Y = new double[n], Z = new double[n], NormalX = new double[n], NormalY = new double[n],
            };
            double a = s.CylinderSemiAxisWidthCm, b = s.CylinderSemiAxisThicknessCm;
            for (var ring = 0; ring < rings; ring++)
            for (var k = 0; k < sectors; k++)
            {
                var t = k * s.SectorStepRad;
                var i = ring * sectors + k;
                p.X[i] = a * Math.Cos(t);
                // Lowest point (t = 90°) resting on the pad, which lies on the table top at y = 0 (y points down).
                p.Y[i] = b * Math.Sin(t) - b - s.PadThicknessCm;
                p.Z[i] = -ring * s.RingSpacingCm;
                // Outward normal of the ellipse (only its direction matters: entrance cells face the source).
                p.NormalX[i] = Math.Cos(t) / a;
                p.NormalY[i] = Math.Sin(t) / b;
            }
            return p;
        }
    }

    /// <summary>One event's beam in calculation coordinates (cm, isocentre at the origin) with its dose and beam quality.</summary>
    private sealed class EventBeam
    {
        private readonly double[] _source = new double[3];
        private readonly double[][] _faceNormals = new double[4][];
        private double _tableX, _tableY, _tableZ;
        private double _sourceToDetectorCm, _sourceToReferencePointCm, _fieldAreaAtDetectorCm2;
        private double _kermaMGy, _kvp, _hvl;

        public static EventBeam? From(IrradiationEvent e, TableConvention convention, SkinDoseSettings settings, ISet<string> missing)
        {
            var g = e.Geometry ?? ProjectionGeometry.Empty;
            var complete = true;
            void Need(object? value, string what)
            {
                if (value is not null) return;
                complete = false;
                missing.Add(what);
            }
            Need(e.DoseRpGy, "dose at the reference point");
            Need(e.Kvp, "kVp");
            Need(g.PositionerPrimaryAngleDeg, "positioner primary angle");
            Need(g.PositionerSecondaryAngleDeg, "positioner secondary angle");
            Need(g.TableLongitudinalPositionMm, "table longitudinal position");
            Need(g.TableLateralPositionMm, "table lateral position");
            Need(g.TableHeightPositionMm, "table height position");
            Need(g.DistanceSourceToDetectorMm, "distance source to detector");
            Need(g.DistanceSourceToIsocenterMm, "distance source to isocentre");
            if (convention.FieldSize == FieldSizeSource.Shutters)
            {
                Need(g.LeftShutterMm, "left shutter position");
                Need(g.RightShutterMm, "right shutter position");
                Need(g.TopShutterMm, "top shutter position");
                Need(g.BottomShutterMm, "bottom shutter position");
            }
            else Need(g.CollimatedFieldAreaM2, "collimated field area");
            var hvl = e.Kvp is { } kv ? BeamQuality.HalfValueLayerMmAl(kv, g.CopperFilterMm ?? 0, g.AluminiumFilterMm ?? 0) : null;
            if (e.Kvp is not null) Need(hvl, "a kVp within 25–175 kV (the half-value layer table's range)");
            if (!complete) return null;

            var beam = new EventBeam
            {
                _kermaMGy = e.DoseRpGy!.Value * 1000,
                _kvp = e.Kvp!.Value,
                _hvl = hvl!.Value,
                _sourceToDetectorCm = g.DistanceSourceToDetectorMm!.Value / 10,
            };
            var isocentreCm = g.DistanceSourceToIsocenterMm!.Value / 10;
            beam._sourceToReferencePointCm = g.DistanceSourceToReferencePointMm is { } rp ? rp / 10 : isocentreCm - ReferencePointFromIsocentreCm;
            (beam._tableX, beam._tableY, beam._tableZ) = convention.TableTranslationCm(g);
            var (fieldLongCm, fieldLatCm) = FieldAtDetectorCm(g, convention, beam._sourceToDetectorCm);
            beam._fieldAreaAtDetectorCm2 = fieldLongCm * fieldLatCm;
            var primary = convention.SignPrimaryAngle * g.PositionerPrimaryAngleDeg!.Value * Math.PI / 180;
            var secondary = convention.SignSecondaryAngle * g.PositionerSecondaryAngleDeg!.Value * Math.PI / 180;
            beam.Place(primary, secondary, isocentreCm, fieldLongCm, fieldLatCm);
            return beam;
        }

        /// <summary>The field's sides at the detector plane (longitudinal along x, lateral along z before rotation), in cm.</summary>
        private static (double LongCm, double LatCm) FieldAtDetectorCm(ProjectionGeometry g, TableConvention convention, double sourceToDetectorCm)
        {
            if (convention.FieldSize == FieldSizeSource.Shutters)
            {
                // Shutter distances are given at 100 cm from the source: scale them to the detector.
                var scale = sourceToDetectorCm / 100;
                return ((g.LeftShutterMm!.Value + g.RightShutterMm!.Value) / 10 * scale, (g.TopShutterMm!.Value + g.BottomShutterMm!.Value) / 10 * scale);
            }
            // A square of the collimated field area (stated at the detector plane), to 0.01 mm as PySkinDose rounds it.
            var side = Math.Round(Math.Sqrt(g.CollimatedFieldAreaM2!.Value) * 100, 3);
            return (side, side);
        }

        /// <summary>
        /// Source at (0, DSI, 0) below the isocentre, detector corners DSD above it, then rotated about x by the
        /// secondary angle and about z by the primary angle. The four face normals point out of the pyramid.
        /// </summary>
        private void Place(double primary, double secondary, double isocentreCm, double fieldLongCm, double fieldLatCm)
        {
            double[] Rotate(double x, double y, double z)
            {
                // Rx(secondary) then Rz(primary)
                var y1 = Math.Cos(secondary) * y - Math.Sin(secondary) * z;
                var z1 = Math.Sin(secondary) * y + Math.Cos(secondary) * z;
                return [Math.Cos(primary) * x - Math.Sin(primary) * y1, Math.Sin(primary) * x + Math.Cos(primary) * y1, z1];
            }
            var source = Rotate(0, isocentreCm, 0);
            Array.Copy(source, _source, 3);
            var y = isocentreCm - _sourceToDetectorCm;
            double[][] corners =
            [
                Rotate(+0.5 * fieldLongCm, y, +0.5 * fieldLatCm),
                Rotate(+0.5 * fieldLongCm, y, -0.5 * fieldLatCm),
                Rotate(-0.5 * fieldLongCm, y, -0.5 * fieldLatCm),
                Rotate(-0.5 * fieldLongCm, y, +0.5 * fieldLatCm),
            ];
            var rays = corners.Select(c => new[] { c[0] - source[0], c[1] - source[1], c[2] - source[2] }).ToArray();
            for (var i = 0; i < 4; i++) _faceNormals[i] = Cross(rays[i], rays[(i + 1) % 4]);
        }

        /// <summary>Adds the event's dose to the cells its beam enters; false when it enters none.</summary>
        public bool AddDose(CylinderPhantom phantom, SkinDoseSettings settings, double[] dose)
        {
            var hits = new List<int>();
            var distances = new List<double>();
            for (var i = 0; i < phantom.Count; i++)
            {
                double vx = phantom.X[i] + _tableX - _source[0], vy = phantom.Y[i] + _tableY - _source[1], vz = phantom.Z[i] + _tableZ - _source[2];
                var inside = true;
                foreach (var n in _faceNormals)
                    if (vx * n[0] + vy * n[1] + vz * n[2] > 0) { inside = false; break; }
                // Entrance cells only: the cell faces the source.
                if (!inside || vx * phantom.NormalX[i] + vy * phantom.NormalY[i] > 0) continue;
                hits.Add(i);
                distances.Add(Math.Sqrt(vx * vx + vy * vy + vz * vz));
            }
            if (hits.Count == 0) return false;

            var backscatter = BeamQuality.BackscatterByFieldSide(_kvp, _hvl);
            // Field area at each cell: the detector-plane area scaled by (source-cell / source-detector)², to 0.1 cm² as PySkinDose rounds it.
            var sides = distances.Select(d => Math.Sqrt(Math.Round(_fieldAreaAtDetectorCm2 * Math.Pow(d / _sourceToDetectorCm, 2), 1, MidpointRounding.ToEven))).ToList();
            var medium = BeamQuality.MediumCorrection(_kvp, _hvl, sides.Average());
            // The table is under the patient: only a source below the isocentre plane sends rays through it.
            var belowTable = _source[1] >= 0;
            for (var h = 0; h < hits.Count; h++)
            {
                var i = hits[h];
                var inverseSquare = Math.Pow(_sourceToReferencePointCm / distances[h], 2);
                var table = belowTable && CrossesTable(phantom.X[i] + _tableX, phantom.Y[i] + _tableY, phantom.Z[i] + _tableZ, settings)
                    ? settings.TableAndPadTransmission : 1;
                dose[i] += _kermaMGy * inverseSquare * medium * backscatter.At(sides[h]) * table;
            }
            return true;
        }

        /// <summary>Whether the line from the source to the cell passes through the table's underside (a rectangle at y = table height + thickness).</summary>
        private bool CrossesTable(double cx, double cy, double cz, SkinDoseSettings s)
        {
            var planeY = _tableY + s.TableThicknessCm;
            var dy = cy - _source[1];
            if (dy == 0) return false;
            var k = (planeY - _source[1]) / dy;
            var x = _source[0] + k * (cx - _source[0]);
            var z = _source[2] + k * (cz - _source[2]);
            return Math.Abs(x - _tableX) <= s.TableWidthCm / 2 && z <= _tableZ && z >= _tableZ - s.TableLengthCm;
        }

        private static double[] Cross(double[] a, double[] b) =>
            [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
    }
}
