using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using DoseWatch.Dicom.Deidentification;
using DoseWatch.Dicom.Tests.IO;
using DoseWatch.Tests;

namespace DoseWatch.Dicom.Tests.Deidentification;

/// <summary>
/// De-identified output judged by real peers, at test time: DCMTK dcmdump (no attribute of the profile's list keeps its
/// original value; no private element survives), dicom3tools dciodvfy (no error the original did not have), pydicom
/// (date intervals, pseudonyms and cross-references). The profile's list is read from ../shared/reference (section 7.3),
/// not from the implementation's table.
/// </summary>
public sealed partial class DeidentificationPeerFacts : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly Deidentifier _deidentifier = new(RandomNumberGenerator.GetBytes(32));

    public void Dispose() => _temp.Dispose();

    private static readonly string[] Images =
    [
        "openrem/DX-Im-GE_XR220-1.dcm", "openrem/DX-Im-Carestream_DR7500-1.dcm", "openrem/CT-SC-Philips_Brilliance16P.dcm",
        "openrem/MG-Im-GE_Seno_1_ForPresentation.dcm", "openrem/MG-Im-GE-SenDS-scaled.dcm", "openrem/NM-PetIm-GE.dcm", "openrem/PX-Im-NewTom_Go.dcm",
    ];

    /// <summary>Every radiation dose SR among the samples, and some images.</summary>
    public static TheoryData<string> Objects() => new(ObjectList());

    private static List<string> ObjectList() =>
        SharedSamples.All().Where(p => p.Contains("RDSR", StringComparison.Ordinal) || p.StartsWith("pyskindose/", StringComparison.Ordinal))
            .Concat(SharedSamples.Available ? Images : []).ToList();

    private string Deidentify(string sample, string? name = null)
    {
        var output = _temp.File(name ?? Path.GetFileName(sample));
        DicomWriter.WriteFile(output, _deidentifier.Deidentify(DicomReader.ReadFile(SharedSamples.Path_(sample))));
        return output;
    }

    // ---- dcmdump -----------------------------------------------------------------------------------------------

    private sealed record DumpLine(string Tag, string VR, string Value);

    [GeneratedRegex(@"^ *\((?<tag>[0-9a-f]{4},[0-9a-f]{4})\) (?<vr>\S\S) (?<value>.*?) *#")]
    private static partial Regex DumpPattern();

    private static List<DumpLine> Dump(string file)
    {
        var result = ExternalTool.Run("dcmdump", ["-q", "-Un", "+L", "-M", file]);
        Assert.True(result.ExitCode == 0, $"dcmdump {file}: {result.StdErr}");
        return result.StdOut.Split('\n').Select(l => DumpPattern().Match(l)).Where(m => m.Success)
            .Select(m => new DumpLine(m.Groups["tag"].Value.ToUpperInvariant(), m.Groups["vr"].Value, Value(m.Groups["value"].Value)))
            .ToList();
    }

    private static string Value(string printed) =>
        printed.StartsWith('[') && printed.LastIndexOf(']') is var end and > 0 ? printed[1..end].TrimEnd('\0', ' ')
        : printed.StartsWith("(no value", StringComparison.Ordinal) ? "" : printed;

    /// <summary>Rows of the reference's table 7.3: tag, Basic action, and whether Modified Dates makes it a shift (C).</summary>
    private sealed record ProfileRow(string Tag, string Action, bool Shifted);

    private static readonly Lazy<List<ProfileRow>> ProfileRows = new(() =>
    {
        var reference = File.ReadAllText(Path.Combine(SharedSamples.SharedDirectory, "reference", "dicom-dose-reference.md"));
        var section = reference[reference.IndexOf("### 7.3", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n---", StringComparison.Ordinal)];
        var rows = new List<ProfileRow>();
        foreach (var line in section.Split('\n').Where(l => l.StartsWith("| (", StringComparison.Ordinal)))
        {
            var cells = line.Split('|').Select(c => c.Trim()).ToArray();
            foreach (Match tag in TagInCell().Matches(cells[1]))
                rows.Add(new ProfileRow(tag.Groups[1].Value.ToUpperInvariant(), cells[3], cells[4].Contains("ModDates=C", StringComparison.Ordinal)));
        }
        Assert.True(rows.Count > 60, $"only {rows.Count} rows read from the reference's table 7.3");
        return rows;
    });

    [GeneratedRegex(@"\(([0-9A-Fa-f]{4},[0-9A-Fa-f]{4})\)")]
    private static partial Regex TagInCell();

    [SamplesTheory]
    [MemberData(nameof(Objects))]
    public void No_attribute_of_the_profile_keeps_its_original_value_and_no_private_element_survives(string sample)
    {
        var original = Dump(SharedSamples.Path_(sample));
        var deidentified = Dump(Deidentify(sample));
        var leaks = new List<string>();

        foreach (var row in ProfileRows.Value.Where(r => r.Action != "K"))
        {
            var after = deidentified.Where(l => l.Tag == row.Tag && l.VR != "SQ").Select(l => l.Value).ToHashSet(StringComparer.Ordinal);
            foreach (var before in original.Where(l => l.Tag == row.Tag && l.VR != "SQ" && l.Value.Length > 0 && l.Value != Deidentifier.DummyText))
            {
                // Modified Dates: dates must have moved; a time of day stays (the shift is whole days).
                if (row.Shifted && before.VR == "TM") continue;
                if (after.Contains(before.Value)) leaks.Add($"{row.Tag} {before.VR} [{before.Value}] ({row.Action})");
            }
        }
        var privateLeft = deidentified.Where(l => (Convert.ToUInt16(l.Tag[..4], 16) & 1) == 1).Select(l => l.Tag).Distinct().ToList();

        Assert.True(leaks.Count == 0, $"{sample}: original values still present: {string.Join("; ", leaks)}");
        Assert.Empty(privateLeft);
        // The markers, read back by dcmdump.
        Assert.Contains(deidentified, l => l.Tag == "0012,0062" && l.Value == "YES");
        Assert.Contains(deidentified, l => l.Tag == "0028,0303" && l.Value == "MODIFIED");
        Assert.Equal(["113100", "113107", "113104"], deidentified.Where(l => l.Tag == "0008,0100" && l.Value.StartsWith("1131", StringComparison.Ordinal)).Select(l => l.Value).TakeLast(3));
    }

    // ---- dciodvfy ----------------------------------------------------------------------------------------------

    [GeneratedRegex(@"= <[^>]*>|\b\d+(\.\d+)+\b")]
    private static partial Regex VaryingParts();

    private static HashSet<string> IodErrors(string file)
    {
        var result = ExternalTool.Run("dciodvfy", [file]);
        return (result.StdOut + "\n" + result.StdErr).Split('\n')
            .Where(l => l.StartsWith("Error - ", StringComparison.Ordinal))
            // Values (and UIDs, which are replaced) are not part of what the error is about.
            .Select(l => VaryingParts().Replace(l.Trim(), "<v>"))
            .ToHashSet(StringComparer.Ordinal);
    }

    [SamplesTheory]
    [MemberData(nameof(Objects))]
    public void Dciodvfy_reports_no_error_the_original_did_not_have(string sample)
    {
        var before = IodErrors(SharedSamples.Path_(sample));
        var after = IodErrors(Deidentify(sample));

        var added = after.Except(before).ToList();
        Assert.True(added.Count == 0, $"{sample}: new dciodvfy errors:\n{string.Join("\n", added)}");
    }

    // ---- pydicom: dates, patients, references --------------------------------------------------------------------

    private static List<JsonElement> Pydicom(params string[] files)
    {
        var result = ExternalTool.Run(ExternalTool.DebianPython, [Path.Combine(SharedSamples.RepositoryRoot, "tests", "DoseWatch.Dicom.Tests", "Deidentification", "read_deid.py"), .. files]);
        Assert.True(result.ExitCode == 0, result.StdErr);
        return result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
    }

    private static DateOnly Date(string daOrDt) => DateOnly.ParseExact(daOrDt[..8], "yyyyMMdd");

    [SamplesFact]
    public void Every_date_moves_by_the_same_whole_days_so_intervals_survive()
    {
        var samples = ObjectList();
        var originals = Pydicom(samples.Select(SharedSamples.Path_).ToArray());
        var outputs = Pydicom(samples.Select(s => Deidentify(s)).ToArray());

        for (var i = 0; i < samples.Count; i++)
        {
            var before = originals[i].GetProperty("dates").EnumerateArray().Where(d => d[1].GetString()!.Length >= 8).ToList();
            var after = outputs[i].GetProperty("dates").EnumerateArray().Where(d => d[0].GetString() is not ("00100030")).ToList();
            before = before.Where(d => d[0].GetString() is not ("00100030")).ToList(); // birth date: emptied (Z), not shifted
            Assert.True(before.Count == after.Count, $"{samples[i]}: {before.Count} dates before, {after.Count} after");
            if (before.Count == 0) continue;
            var shifts = before.Zip(after, (b, a) => (b[0].GetString(), Date(a[1].GetString()!).DayNumber - Date(b[1].GetString()!).DayNumber)).ToList();
            Assert.All(shifts, s => Assert.Equal(shifts[0].Item2, s.Item2));
            Assert.InRange(-shifts[0].Item2, 365, 3650);
            // Times of day in DT values are kept: only the date part moved.
            Assert.All(before.Zip(after), p => Assert.Equal(p.First[1].GetString()![8..], p.Second[1].GetString()![8..]));
            Assert.Equal("YES", outputs[i].GetProperty("identityRemoved").GetString());
        }
    }

    [SamplesFact]
    public void The_same_patient_gets_the_same_pseudonym_and_shift_and_other_patients_do_not()
    {
        string[] samples = ["openrem/CT-RDSR-Siemens-Multi-1.dcm", "openrem/CT-RDSR-Siemens-Multi-3.dcm", "openrem/NM-CT-RDSR-Siemens.dcm", "openrem/NM-PetIm-Siemens.dcm", "openrem/DX-RDSR-Canon_CXDI.dcm"];
        var originals = Pydicom(samples.Select(SharedSamples.Path_).ToArray());
        var outputs = Pydicom(samples.Select(s => Deidentify(s)).ToArray());
        int Shift(int i) => Date(outputs[i].GetProperty("studyDate").GetString()!).DayNumber - Date(originals[i].GetProperty("studyDate").GetString()!).DayNumber;
        string Id(JsonElement e) => e.GetProperty("patientId").GetString()!;
        // The patient is issuer + ID: the Canon sample has the Siemens samples' ID under another issuer.
        string Patient(JsonElement e) => e.GetProperty("issuer").GetString() + "|" + Id(e);

        for (var i = 0; i < samples.Length; i++)
            for (var j = i + 1; j < samples.Length; j++)
            {
                var samePatient = Patient(originals[i]) == Patient(originals[j]);
                Assert.Equal(samePatient, Id(outputs[i]) == Id(outputs[j]));
                if (samePatient) Assert.Equal(Shift(i), Shift(j));
            }
        Assert.Equal(Patient(originals[0]), Patient(originals[1]));
        Assert.Equal(Id(originals[0]), Id(originals[4]));
        Assert.NotEqual(Patient(originals[0]), Patient(originals[4]));
        Assert.All(outputs, o => Assert.Equal("", o.GetProperty("issuer").GetString()));
        Assert.All(outputs, o => Assert.Equal(o.GetProperty("patientId").GetString(), o.GetProperty("patientName").GetString()));
        Assert.All(outputs, o => Assert.StartsWith("DEID-", o.GetProperty("patientId").GetString()));
    }

    [SamplesFact]
    public void References_between_objects_of_one_export_point_to_the_new_uids()
    {
        // The For Presentation mammogram references its For Processing source image (a real cross-reference).
        var presentation = Deidentify("openrem/MG-Im-GE_Seno_1_ForPresentation.dcm");
        var processing = Deidentify("openrem/MG-Im-GE_Seno_1_ForProcessing.dcm");
        var sr = Deidentify("openrem/DX-RDSR-Canon_CXDI.dcm");
        var original = Pydicom(SharedSamples.Path_("openrem/MG-Im-GE_Seno_1_ForPresentation.dcm"), SharedSamples.Path_("openrem/MG-Im-GE_Seno_1_ForProcessing.dcm"), SharedSamples.Path_("openrem/DX-RDSR-Canon_CXDI.dcm"));
        var after = Pydicom(presentation, processing, sr);

        Assert.Contains(original[1].GetProperty("sop").GetString(), original[0].GetProperty("refs").EnumerateArray().Select(r => r.GetString()));
        Assert.Contains(after[1].GetProperty("sop").GetString(), after[0].GetProperty("refs").EnumerateArray().Select(r => r.GetString()));
        Assert.NotEqual(original[1].GetProperty("sop").GetString(), after[1].GetProperty("sop").GetString());
        Assert.Equal(original[0].GetProperty("study").GetString() == original[1].GetProperty("study").GetString(),
            after[0].GetProperty("study").GetString() == after[1].GetProperty("study").GetString());
        // The SR's UIDREFs map one to one, in the same positions; its references that the profile keeps (Referenced
        // Patient Sequence is removed) point to the mapped UIDs, and the content tree's image references all remain.
        List<string> Uids(JsonElement e, string kind) => e.GetProperty(kind).EnumerateArray().Select(r => r.GetString()!).ToList();
        Assert.Equal(Uids(original[2], "uidrefs").Select(_deidentifier.ReplaceUid), Uids(after[2], "uidrefs"));
        var mapped = Uids(original[2], "refs").Select(_deidentifier.ReplaceUid).ToHashSet();
        Assert.All(Uids(after[2], "refs"), r => Assert.Contains(r, mapped));
        Assert.NotEmpty(Uids(original[2], "contentRefs"));
        Assert.Equal(Uids(original[2], "contentRefs").Select(_deidentifier.ReplaceUid), Uids(after[2], "contentRefs"));
        Assert.All(Uids(after[2], "refs").Concat(Uids(after[2], "uidrefs")), u => Assert.Matches(@"^2\.25\.\d{1,39}$", u));
    }
}
