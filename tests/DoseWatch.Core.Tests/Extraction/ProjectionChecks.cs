using System.Text.Json;
using DoseWatch.Core.Domain;

namespace DoseWatch.Core.Tests.Extraction;

internal static class ProjectionChecks
{
    public static void Events(IndependentReading expected, ExtractionResult result, Comparison check)
    {
        Assert.Equal(expected.Events.Count, result.Events.Count);
        for (var i = 0; i < result.Events.Count; i++)
        {
            var items = expected.Events[i];
            var ev = result.Events[i];
            var at = $"X-ray event {i + 1}";
            if (items.First("113769")?.TextValue() is { } uid) check.Text(uid, ev.EventUid, $"{at} Irradiation Event UID");
            check.Text(items.First("125203")?.TextValue(), ev.Protocol, $"{at} protocol");
            check.Code(items.First("113721"), ev.AcquisitionType, $"{at} irradiation event type");
            check.Num(items.First("122130"), "Gy.cm2", ev.DapGyCm2, $"{at} DAP");
            check.Num(items.First("113738"), "Gy", ev.DoseRpGy, $"{at} dose (RP)");
            check.Num(items.First("111631"), "mGy", ev.AgdMGy, $"{at} AGD");
            check.Num(items.First("111636"), "mGy", ev.EntranceDoseMGy, $"{at} entrance exposure at RP");
            check.Num(items.First("111633"), "mm", ev.CompressionThicknessMm, $"{at} compression thickness");
            check.Num(items.First("113845"), "1", ev.ExposureIndex, $"{at} exposure index");
            check.Num(items.First("113846"), "1", ev.TargetExposureIndex, $"{at} target exposure index");
            check.Num(items.First("113847"), "1", ev.DeviationIndex, $"{at} deviation index");
            check.Num(items.First("113791"), "1/s", ev.PulseRatePerS, $"{at} pulse rate");
            check.Num(items.First("113742"), "s", ev.IrradiationDurationS, $"{at} irradiation duration");
            check.Num(items.First("113824") ?? items.First("113735"), "s", ev.ExposureTimeS, $"{at} exposure time");
            check.Num(items.First("113736"), "mA.s", ev.ExposureMAs, $"{at} exposure");
            check.Num(items.First("113768"), "1", ev.NumberOfPulses, $"{at} number of pulses");
            check.Number(Mean(items.First("113793"), "ms"), ev.PulseWidthMs, $"{at} pulse width (mean over values)");
            check.Num(items.First("111634"), "mm", ev.HalfValueLayerMm, $"{at} half value layer");
            check.Num(items.First("111647"), "N", ev.CompressionForceN, $"{at} compression force");
            check.Text(items.First("111632")?.GetProperty("value").GetProperty("meaning").GetString(), ev.AnodeTarget, $"{at} anode target material");
            // kVp and tube current may hold one value per pulse: DoseWatch keeps their mean over the exposing (non-zero) pulses.
            check.Number(Mean(items.First("113733"), "kV"), ev.Kvp, $"{at} kVp (mean over values)");
            check.Number(Mean(items.First("113734"), "mA") ?? Mean(items.First("113767"), "mA"), ev.TubeCurrentMA, $"{at} tube current (mean over values)");
            Geometry(items, ev.Geometry ?? ProjectionGeometry.Empty, at, check);
        }
    }

