using System.Reflection;
using System.Text.Json;
using DoseWatch.Dicom.Sr.Codes;
using DoseWatch.Tests;

namespace DoseWatch.Dicom.Tests.Sr;

/// <summary>
/// The named code constants and the legacy SNOMED table are checked against pydicom's copy of PS3.16, obtained at
/// test time with codes_check.py: every DCM/SCT constant must exist with that scheme, DCM meanings must match
/// (ignoring case), and every SRT→SCT row must be the standard's mapping.
/// </summary>
public class CodeConstantsTests
{
    /// <summary>DCM meanings that differ between editions, with the reason.</summary>
    private static readonly Dictionary<string, string> KnownMeaningDifferences = new()
    {
        ["113930"] = "pydicom 2.3.1 says 'Size Specific Dose Estimation'; DCMTK/PS3.16-2022b say '...Estimate' (dose reference §5.3)",
    };

    private static IEnumerable<(string Name, CodedConcept Code)> Constants(Type holder) =>
        holder.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(CodedConcept))
            .Select(f => ($"{holder.Name}.{f.Name}", (CodedConcept)f.GetValue(null)!));

    private static readonly Type[] Holders = [typeof(CommonSrCodes), typeof(CtDoseCodes), typeof(ProjectionXRayDoseCodes), typeof(RadiopharmaceuticalDoseCodes)];

    [Fact]
    public void Every_dose_concept_constant_is_a_standard_code()
    {
        var constants = Holders.SelectMany(Constants).ToList();
        Assert.True(constants.Count > 150, "expected the code tables to be found by reflection");
        var request = JsonSerializer.Serialize(new
        {
            concepts = constants.Select(c => new[] { c.Code.CodingSchemeDesignator, c.Code.CodeValue }),
            legacy = Array.Empty<string>(),
        });
        var meanings = PythonReference.Run("Sr/codes_check.py", [request]).GetProperty("concepts");
        var problems = new List<string>();
        foreach (var (name, code) in constants)
        {
            var found = meanings.GetProperty($"{code.CodingSchemeDesignator}|{code.CodeValue}");
            if (found.ValueKind == JsonValueKind.Null) problems.Add($"{name} {code}: not in PS3.16 (pydicom)");
            else if (code.CodingSchemeDesignator == "DCM" && !KnownMeaningDifferences.ContainsKey(code.CodeValue)
                     && !string.Equals(found.GetString(), code.CodeMeaning, StringComparison.OrdinalIgnoreCase))
                problems.Add($"{name} {code}: PS3.16 meaning is '{found.GetString()}'");
        }
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    /// <summary>Constants deliberately not taken from the dose reference, with the reason.</summary>
    private static readonly Dictionary<string, string> NotInReference = new()
    {
        ["80248007"] = "left breast: laterality value of TID 10005 modifiers, from pydicom's CID 244/6022 only",
        ["73056007"] = "right breast: as above",
        ["7771000"] = "left: laterality value (CID 244), from pydicom only",
        ["24028007"] = "right: as above",
        ["113754"] = "Table Head Tilt Angle: TID 10003 table geometry for the skin dose map, from pydicom's PS3.16 only (checked above)",
        ["113755"] = "Table Horizontal Rotation Angle: as above",
        ["113756"] = "Table Cradle Tilt Angle: as above",
    };

    [SamplesFact]
    public void Every_constant_comes_from_the_dose_reference()
    {
        var reference = File.ReadAllText(Path.Combine(SharedSamples.SharedDirectory, "reference", "dicom-dose-reference.md"));
        var missing = Holders.SelectMany(Constants)
            .Where(c => !NotInReference.ContainsKey(c.Code.CodeValue))
            .Where(c => !System.Text.RegularExpressions.Regex.IsMatch(reference, $@"(?<![0-9A-Za-z]){System.Text.RegularExpressions.Regex.Escape(c.Code.CodeValue)}(?![0-9A-Za-z])"))
            .Select(c => $"{c.Name} {c.Code}").ToList();
        Assert.True(missing.Count == 0, "not in ../shared/reference/dicom-dose-reference.md: " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_legacy_snomed_row_is_the_standards_mapping()
    {
        var request = JsonSerializer.Serialize(new { concepts = Array.Empty<string[]>(), legacy = LegacySnomedIds.All.Keys });
        var legacy = PythonReference.Run("Sr/codes_check.py", [request]).GetProperty("legacy");
        foreach (var (srt, sct) in LegacySnomedIds.All)
            Assert.True(legacy.GetProperty(srt).GetString() == sct, $"SRT {srt}: table says {sct}, PS3.16 (pydicom) says {legacy.GetProperty(srt)}");
    }

    [Fact]
    public void Every_sct_constant_with_a_legacy_id_equals_its_srt_form()
    {
        var byConceptId = LegacySnomedIds.All.ToDictionary(kv => kv.Value, kv => kv.Key);
        var checkedCount = 0;
        foreach (var (name, code) in Holders.SelectMany(Constants).Where(c => c.Code.CodingSchemeDesignator == "SCT"))
        {
            if (!byConceptId.TryGetValue(code.CodeValue, out var srt)) continue;
            Assert.True(code == new CodedConcept(srt, "SRT"), $"{name} does not equal SRT {srt}");
            checkedCount++;
        }
        Assert.True(checkedCount >= 10, $"only {checkedCount} SCT constants have a legacy id");
    }
}
