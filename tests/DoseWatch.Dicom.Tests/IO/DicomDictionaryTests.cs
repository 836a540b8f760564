using System.Globalization;
using System.Text.Json;

namespace DoseWatch.Dicom.Tests.IO;

/// <summary>
/// Our dictionary is generated from DCMTK's copy of PS3.6; it is checked here against pydicom's independent copy,
/// read at test time: same VR (where pydicom names a single one) and keyword for every tag both know, repeating groups
/// included. Tags only one edition knows are reported by count, not failed (the two copies come from different years).
/// </summary>
public class DicomDictionaryTests
{
    private static readonly Lazy<JsonElement> Pydicom = new(() =>
    {
        var run = ExternalTool.Run(ExternalTool.DebianPython, [ExternalTool.TestScript("pydicom_dictionary.py")]);
        Assert.True(run.ExitCode == 0, run.StdErr);
        return JsonDocument.Parse(run.StdOut).RootElement;
    });

    [Fact]
    public void Every_tag_pydicom_knows_has_the_same_VR_and_keyword()
    {
        var diffs = new List<string>();
        var both = 0;
        foreach (var entry in Pydicom.Value.GetProperty("tags").EnumerateObject())
        {
            var tag = new DicomTag(uint.Parse(entry.Name, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            var ours = DicomDictionary.Lookup(tag);
            if (ours is null) continue; // a newer/older edition's tag
            both++;
            Check(tag, ours, entry.Value, diffs);
        }
        Assert.True(both > 4500, $"only {both} tags in common");
        Assert.True(diffs.Count == 0, string.Join('\n', diffs.Take(20)));
    }

    [Fact]
    public void Repeating_groups_match_pydicoms_masks_for_even_groups_only()
    {
        var diffs = new List<string>();
        foreach (var entry in Pydicom.Value.GetProperty("repeaters").EnumerateObject())
        {
            var mask = entry.Name; // e.g. "60xx3000"
            if (!mask.StartsWith("50xx", StringComparison.Ordinal) && !mask.StartsWith("60xx", StringComparison.Ordinal)) continue;
            foreach (var groupLow in new[] { 0x00, 0x02, 0x1E })
            {
                var hex = mask.Replace("xx", groupLow.ToString("X2", CultureInfo.InvariantCulture), StringComparison.Ordinal);
                var tag = new DicomTag(uint.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                var ours = DicomDictionary.Lookup(tag);
                if (ours is null) { diffs.Add($"{tag} ({mask}) unknown to us"); continue; }
                Check(tag, ours, entry.Value, diffs);
                // The odd group in the same range is private (PS3.5 §7.8), not a repeater.
                var odd = DicomDictionary.Lookup(new DicomTag((ushort)(tag.Group + 1), tag.Element));
                if (odd is not null && odd.Keyword == ours.Keyword) diffs.Add($"odd group ({tag.Group + 1:X4},{tag.Element:X4}) taken as {mask}");
            }
        }
        Assert.True(diffs.Count == 0, string.Join('\n', diffs.Take(20)));
    }

    private static void Check(DicomTag tag, DicomDictionaryEntry ours, JsonElement theirs, List<string> diffs)
    {
        var vr = theirs[0].GetString()!;
        var keyword = theirs[2].GetString()!;
        // pydicom's "US or SS", "OB or OW"...: an Implicit VR reader must pick one of them (the file cannot say).
        if (!vr.Split(" or ").Contains(ours.VR.Name)) diffs.Add($"{tag}: VR {ours.VR}, pydicom {vr}");
        // DCMTK marks retired keywords with a prefix; pydicom does not.
        var ourKeyword = ours.Keyword.StartsWith("RETIRED_", StringComparison.Ordinal) ? ours.Keyword["RETIRED_".Length..] : ours.Keyword;
        if (ourKeyword != keyword && keyword.Length > 0) diffs.Add($"{tag}: keyword {ours.Keyword}, pydicom {keyword}");
    }

    [Fact]
    public void Generic_rules_cover_group_lengths_private_creators_and_unknown_private_elements()
    {
        Assert.Equal(DicomVR.UL, DicomDictionary.VROf(new DicomTag(0x0011, 0x0000)));
        Assert.Equal(DicomVR.UL, DicomDictionary.VROf(new DicomTag(0x0008, 0x0000)));
        Assert.Equal(DicomVR.LO, DicomDictionary.VROf(new DicomTag(0x0029, 0x0010)));
        Assert.Equal(DicomVR.LO, DicomDictionary.VROf(new DicomTag(0x0029, 0x00FF)));
        Assert.Equal(DicomVR.UN, DicomDictionary.VROf(new DicomTag(0x0029, 0x1010)));
        Assert.Equal(DicomVR.UN, DicomDictionary.VROf(new DicomTag(0x0029, 0x0100)));
    }
}
