using System.Text.Json;
using DoseWatch.Dicom.Tests.IO;
using DoseWatch.Tests;

namespace DoseWatch.Cli.Tests.Support;

/// <summary>
/// pydicom 2.3.1's reading of dose objects, by the extraction suite's independent script
/// (tests/DoseWatch.Core.Tests/independent/read_dose.py): per irradiation event, every NUM with its values and UCUM
/// unit, CODE, TEXT and UIDREF, found by code value and scheme. One python process reads all the files.
/// </summary>
internal static class PydicomReading
{
    public static IReadOnlyDictionary<string, JsonElement> Read(IReadOnlyList<string> files)
    {
        var script = Path.Combine(SharedSamples.RepositoryRoot, "tests", "DoseWatch.Core.Tests", "independent", "read_dose.py");
        // Two paths so that the script always answers with one object keyed by path.
        var run = ExternalTool.Run(ExternalTool.DebianPython, [script, .. files, .. files.Count == 1 ? files : []]);
        Assert.True(run.ExitCode == 0, $"read_dose.py failed: {run.StdErr}");
        using var doc = JsonDocument.Parse(run.StdOut);
        return doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
    }

    /// <summary>The events of one reading, each as (concept code, scheme) → item, first occurrence of a concept wins.</summary>
    public static List<Dictionary<(string Code, string Scheme), JsonElement>> Events(JsonElement reading) =>
        reading.GetProperty("events").EnumerateArray().Select(e =>
        {
            var items = new Dictionary<(string, string), JsonElement>();
            foreach (var item in e.GetProperty("items").EnumerateArray())
            {
                if (item.GetProperty("concept").ValueKind != JsonValueKind.Object) continue;
                var c = item.GetProperty("concept");
                items.TryAdd((c.GetProperty("code").GetString()!, c.GetProperty("scheme").GetString()!), item);
            }
            return items;
        }).ToList();

    /// <summary>
    /// A NUM item's first value converted to DoseWatch's canonical unit: the factor is chosen from the UCUM unit pydicom
    /// read, and a unit the test does not know fails the test rather than being assumed.
    /// </summary>
    public static double? Canonical(Dictionary<(string, string), JsonElement> ev, string code, string canonicalUnit)
    {
        if (!ev.TryGetValue((code, "DCM"), out var item)) return null;
        var values = item.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToList();
        if (values.Count == 0) return null;
        var unit = item.GetProperty("unit").GetString();
        var factor = (unit, canonicalUnit) switch
        {
            _ when unit == canonicalUnit => 1.0,
            ("Gy.m2", "Gy.cm2") => 1e4,
            ("ms", "s") => 1e-3,
            ("Gym2", "Gy.cm2") => 1e4, // Siemens' non-UCUM spelling of Gy.m2
            _ => throw new Xunit.Sdk.XunitException($"{code}: unit {unit}, no conversion to {canonicalUnit} known to the test"),
        };
        return values[0] * factor;
    }

    public static string? Text(Dictionary<(string, string), JsonElement> ev, string code) =>
        ev.TryGetValue((code, "DCM"), out var item) ? item.GetProperty("text").GetString() : null;

    public static (string Code, string Scheme)? Code(Dictionary<(string, string), JsonElement> ev, string code) =>
        ev.TryGetValue((code, "DCM"), out var item) && item.GetProperty("value") is { ValueKind: JsonValueKind.Object } v
            ? (v.GetProperty("code").GetString()!, v.GetProperty("scheme").GetString()!)
            : null;

    /// <summary>Equal to 1e-9 relative: both sides parse the same DS text, so any larger difference is a defect.</summary>
    public static void AssertSame(double? expected, double? actual, string what)
    {
        if (expected is null) { Assert.True(actual is null, $"{what}: expected no value, DoseWatch has {actual}"); return; }
        Assert.True(actual is { } a && Math.Abs(expected.Value - a) <= 1e-9 * Math.Max(1, Math.Abs(expected.Value)), $"{what}: independent reading {expected}, DoseWatch {actual}");
    }
}
