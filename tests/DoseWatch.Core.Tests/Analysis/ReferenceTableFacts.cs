using System.Globalization;
using System.Text.RegularExpressions;
using DoseWatch.Core.Analysis;
using DoseWatch.Tests;

namespace DoseWatch.Core.Tests.Analysis;

/// <summary>Every number in the alerting tables is read back from ../shared/reference/dicom-dose-reference.md §8 at test time.</summary>
public sealed partial class ReferenceTableFacts
{
    private static string Section(string heading)
    {
        var text = File.ReadAllText(Path.Combine(SharedSamples.SharedDirectory, "reference", "dicom-dose-reference.md"));
        var start = text.IndexOf(heading, StringComparison.Ordinal);
        Assert.True(start >= 0, $"section '{heading}' not found");
        var end = text.IndexOf("\n### ", start + heading.Length, StringComparison.Ordinal);
        return text[start..(end < 0 ? text.Length : end)];
    }

    /// <summary>Rows of the first markdown table in a section (header and separator skipped), cells trimmed.</summary>
    private static List<string[]> TableRows(string section) =>
        section.Split('\n').Where(l => l.StartsWith('|')).Skip(2)
            .Select(l => l.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray()).ToList();

    private static double Number(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static double NumberAfter(string text, string pattern) =>
        Number(Regex.Match(text, pattern + @"\s*([0-9]+(?:\.[0-9]+)?)").Groups[1].Value);

    [SamplesFact]
    public void Uk_2022_drls_are_the_references_rows()
    {
        var rows = TableRows(Section("### 8.2"));
        var expected = rows.Select(r => new NationalDrl(r[0], r[1] == "–" ? null : Number(r[1]), r[2] == "–" ? null : Number(r[2]))).ToList();
        Assert.Equal(13, expected.Count);
        Assert.Equal(expected, NationalDrlTable.UnitedKingdom2022.Rows);
    }

    [SamplesFact]
    public void Aapm_notification_values_are_the_references_rows()
    {
        var rows = TableRows(Section("### 8.1"));
        var expected = rows.ToDictionary(r => r[0], r => Number(r[1]));
        Assert.Equal(9, expected.Count);
        Assert.Equal(expected.OrderBy(p => p.Key), AapmCtNotificationValues.CtdiVolMGy.OrderBy(p => p.Key));
    }

    [SamplesFact]
    public void Fluoroscopy_substantial_dose_levels_are_the_references()
    {
        var row = TableRows(Section("### 8.3")).Single(r => r[0].StartsWith("Substantial radiation dose level", StringComparison.Ordinal))[1];
        Assert.Equal(FluoroscopySubstantialDoseLevels.DoseRpGy, NumberAfter(row, "Ka,r"));
        Assert.Equal(FluoroscopySubstantialDoseLevels.DapGyCm2, NumberAfter(row, "PKA"));
        Assert.Equal(FluoroscopySubstantialDoseLevels.FluoroTimeMinutes, NumberAfter(row, "fluoroscopy time"));
        Assert.Equal(FluoroscopySubstantialDoseLevels.FluoroTimeMinutes * 60, FluoroscopySubstantialDoseLevels.FluoroTimeS);
    }

    [SamplesFact]
    public void Mr_sar_limits_are_the_references()
    {
        var rows = TableRows(Section("### 8.4"));
        var normal = rows.Single(r => r[0] == "Normal");
        var first = rows.Single(r => r[0] == "First level controlled");
        // Columns: mode | whole body | partial body "a–b W/kg: ..." | head
        Assert.Equal((Number(normal[1].Split(' ')[0]), NumberAfter(normal[2], "–"), Number(normal[3].Split(' ')[0])),
            (MrSarLimits.NormalWholeBody, MrSarLimits.NormalPartialBodyMaximum, MrSarLimits.NormalHead));
        Assert.Equal((Number(first[1].Split(' ')[0]), NumberAfter(first[2], "–"), Number(first[3].Split(' ')[0])),
            (MrSarLimits.FirstLevelWholeBody, MrSarLimits.FirstLevelPartialBodyMaximum, MrSarLimits.FirstLevelHead));
    }

    [SamplesFact]
    public void Ultrasound_guidance_values_are_the_references()
    {
        var rows = TableRows(Section("### 8.5"));
        string Row(string start) => rows.Single(r => r[0].StartsWith(start, StringComparison.Ordinal))[1];
        Assert.Equal(UltrasoundOutputGuidance.GeneralMechanicalIndex, NumberAfter(Row("FDA Track 3"), "MI ≤"));
        Assert.Equal(UltrasoundOutputGuidance.OphthalmicMechanicalIndex, NumberAfter(Row("FDA ophthalmic"), "MI ≤"));
        Assert.Equal(UltrasoundOutputGuidance.OphthalmicThermalIndex, NumberAfter(Row("FDA ophthalmic"), "TI ≤"));
        Assert.Equal(UltrasoundOutputGuidance.ObstetricThermalIndex, NumberAfter(Row("BMUS obstetric"), "TI ≤"));
        Assert.Equal(UltrasoundOutputGuidance.GeneralThermalIndex, NumberAfter(Row("BMUS / AIUM non-obstetric"), "TI ≤"));
    }
}