    /// <summary>TID 10003 beam and table geometry (and Philips' private shutters, table height and final source-detector distance).</summary>
    private static void Geometry(IReadOnlyList<JsonElement> items, ProjectionGeometry g, string at, Comparison check)
    {
        JsonElement? Philips(string code) => items.FirstOrDefault(i =>
            i.GetProperty("concept") is { ValueKind: JsonValueKind.Object } c && c.GetProperty("code").GetString() == code && c.GetProperty("scheme").GetString() == "99PHI-IXR-XPER") is { ValueKind: JsonValueKind.Object } found ? found : null;
        check.Num(items.First("112011"), "deg", g.PositionerPrimaryAngleDeg, $"{at} positioner primary angle");
        check.Num(items.First("112012"), "deg", g.PositionerSecondaryAngleDeg, $"{at} positioner secondary angle");
        check.Num(items.First("113751"), "mm", g.TableLongitudinalPositionMm, $"{at} table longitudinal position");
        check.Num(items.First("113752"), "mm", g.TableLateralPositionMm, $"{at} table lateral position");
        check.Num(items.First("113753") ?? Philips("021"), "mm", g.TableHeightPositionMm, $"{at} table height position");
        check.Num(items.First("113754"), "deg", g.TableHeadTiltAngleDeg, $"{at} table head tilt angle");
        check.Num(items.First("113755"), "deg", g.TableHorizontalRotationAngleDeg, $"{at} table horizontal rotation angle");
        check.Num(items.First("113756"), "deg", g.TableCradleTiltAngleDeg, $"{at} table cradle tilt angle");
        check.Num(items.First("113750") ?? Philips("018"), "mm", g.DistanceSourceToDetectorMm, $"{at} distance source to detector");
        check.Num(items.First("113748"), "mm", g.DistanceSourceToIsocenterMm, $"{at} distance source to isocentre");
        check.Num(items.First("113737"), "mm", g.DistanceSourceToReferencePointMm, $"{at} distance source to reference point");
        check.Num(items.First("113790"), "m2", g.CollimatedFieldAreaM2, $"{at} collimated field area");
        check.Num(items.First("113788"), "mm", g.CollimatedFieldHeightMm, $"{at} collimated field height");
        check.Num(items.First("113789"), "mm", g.CollimatedFieldWidthMm, $"{at} collimated field width");
        check.Num(Philips("007"), "mm", g.LeftShutterMm, $"{at} left shutter");
        check.Num(Philips("008"), "mm", g.RightShutterMm, $"{at} right shutter");
        check.Num(Philips("009"), "mm", g.TopShutterMm, $"{at} top shutter");
        check.Num(Philips("006"), "mm", g.BottomShutterMm, $"{at} bottom shutter");
    }

    public static void Accumulated(IndependentReading expected, ExtractionResult result, Comparison check)
    {
        var containers = expected.Root.GetProperty("accumulations").EnumerateArray()
            .Where(c => c.GetProperty("container").GetProperty("code").GetString() == "113702")
            .Select(c => (IReadOnlyList<JsonElement>)c.GetProperty("items").EnumerateArray().ToList())
            .ToList();
        var allPlanes = containers.Where(c => c.First("113764")?.CodeValue()?.Code == "113890").ToList();
        var used = allPlanes.Count > 0 ? allPlanes : containers;
        var a = result.Accumulated;
        check.Number(Sum(used, "113722", "Gy.cm2"), a.DapTotalGyCm2, "Dose Area Product Total");
        check.Number(Sum(used, "113725", "Gy"), a.DoseRpTotalGy, "Dose (RP) Total");
        check.Number(Sum(used, "113726", "Gy.cm2"), a.FluoroDapTotalGyCm2, "Fluoro Dose Area Product Total");
        check.Number(Sum(used, "113728", "Gy"), a.FluoroDoseRpTotalGy, "Fluoro Dose (RP) Total");
        check.Number(Sum(used, "113727", "Gy.cm2"), a.AcquisitionDapTotalGyCm2, "Acquisition Dose Area Product Total");
        check.Number(Sum(used, "113729", "Gy"), a.AcquisitionDoseRpTotalGy, "Acquisition Dose (RP) Total");
        check.Number(Sum(used, "113730", "s"), a.FluoroTimeTotalS, "Total Fluoro Time");
        check.Number(Sum(used, "113855", "s"), a.AcquisitionTimeTotalS, "Total Acquisition Time");

        // Accumulated AGD per breast: each 111637 item is followed by its laterality modifier (path ends in 111637).
        double? left = null, right = null, total = null;
        foreach (var container in used)
            for (var i = 0; i < container.Count; i++)
            {
                if (!container[i].HasConcept("111637") || container[i].Num() is not { Values: [var v, ..] } num) continue;
                var mGy = TestUnits.ToCanonical(v, num.Unit, "mGy");
                if (mGy is null) continue;
                total = (total ?? 0) + mGy;
                var laterality = container.Skip(i + 1)
                    .TakeWhile(x => x.GetProperty("path").EnumerateArray().Last().GetString() == "111637")
                    .FirstOrDefault(x => x.HasConcept("272741003"));
                var side = laterality.ValueKind == JsonValueKind.Object ? laterality.CodeValue()?.Code : null;
                if (side is "80248007" or "7771000") left = (left ?? 0) + mGy;
                if (side is "73056007" or "24028007") right = (right ?? 0) + mGy;
            }
        check.Number(total, a.AgdTotalMGy, "Accumulated Average Glandular Dose (all)");
        check.Number(left, a.AgdLeftBreastMGy, "Accumulated Average Glandular Dose (left breast)");
        check.Number(right, a.AgdRightBreastMGy, "Accumulated Average Glandular Dose (right breast)");
    }

