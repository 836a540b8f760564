using DoseWatch.Core.Domain;

namespace DoseWatch.Core.Tests.Extraction;

/// <summary>Image-header objects: the values pydicom reads from the header, in the units PS3.3 defines for each attribute.</summary>
internal static class ImageChecks
{
    private static readonly string[] DoseKeywords = ["CTDIvol", "ImageAndFluoroscopyAreaDoseProduct", "OrganDose", "EntranceDoseInmGy", "EntranceDose", "KVP", "SAR", "MechanicalIndex"];

    public static void Image(IndependentReading expected, ExtractionResult result, Comparison check)
    {
        var doseItems = expected.ExposureDoseItems;
        if (doseItems.Count > 0 && expected.HeaderText("ImageType")?.Contains("DOSE_INFO") == true)
        {
            PhilipsDoseInfo(expected, result, check);
            return;
        }
        if (expected.Root.TryGetProperty("radiopharmaceuticals", out var administrations) && administrations.GetArrayLength() > 0)
        {
            NuclearChecks.Administrations(expected, administrations.EnumerateArray().ToList(), result, check);
            return;
        }
        var hasDoseAttributes = DoseKeywords.Any(k => expected.Header.TryGetProperty(k, out _));
        if (!hasDoseAttributes)
        {
            Assert.Equal(ExtractionKind.NotADoseObject, result.Kind);
            Assert.False(string.IsNullOrEmpty(result.NotADoseObjectReason));
            return;
        }
        Assert.Equal(ExtractionKind.DoseObject, result.Kind);
        var ev = Assert.Single(result.Events);
        var modality = expected.Text("modality");
        check.Number(First(expected, "KVP", "kV", "kV"), ev.Kvp, "KVP (0018,0060)");
        check.Number(First(expected, "ImageAndFluoroscopyAreaDoseProduct", "dGy.cm2", "Gy.cm2"), ev.DapGyCm2, "DAP (0018,115E), dGy·cm²");
        check.Number(First(expected, "EntranceDoseInmGy", "mGy", "mGy") ?? First(expected, "EntranceDose", "dGy", "mGy"), ev.EntranceDoseMGy, "entrance dose");
        check.Number(First(expected, "ExposureIndex", "1", "1"), ev.ExposureIndex, "Exposure Index (0018,1411)");
        check.Number(First(expected, "TargetExposureIndex", "1", "1"), ev.TargetExposureIndex, "Target Exposure Index (0018,1412)");
        check.Number(First(expected, "DeviationIndex", "1", "1"), ev.DeviationIndex, "Deviation Index (0018,1413)");
        check.Number(First(expected, "ExposureInuAs", "uA.s", "mA.s") ?? First(expected, "Exposure", "mA.s", "mA.s"), ev.ExposureMAs, "exposure (mAs)");
        check.Number(First(expected, "ExposureTime", "ms", "s"), ev.ExposureTimeS, "Exposure Time (0018,1150), ms");
        check.Number(First(expected, "CTDIvol", "mGy", "mGy"), ev.CtdiVolMGy, "CTDIvol (0018,9345)");
        if (modality == "MG")
        {
            check.Number(First(expected, "OrganDose", "dGy", "mGy"), ev.AgdMGy, "Organ Dose (0040,0316) as AGD, dGy");
            check.Number(First(expected, "BodyPartThickness", "mm", "mm"), ev.CompressionThicknessMm, "compressed breast thickness");
            check.TextIfPresent(expected.HeaderText("ImageLaterality"), ev.Laterality, "Image Laterality");
        }
        if (expected.HeaderText("IrradiationEventUID") is { } uid) check.Text(uid, ev.EventUid, "Irradiation Event UID (0008,3010)");
    }

