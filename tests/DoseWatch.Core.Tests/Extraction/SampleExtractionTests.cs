using System.Text.Json;
using DoseWatch.Core.Domain;
using DoseWatch.Core.Extraction;
using DoseWatch.Dicom;
using DoseWatch.Tests;

namespace DoseWatch.Core.Tests.Extraction;

/// <summary>
/// "Numbers are facts": for every sample in ../shared/samples, each value DoseWatch extracts equals what an independent
/// pydicom walk of the same file (independent/read_dose.py, run now) reports, after explicit unit conversion with the
/// tests' own unit table. Absent in the file means null in DoseWatch.
/// </summary>
public sealed class SampleExtractionTests
{
    public static IEnumerable<object[]> Samples() => SharedSamples.All().Select(p => new object[] { p });

    [SamplesTheory]
    [MemberData(nameof(Samples))]
    public void Extracted_values_equal_an_independent_pydicom_reading(string sample)
    {
        var path = SharedSamples.Path_(sample);
        var expected = IndependentReading.Of(path);
        var result = DoseExtractor.Extract(DicomReader.ReadFile(path));
        var check = new Comparison();

        Assert.Equal(expected.Text("sopInstanceUid"), result.Instance.SopInstanceUid);
        switch (expected.RootConcept)
        {
            case ("113701", "DCM") when IsCt(expected):
                CheckStudy(expected, result, check);
                CtChecks.Events(expected, result, check);
                CtChecks.Accumulated(expected, result, check);
                break;
            case ("113701", "DCM"):
                CheckStudy(expected, result, check);
                ProjectionChecks.Events(expected, result, check);
                ProjectionChecks.Accumulated(expected, result, check);
                break;
            case ("113500", "DCM"):
                CheckStudy(expected, result, check);
                RadiopharmaceuticalChecks.Events(expected, result, check);
                break;
            case ("C-10", "99SMS_RADSUM"):
                CheckStudy(expected, result, check);
                VendorSummaryChecks.SiemensRadiationSummary(expected, result, check);
                break;
            case { } other:
                Assert.Equal(ExtractionKind.NotADoseObject, result.Kind);
                Assert.Contains(other.Code, result.NotADoseObjectReason);
                Assert.Empty(result.Events);
                return;
            default:
                ImageChecks.Image(expected, result, check);
                if (result.Kind == ExtractionKind.NotADoseObject) return;
                CheckStudy(expected, result, check);
                break;
        }
        Assert.Equal(ExtractionKind.DoseObject, result.Kind);
        Assert.True(check.Count > 0, $"{sample}: no value was compared");
    }

    private static bool IsCt(IndependentReading r) => r.Text("templateId") switch
    {
        "10011" => true,
        "10001" => false,
        _ => r.Root.GetProperty("events").EnumerateArray().Any(e => e.GetProperty("container").GetProperty("code").GetString() == "113819"),
    };

    private static void CheckStudy(IndependentReading expected, ExtractionResult result, Comparison check)
    {
        Assert.NotNull(result.Study);
        var s = result.Study!;
        check.Text(expected.Text("studyInstanceUid"), s.StudyInstanceUid, "Study Instance UID");
        check.TextIfPresent(expected.Text("accessionNumber"), s.AccessionNumber, "Accession Number");
        check.TextIfPresent(expected.Text("studyDescription"), s.StudyDescription, "Study Description");
        check.TextIfPresent(expected.Text("manufacturer"), s.Device.Manufacturer, "Manufacturer");
        check.TextIfPresent(expected.Text("model"), s.Device.Model, "Manufacturer's Model Name");
        check.TextIfPresent(expected.Text("stationName"), s.Device.StationName, "Station Name");
        check.TextIfPresent(expected.Text("serialNumber"), s.Device.SerialNumber, "Device Serial Number");
        check.TextIfPresent(expected.Text("patientSex"), s.Patient.Sex, "Patient's Sex");
        check.TextIfPresent(expected.Text("patientAge"), s.Patient.Age, "Patient's Age");
        check.Text(expected.Text("requestedProcedure"), s.RequestedProcedure, "Requested Procedure Description");
        if (expected.Text("studyDate") is { Length: 8 } da)
            check.Text(da, s.StudyDate?.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture), "Study Date");
        if (expected.Numbers("patientWeight") is [> 0 and var w, ..]) check.Number(w, s.Patient.WeightKg, "Patient's Weight");
    }
}

/// <summary>Counts comparisons so that a test that compared nothing fails instead of passing vacuously.</summary>
public sealed class Comparison
{
    public int Count { get; private set; }

    public void Number(double? expected, double? actual, string what)
    {
        TestUnits.Equal(expected, actual, what);
        Count++;
    }

    /// <summary>A NUM item (or its absence) against DoseWatch's value in <paramref name="canonical"/>.</summary>
    public void Num(JsonElement? item, string canonical, double? actual, string what)
    {
        double? expected = null;
        if (item is { } i && i.Num() is { Values: [var first, ..] } num) expected = TestUnits.ToCanonical(first, num.Unit, canonical);
        Number(expected, actual, what);
    }

    public void Text(string? expected, string? actual, string what)
    {
        Assert.True(expected == actual, $"{what}: expected '{expected}', DoseWatch has '{actual}'");
        Count++;
    }

    public void TextIfPresent(string? expected, string? actual, string what)
    {
        if (expected is not null) Text(expected, actual, what);
    }

    /// <summary>A CODE item (or its absence): DoseWatch holds the code as sent or its SCT equivalent per pydicom's mapping.</summary>
    public void Code(JsonElement? item, ConceptCode? actual, string what)
    {
        var acceptable = item?.AcceptableCodes() ?? [];
        Assert.True(acceptable.Count == 0 == actual is null, $"{what}: expected {string.Join(" or ", acceptable)}, DoseWatch has {actual}");
        if (actual is not null)
            Assert.True(acceptable.Contains((actual.Value, actual.Scheme)), $"{what}: expected {string.Join(" or ", acceptable)}, DoseWatch has {actual}");
        Count++;
    }
}
