using System.Text.Json;
using DoseWatch.Dicom.Sr;
using DoseWatch.Dicom.Sr.Codes;
using DoseWatch.Tests;

namespace DoseWatch.Dicom.Tests.Sr;

/// <summary>
/// For every shared sample, pydicom (sr_walk.py, one python process for all files, at test time) says whether it is
/// an SR (SOP class 1.2.840.10008.5.1.4.1.1.88.*); for each SR our content tree gives, in document order, the same
/// (concept code value, scheme, value, units code) entries as pydicom's walk. NUM values are compared numerically.
/// Normalised difference: PNAME values lose trailing '=' on our side (pydicom's PersonName drops trailing empty
/// component groups; PS3.5 §6.2.1 makes them insignificant).
/// </summary>
public class SrConformanceTests
{
    public static TheoryData<string> Samples() => new(SharedSamples.All());

    private static readonly Lazy<JsonElement> Pydicom = new(() =>
        PythonReference.Run("Sr/sr_walk.py", SharedSamples.All().Select(SharedSamples.Path_)));

    [SamplesTheory]
    [MemberData(nameof(Samples))]
    public void Content_tree_entries_equal_a_pydicom_walk(string sample)
    {
        var path = SharedSamples.Path_(sample);
        var reference = Pydicom.Value.GetProperty(path);
        var dataSet = DicomReader.ReadFile(path, new DicomReadOptions { StopBeforePixelData = true }).DataSet;
        var document = SrDocument.From(dataSet);
        Assert.Equal(reference.GetProperty("sop_class").GetString(), document.SopClassUid ?? "");
        if (reference.GetProperty("items").ValueKind == JsonValueKind.Null)
        {
            Assert.False(document.IsStructuredReportSopClass);
            return;
        }
        Assert.True(document.IsStructuredReportSopClass);
        Assert.Equal(reference.GetProperty("template").GetString(), document.TemplateIdentifier);
        var theirs = reference.GetProperty("items").EnumerateArray().ToList();
        var ours = new[] { document.Root }.Concat(document.Root.Descendants()).ToList();
        for (var i = 0; i < Math.Min(theirs.Count, ours.Count); i++)
            AssertSameEntry(theirs[i], ours[i], $"{sample} item {i}");
        Assert.Equal(theirs.Count, ours.Count);
    }

    private static void AssertSameEntry(JsonElement theirs, ContentItem ours, string where)
    {
        Assert.True(theirs[0].GetString() == ours.ConceptName?.CodeValue, $"{where}: concept {theirs[0]} vs {ours.ConceptName}");
        Assert.True(theirs[1].GetString() == ours.ConceptName?.CodingSchemeDesignator, $"{where}: scheme {theirs[1]} vs {ours.ConceptName}");
        Assert.True(theirs[3].GetString() == ours.MeasuredValue?.Units?.CodeValue, $"{where}: units {theirs[3]} vs {ours.MeasuredValue?.Units}");
        var value = theirs[2];
        switch (ours.ValueType)
        {
            case SrValueType.Num:
                var expected = value.EnumerateArray().Select(v => v.GetDouble()).ToArray();
                var actual = ours.MeasuredValue!.Values;
                Assert.True(expected.Length == actual.Count && expected.Zip(actual).All(p => SameNumber(p.First, p.Second)),
                    $"{where}: NUM {string.Join('\\', expected)} vs {string.Join('\\', actual)}");
                break;
            case SrValueType.Image or SrValueType.Composite or SrValueType.Waveform:
                Assert.Equal(value.EnumerateArray().Select(v => v.GetString()), ours.ReferencedSops.Select(r => r.SopInstanceUid ?? ""));
                break;
            default:
                Assert.True(value.ValueKind == JsonValueKind.Null ? OurText(ours) is null : value.GetString() == OurText(ours),
                    $"{where}: {ours.ValueType} {value} vs {OurText(ours)}");
                break;
        }
    }

    private static bool SameNumber(double a, double b) => a == b || Math.Abs(a - b) <= 1e-12 * Math.Max(Math.Abs(a), Math.Abs(b));

    private static string? OurText(ContentItem item) => item.ValueType switch
    {
        SrValueType.Code => item.Code is { } c ? $"{c.CodeValue}|{c.CodingSchemeDesignator}" : null,
        SrValueType.Text => item.Text,
        SrValueType.PName => item.DataSet.GetString(SrTags.PersonName)?.TrimEnd('='),
        SrValueType.UidRef => item.Uid,
        SrValueType.DateTime => item.DataSet.GetString(SrTags.DateTime),
        SrValueType.Date => item.DataSet.GetString(SrTags.Date),
        SrValueType.Time => item.DataSet.GetString(SrTags.Time),
        _ => null,
    };

    [SamplesFact]
    public void Every_ucum_unit_constant_is_used_by_a_sample_or_known_to_pydicom()
    {
        var unitsInSamples = Pydicom.Value.EnumerateObject()
            .Where(f => f.Value.GetProperty("items").ValueKind == JsonValueKind.Array)
            .SelectMany(f => f.Value.GetProperty("items").EnumerateArray())
            .Select(e => e[3].GetString()).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var units = typeof(UcumUnits).GetFields().Select(f => (CodedConcept)f.GetValue(null)!).ToList();
        var request = JsonSerializer.Serialize(new { concepts = units.Select(u => new[] { "UCUM", u.CodeValue }), legacy = Array.Empty<string>() });
        var known = PythonReference.Run("Sr/codes_check.py", [request]).GetProperty("concepts");
        foreach (var u in units)
            Assert.True(unitsInSamples.Contains(u.CodeValue) || known.GetProperty($"UCUM|{u.CodeValue}").ValueKind != JsonValueKind.Null,
                $"unit {u.CodeValue} is neither in a sample nor in pydicom's UCUM codes");
    }
}
