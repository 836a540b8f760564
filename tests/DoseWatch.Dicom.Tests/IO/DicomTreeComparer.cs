using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace DoseWatch.Dicom.Tests.IO;

/// <summary>
/// Compares our reading with pydicom's normalised walk (tests/…/IO/pydicom_walk.py): same tags in the same order,
/// same explicit VRs, same nesting, same value bytes (little endian). Returns readable differences with their path.
/// </summary>
internal static class DicomTreeComparer
{
    public static List<string> Compare(JsonElement expected, DicomDataSet actual, string path = "")
    {
        var diffs = new List<string>();
        var ours = actual.ToList();
        var theirs = expected.EnumerateArray().ToList();
        var n = Math.Max(ours.Count, theirs.Count);
        for (var i = 0; i < n && diffs.Count < 20; i++)
        {
            if (i >= ours.Count) { diffs.Add($"{path}: pydicom has {theirs[i][0]} that we lack"); continue; }
            if (i >= theirs.Count) { diffs.Add($"{path}: we have {ours[i].Tag} that pydicom lacks"); continue; }
            var e = ours[i];
            var tag = theirs[i][0].GetString()!;
            var here = $"{path}{e.Tag}";
            if (!string.Equals(tag, e.Tag.Value.ToString("x8"), StringComparison.Ordinal))
            {
                diffs.Add($"{path}: element {i} is {e.Tag} here, ({tag[..4]},{tag[4..]}) in pydicom");
                break;
            }
            var vr = theirs[i][1];
            var ourVR = e is DicomSequence ? "SQ" : e.VR.Name;
            if (vr.ValueKind == JsonValueKind.String && vr.GetString() != ourVR)
                diffs.Add($"{here}: VR {ourVR}, pydicom {vr.GetString()}");
            var value = theirs[i][2];
            if (value.ValueKind == JsonValueKind.Array)
            {
                if (e is not DicomSequence sq) { diffs.Add($"{here}: pydicom reads a sequence, we read {e.VR}"); continue; }
                var items = value.EnumerateArray().ToList();
                if (items.Count != sq.Items.Count) { diffs.Add($"{here}: {sq.Items.Count} items, pydicom {items.Count}"); continue; }
                for (var k = 0; k < items.Count; k++) diffs.AddRange(Compare(items[k], sq.Items[k], $"{here}[{k}]."));
                continue;
            }
            if (e is DicomSequence) { diffs.Add($"{here}: we read a sequence, pydicom a value"); continue; }
            var expectedValue = value.GetString() ?? "";
            var bytes = ValueBytes(e);
            var actualValue = expectedValue.StartsWith("text:", StringComparison.Ordinal)
                ? "text:" + Encoding.Latin1.GetString(bytes).TrimEnd(' ', '\0')
                : Show(bytes);
            if (actualValue != expectedValue) diffs.Add($"{here}: value {Abbreviate(actualValue)}, pydicom {Abbreviate(expectedValue)}");
        }
        return diffs;
    }

    /// <summary>The value as pydicom holds it raw: encapsulated pixel data as its item stream.</summary>
    private static byte[] ValueBytes(DicomElement e)
    {
        if (e is not DicomFragments f) return e.Value.ToArray();
        using var m = new MemoryStream();
        Span<byte> h = stackalloc byte[8];
        foreach (var item in f.Fragments.Prepend(f.OffsetTable))
        {
            BinaryPrimitives.WriteUInt32LittleEndian(h, 0xE000FFFE);
            BinaryPrimitives.WriteUInt32LittleEndian(h[4..], (uint)item.Length);
            m.Write(h);
            m.Write(item.Span);
        }
        return m.ToArray();
    }

    private static string Show(byte[] v) =>
        v.Length <= 64 ? Convert.ToHexStringLower(v) : $"md5:{Convert.ToHexStringLower(MD5.HashData(v))}:{v.Length}";

    private static string Abbreviate(string s) => s.Length <= 80 ? s : s[..77] + "...";
}