    private static void PhilipsDoseInfo(IndependentReading expected, ExtractionResult result, Comparison check)
    {
        var items = expected.ExposureDoseItems;
        Assert.Equal(ExtractionKind.DoseObject, result.Kind);
        Assert.Equal(items.Count, result.Events.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var ev = result.Events[i];
            double? Value(string keyword, string unit, string canonical) =>
                item.TryGetProperty(keyword, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.Array && v.GetArrayLength() > 0
                    ? TestUnits.ToCanonical(v[0].GetDouble(), unit, canonical) : null;
            check.Number(Value("CTDIvol", "mGy", "mGy"), ev.CtdiVolMGy, $"dose info item {i + 1} CTDIvol");
            check.Number(Value("KVP", "kV", "kV"), ev.Kvp, $"dose info item {i + 1} kVp");
            check.Number(Value("XRayTubeCurrentInuA", "uA", "mA"), ev.TubeCurrentMA, $"dose info item {i + 1} tube current (µA)");
            check.Number(Value("ExposureTime", "ms", "s"), ev.ExposureTimeS, $"dose info item {i + 1} exposure time (ms)");
            check.Number(Value("ScanLength", "mm", "mm"), ev.ScanLengthMm, $"dose info item {i + 1} scan length");
            check.Number(Value("SpiralPitchFactor", "1", "1"), ev.PitchFactor, $"dose info item {i + 1} pitch");
            // The private ELSCINT1 DLP has no unit; Philips displays it in mGy·cm (see PhilipsCtDoseInfoSecondaryCapture).
            double? dlp = item.TryGetProperty("ELSCINT1_21", out var d) ? double.Parse(d.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : null;
            check.Number(dlp, ev.DlpMGyCm, $"dose info item {i + 1} DLP (ELSCINT1 00E1,xx21)");
        }
    }

    private static double? First(IndependentReading expected, string keyword, string unit, string canonical) =>
        expected.HeaderNumbers(keyword) is [var v, ..] ? TestUnits.ToCanonical(v, unit, canonical) : null;
}

/// <summary>NM/PET images (issue #16 item 7): one administration per Radiopharmaceutical Information Sequence item.</summary>
internal static class NuclearChecks
{
    // PS3.3 C.8.9.2: the PET Isotope module gives Radionuclide Total Dose in Bq; C.8.4.10 (NM Isotope) in MBq.
    private static readonly string[] PetClasses = ["1.2.840.10008.5.1.4.1.1.128", "1.2.840.10008.5.1.4.1.1.130", "1.2.840.10008.5.1.4.1.1.128.1"];

    public static void Administrations(IndependentReading expected, IReadOnlyList<System.Text.Json.JsonElement> items, ExtractionResult result, Comparison check)
    {
        Assert.Equal(ExtractionKind.DoseObject, result.Kind);
        Assert.Equal(items.Count, result.Events.Count);
        var bqPerMBq = PetClasses.Contains(expected.Text("sopClassUid")) ? 1e6 : 1;
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var ev = result.Events[i];
            Assert.Equal(DoseSourceKind.NuclearImageHeader, ev.Source);
            var dose = item.GetProperty("totalDose").EnumerateArray().Select(v => v.GetDouble()).ToList();
            check.Number(dose.Count > 0 ? dose[0] / bqPerMBq : null, ev.AdministeredActivityMBq, $"administration {i + 1}: Radionuclide Total Dose (0018,1074)");
            check.Text(Meaning(item, "agent") ?? Text(item, "radiopharmaceutical"), ev.RadiopharmaceuticalAgent, $"administration {i + 1}: radiopharmaceutical");
            CodeMatches(item, "radionuclide", ev.Radionuclide, $"administration {i + 1}: radionuclide");
            CodeMatches(item, "route", ev.Route, $"administration {i + 1}: route");
            if (Text(item, "administrationUid") is { } uid) check.Text(uid, ev.EventUid, $"administration {i + 1}: Radiopharmaceutical Administration Event UID (0008,3012)");
            // The start as the device's clock wrote it: the DT, else the TM on the Series Date (or Study Date).
            var start = Text(item, "startDateTime") ?? (Text(item, "startTime") is { } tm ? (expected.Text("seriesDate") ?? expected.Text("studyDate")) + tm : null);
            check.Text(start is null ? null : Clock(start), ev.AdministeredAt?.DateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture), $"administration {i + 1}: start");
        }
    }

    private static string Clock(string dt)
    {
        var digits = dt.Split('+', '-')[0];
        var whole = System.DateTime.ParseExact(digits[..14], "yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
        var fraction = digits.Length > 15 ? double.Parse("0" + digits[14..], System.Globalization.CultureInfo.InvariantCulture) : 0;
        return whole.AddTicks((long)Math.Round(fraction * TimeSpan.TicksPerSecond)).ToString("yyyy-MM-dd HH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string? Text(System.Text.Json.JsonElement item, string name) =>
        item.TryGetProperty(name, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.String ? v.GetString() : null;

    private static string? Meaning(System.Text.Json.JsonElement item, string name) =>
        item.GetProperty(name) is { ValueKind: System.Text.Json.JsonValueKind.Object } code ? Text(code, "meaning") : null;

    private static void CodeMatches(System.Text.Json.JsonElement item, string name, ConceptCode? actual, string what)
    {
        if (item.GetProperty(name) is not { ValueKind: System.Text.Json.JsonValueKind.Object } code)
        {
            Assert.Null(actual);
            return;
        }
        var acceptable = new List<(string?, string?)> { (Text(code, "code"), Text(code, "scheme")) };
        if (Text(code, "sct") is { } sct) acceptable.Add((sct, "SCT"));
        Assert.True(actual is not null && acceptable.Contains((actual.Value, actual.Scheme)), $"{what}: expected {string.Join(" or ", acceptable)}, DoseWatch has {actual}");
    }
}
