using System.Text.RegularExpressions;
using DoseWatch.Dicom.Sr;
using DoseWatch.Dicom.Tests.IO;
using DoseWatch.Tests;

namespace DoseWatch.Dicom.Tests.Sr;

/// <summary>
/// A second independent reader: for every SR sample DCMTK's strict dsrdump accepts (it refuses several vendor files,
/// see PROVENANCE.md; pydicom covers those in <see cref="SrConformanceTests"/>), each line of `dsrdump +Pc` (all
/// codes printed) matches our content item at the same position in document order: nesting depth, relationship,
/// value type, concept name code, and for NUM the Numeric Value text and units code, for CODE the value code.
/// The same run checks the named code constants against the codes these real documents use.
/// </summary>
public partial class DsrdumpConformanceTests
{
    // <relationship VT:(code,scheme[version],"meaning")=value> {observation datetime}
    [GeneratedRegex("""^(?<indent> *)<(?:(?<rel>[a-z ]+) )?(?<vt>[A-Z0-9]+):(?:\((?<code>[^,]*),(?<scheme>[^,\[]*)(?:\[[^\]]*\])?,"[^"]*"\))?=(?<value>.*)>(?: \{.*\})?$""")]
    private static partial Regex Line();

    [GeneratedRegex("""^(?:"(?<number>[^"]*)"|empty)(?: \((?<units>[^,]*),)?""")]
    private static partial Regex NumValue();

    [GeneratedRegex("""^\((?<code>[^,]*),(?<scheme>[^,\[]*)""")]
    private static partial Regex CodeValue();

    [SamplesFact]
    public void Every_line_dsrdump_prints_matches_our_content_item()
    {
        var accepted = 0;
        var codesSeen = new HashSet<(string Code, string Scheme)>();
        foreach (var sample in SharedSamples.All())
        {
            var path = SharedSamples.Path_(sample);
            var document = SrDocument.From(DicomReader.ReadFile(path, new DicomReadOptions { StopBeforePixelData = true }).DataSet);
            if (!document.IsStructuredReportSopClass) continue;
            var run = ExternalTool.Run("dsrdump", ["-Ph", "+Pc", "-q", path]);
            if (run.ExitCode != 0) continue; // refused by DCMTK: compared with pydicom only
            accepted++;
            var lines = run.StdOut.Split('\n').Where(l => l.TrimStart().StartsWith('<')).ToList();
            var ours = WithDepth(document.Root).ToList();
            Assert.True(lines.Count == ours.Count, $"{sample}: dsrdump prints {lines.Count} items, we have {ours.Count}");
            for (var i = 0; i < lines.Count; i++)
                AssertSameItem(lines[i], ours[i].Item, ours[i].Depth, $"{sample} item {i}", codesSeen);
        }
        Assert.True(accepted >= 20, $"dsrdump accepted only {accepted} SR samples");
        AssertConstantsAgreeWithRealDocuments(codesSeen);
    }

    private static void AssertSameItem(string line, ContentItem ours, int depth, string where, HashSet<(string, string)> codesSeen)
    {
        var m = Line().Match(line);
        Assert.True(m.Success, $"{where}: unexpected dsrdump line {line}");
        Assert.True(m.Groups["indent"].Length == 2 * depth, $"{where}: depth {m.Groups["indent"].Length / 2} vs {depth}");
        Assert.Equal(m.Groups["rel"].Success ? m.Groups["rel"].Value.ToUpperInvariant() : null, ours.RelationshipTypeText);
        Assert.Equal(m.Groups["vt"].Value, ours.ValueTypeText);
        var code = m.Groups["code"].Success ? m.Groups["code"].Value : null;
        Assert.True(code == ours.ConceptName?.CodeValue && (code is null || m.Groups["scheme"].Value == ours.ConceptName!.CodingSchemeDesignator),
            $"{where}: concept ({code},{m.Groups["scheme"].Value}) vs {ours.ConceptName}");
        if (code is not null) codesSeen.Add((code, m.Groups["scheme"].Value));
        var value = m.Groups["value"].Value;
        if (ours.ValueType == SrValueType.Num)
        {
            var num = NumValue().Match(value);
            Assert.True(num.Success, $"{where}: NUM value {value}");
            var measured = ours.MeasuredValue!;
            Assert.Equal(num.Groups["number"].Success ? num.Groups["number"].Value : null, measured.NumericValueText);
            // For a NUM without a number dsrdump prints the Numeric Value Qualifier (e.g. 114007 "Measurement not attempted").
            var printed = num.Groups["number"].Success ? measured.Units?.CodeValue : measured.Qualifier?.CodeValue ?? measured.Units?.CodeValue;
            Assert.Equal(num.Groups["units"].Success ? num.Groups["units"].Value : null, printed);
        }
        else if (ours.ValueType == SrValueType.Code)
        {
            var c = CodeValue().Match(value);
            Assert.True(c.Success && c.Groups["code"].Value == ours.Code?.CodeValue && c.Groups["scheme"].Value == ours.Code?.CodingSchemeDesignator,
                $"{where}: CODE value {value} vs {ours.Code}");
            codesSeen.Add((c.Groups["code"].Value, c.Groups["scheme"].Value));
        }
    }

    private static IEnumerable<(ContentItem Item, int Depth)> WithDepth(ContentItem root)
    {
        var stack = new Stack<(ContentItem, int)>([(root, 0)]);
        while (stack.Count > 0)
        {
            var (item, depth) = stack.Pop();
            yield return (item, depth);
            for (var i = item.Content.Count - 1; i >= 0; i--) stack.Push((item.Content[i], depth + 1));
        }
    }

    /// <summary>A named constant whose code value a real document uses must carry the scheme that document uses (or its SRT/SCT equivalent).</summary>
    private static void AssertConstantsAgreeWithRealDocuments(HashSet<(string Code, string Scheme)> codesSeen)
    {
        var constants = new[] { typeof(Dicom.Sr.Codes.CommonSrCodes), typeof(Dicom.Sr.Codes.CtDoseCodes), typeof(Dicom.Sr.Codes.ProjectionXRayDoseCodes), typeof(Dicom.Sr.Codes.RadiopharmaceuticalDoseCodes) }
            .SelectMany(t => t.GetFields()).Select(f => (CodedConcept)f.GetValue(null)!).ToList();
        var used = 0;
        foreach (var c in constants)
        {
            var seen = codesSeen.Where(s => s.Code == c.CodeValue || new CodedConcept(s.Code, s.Scheme) == c).ToList();
            if (seen.Count == 0) continue;
            used++;
            Assert.True(seen.Any(s => new CodedConcept(s.Code, s.Scheme) == c), $"{c} is used in the samples only as {string.Join(", ", seen)}");
        }
        Assert.True(used >= 60, $"only {used} constants occur in the samples dsrdump reads");
    }
}
