using System.Security.Cryptography;
using System.Text.RegularExpressions;
using DoseWatch.Dicom.Deidentification;
using DoseWatch.Dicom.Tests.IO;
using DoseWatch.Tests;

namespace DoseWatch.Dicom.Tests.Deidentification;

/// <summary>
/// The PS3.15 options a dose registry submission adds to the research export's profile (issue #19 item 4), judged by
/// dcmdump and dsrdump on the real CT RDSR and its output: Full Dates keeps every date but the birth date, Patient
/// Characteristics keeps age, sex, size and weight, Device Identity keeps serial number, station name and the SR's device
/// observer; without the options all of them go as before. Expected values are read from the original at test time.
/// </summary>
public sealed partial class DeidentificationOptionsFacts : IDisposable
{
    private const string Sample = "openrem/CT-RDSR-Siemens-Multi-2.dcm";
    private static readonly DeidentificationOptions Registry = new(RetainFullDates: true, RetainPatientCharacteristics: true, RetainDeviceIdentity: true);
    private readonly TempDirectory _temp = new();
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public void Dispose() => _temp.Dispose();

    private string Deidentify(DicomFile file, DeidentificationOptions options, string name)
    {
        var output = _temp.File(name);
        DicomWriter.WriteFile(output, new Deidentifier(_key, options).Deidentify(file));
        return output;
    }

    private static string Dump(string file) => ExternalTool.Run("dcmdump", ["-q", "-Un", "+U8", file]).StdOut;

    private static string? Value(string dump, string tag) =>
        Regex.Match(dump, $@"^\({Regex.Escape(tag)}\) [A-Z]{{2}} \[([^\]]*)\]", RegexOptions.Multiline | RegexOptions.IgnoreCase) is { Success: true } m
            ? m.Groups[1].Value.TrimEnd('\0', ' ') : null;

    [SamplesFact]
    public void The_registry_options_keep_dates_patient_characteristics_and_device_and_still_remove_identity()
    {
        var original = SharedSamples.Path_(Sample);
        var before = Dump(original);
        var after = Dump(Deidentify(DicomReader.ReadFile(original), Registry, "registry.dcm"));
        var research = Dump(Deidentify(DicomReader.ReadFile(original), DeidentificationOptions.ResearchExport, "research.dcm"));

        // Every DA and DT value but the birth date, anywhere in the object (SR content included), is the original's.
        var datesBefore = Dates(before).Where(d => d.Tag != "0010,0030").ToList();
        Assert.True(datesBefore.Count >= 4, $"only {datesBefore.Count} dates in the original");
        Assert.Equal(datesBefore, Dates(after).Where(d => d.Tag != "0010,0030").ToList());
        Assert.NotEqual(datesBefore, Dates(research).Where(d => d.Tag != "0010,0030").ToList());
        Assert.DoesNotContain(Value(before, "0010,0030")!, after);
        Assert.Equal("UNMODIFIED", Value(after, "0028,0303"));
        Assert.Equal("MODIFIED", Value(research, "0028,0303"));

        foreach (var tag in new[] { "0010,0040", "0010,1010", "0008,1010", "0018,1000" })
        {
            Assert.False(string.IsNullOrEmpty(Value(before, tag)), $"the sample has no {tag}");
            Assert.Equal(Value(before, tag), Value(after, tag));
            Assert.NotEqual(Value(before, tag), Value(research, tag));
        }
        // The SR's device observer (TID 1004) follows the header under Device Identity.
        string[] DeviceObserver(string file) => [.. ObserverText().Matches(ExternalTool.Run("dsrdump", [file]).StdOut).Select(m => m.Value)];
        Assert.Equal(DeviceObserver(original), DeviceObserver(_temp.File("registry.dcm")));
        Assert.NotEqual(DeviceObserver(original), DeviceObserver(_temp.File("research.dcm")));
        Assert.Equal(2, DeviceObserver(original).Length);

        // Identity still goes: name, ID, accession number, institution.
        foreach (var tag in new[] { "0010,0010", "0010,0020", "0008,0050", "0008,0080" })
            Assert.DoesNotContain(Value(before, tag)!, after);
        Assert.Contains("Retain Longitudinal Temporal Information Full Dates Option", after);
        Assert.Contains("Retain Patient Characteristics Option", after);
        Assert.Contains("Retain Device Identity Option", after);
        Assert.DoesNotContain("Modified Dates Option", after);
    }

    [SamplesFact]
    public void The_subjects_id_and_birth_date_in_the_sr_go_whether_dates_are_kept_or_shifted()
    {
        var original = SharedSamples.Path_(Sample);
        var file = DicomReader.ReadFile(original);
        // TID 1007 Subject Context items as a modality may write them at the root of the content tree.
        var content = file.DataSet.GetSequence(new DicomTag(0x0040, 0xA730))!;
        content.Items.Add(Item("TEXT", "121030", "Subject ID", i => i.SetString(new DicomTag(0x0040, 0xA160), DicomVR.UT, "MRN-55501234")));
        content.Items.Add(Item("DATE", "121031", "Subject Birth Date", i => i.SetString(new DicomTag(0x0040, 0xA121), DicomVR.DA, "19580105")));
        var withSubject = _temp.File("with-subject.dcm");
        DicomWriter.WriteFile(withSubject, file);
        // dcmdump rather than dsrdump: DCMTK's relationship constraints for this IOD refuse a DATE by HAS OBS CONTEXT at the root.
        Assert.Contains("MRN-55501234", Dump(withSubject));
        Assert.Contains("Subject Birth Date", Dump(withSubject));

        var kept = Dump(Deidentify(DicomReader.ReadFile(withSubject), Registry, "kept.dcm"));
        Assert.DoesNotContain("MRN-55501234", kept);
        Assert.DoesNotContain("Subject Birth Date", kept);
        Assert.DoesNotContain("19580105", kept);
        var shifted = Dump(Deidentify(DicomReader.ReadFile(withSubject), DeidentificationOptions.ResearchExport, "shifted.dcm"));
        Assert.DoesNotContain("MRN-55501234", shifted);
        Assert.DoesNotContain("19580105", shifted);
    }

    private static DicomDataSet Item(string valueType, string code, string meaning, Action<DicomDataSet> value)
    {
        var item = new DicomDataSet()
            .SetString(new DicomTag(0x0040, 0xA010), DicomVR.CS, "HAS OBS CONTEXT")
            .SetString(new DicomTag(0x0040, 0xA040), DicomVR.CS, valueType);
        item.Set(new DicomSequence(new DicomTag(0x0040, 0xA043), [new DicomDataSet()
            .SetString(new DicomTag(0x0008, 0x0100), DicomVR.SH, code)
            .SetString(new DicomTag(0x0008, 0x0102), DicomVR.SH, "DCM")
            .SetString(new DicomTag(0x0008, 0x0104), DicomVR.LO, meaning)]));
        value(item);
        return item;
    }

    private static List<(string Tag, string Value)> Dates(string dump) =>
        DateLine().Matches(dump).Select(m => (m.Groups["tag"].Value.ToLowerInvariant(), m.Groups["value"].Value)).ToList();

    [GeneratedRegex(@"^\s*\((?<tag>[0-9a-fA-F]{4},[0-9a-fA-F]{4})\) D[AT] \[(?<value>[^\]]*)\]", RegexOptions.Multiline)]
    private static partial Regex DateLine();

    [GeneratedRegex(@"TEXT:\([^)]*""Device Observer (Name|Serial Number)""\)=""[^""]*""")]
    private static partial Regex ObserverText();
}