    private static double? Mean(JsonElement? item, string canonical)
    {
        if (item is not { } i || i.Num() is not { Values.Count: > 0 } num) return null;
        var converted = num.Values.Select(v => TestUnits.ToCanonical(v, num.Unit, canonical)).ToList();
        if (converted.Any(c => c is null)) return null;
        var exposing = converted.Where(c => c != 0).ToList();
        return exposing.Count > 0 ? exposing.Average(c => c!.Value) : 0;
    }

    private static double? Sum(IEnumerable<IReadOnlyList<JsonElement>> containers, string code, string canonical)
    {
        double? sum = null;
        foreach (var c in containers)
            if (c.First(code) is { } item && item.Num() is { Values: [var v, ..] } num && TestUnits.ToCanonical(v, num.Unit, canonical) is { } x)
                sum = (sum ?? 0) + x;
        return sum;
    }
}

internal static class RadiopharmaceuticalChecks
{
    public static void Events(IndependentReading expected, ExtractionResult result, Comparison check)
    {
        Assert.Equal(expected.Events.Count, result.Events.Count);
        for (var i = 0; i < result.Events.Count; i++)
        {
            var items = expected.Events[i];
            var ev = result.Events[i];
            check.Text(items.First("113503")?.TextValue(), ev.EventUid, "Administration Event UID");
            check.Num(items.First("113507"), "MBq", ev.AdministeredActivityMBq, "administered activity");
            check.Code(items.First("89457008"), ev.Radionuclide, "radionuclide");
            check.Code(items.First("410675002"), ev.Route, "route of administration");
            var agent = items.First("417881006") ?? items.First("349358000");
            check.Text(agent?.GetProperty("value").GetProperty("meaning").GetString(), ev.RadiopharmaceuticalAgent, "radiopharmaceutical agent");
            check.Num(items.First("113839"), "mSv", ev.ReportedEffectiveDoseMSv, "effective dose as reported");
        }
    }
}

internal static class VendorSummaryChecks
{
    public static void SiemensRadiationSummary(IndependentReading expected, ExtractionResult result, Comparison check)
    {
        Assert.Empty(result.Events);
        var tree = expected.Tree;
        check.Num(tree.First("C-204"), "Gy.cm2", result.Accumulated.DapTotalGyCm2, "cumulative dose area product (C-204)");
        check.Num(tree.First("C-202"), "s", result.Accumulated.FluoroTimeTotalS, "cumulative fluoro time (C-202)");
        check.Num(tree.First("C-210"), "Gy", result.Accumulated.DoseRpTotalGy, "cumulative air kerma (C-210)");
    }
}
