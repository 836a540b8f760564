using System.Text.Json;
using DoseWatch.Dicom.Tests.Sr;

namespace DoseWatch.Dicom.Tests.Values;

/// <summary>
/// For every file in Debian python3-pydicom's charset_files, every character-set text element (SH, LO, ST, LT, PN,
/// UC, UT, at any depth) decodes to what pydicom decodes, obtained at test time with charset_values.py (one python
/// process for all files). Differences that are normalised, with their reason:
/// <list type="bullet">
/// <item>PN: pydicom's PersonName drops trailing empty component groups ("Wang^XiaoDong=王^小東=" prints without the
/// last '='); we keep the value as written. PS3.5 §6.2.1 makes trailing group delimiters insignificant, so trailing '='
/// are removed from our PN values before comparing.</item>
/// </list>
/// </summary>
public class CharsetConformanceTests
{
    private const string CharsetFiles = "/usr/lib/python3/dist-packages/pydicom/data/charset_files";

    private static string[] Paths() => Directory.EnumerateFiles(CharsetFiles, "*.dcm").Order(StringComparer.Ordinal).ToArray();

    public static TheoryData<string> Files() => new(Paths().Select(Path.GetFileName)!);

    private static readonly Lazy<JsonElement> Pydicom = new(() => PythonReference.Run("Values/charset_values.py", Paths()));

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_charset_text_element_decodes_like_pydicom(string file)
    {
        var path = Path.Combine(CharsetFiles, file);
        var expected = Pydicom.Value.GetProperty(path);
        var dataSet = DicomReader.ReadFile(path).DataSet;
        var compared = 0;
        foreach (var element in expected.EnumerateObject())
        {
            var (item, tag) = Navigate(dataSet, element.Name);
            var vr = item.Get(tag)?.VR;
            var ours = item.GetStrings(tag).Select(v => vr == DicomVR.PN ? v.TrimEnd('=') : v).ToArray();
            var theirs = element.Value.EnumerateArray().Select(v => v.GetString()!).ToArray();
            Assert.True(theirs.SequenceEqual(ours), $"{file} {element.Name}: pydicom [{string.Join(" | ", theirs)}], ours [{string.Join(" | ", ours)}]");
            compared++;
        }
        Assert.True(compared > 0, $"pydicom reported no charset text elements in {file}");
    }

    /// <summary>Follows "(gggg,eeee)/i/(gggg,eeee)" through sequence items.</summary>
    private static (DicomDataSet Item, DicomTag Tag) Navigate(DicomDataSet root, string path)
    {
        var parts = path.Split('/');
        var item = root;
        for (var i = 0; i < parts.Length - 1; i += 2)
        {
            var sequence = item.GetSequence(DicomTag.Parse(parts[i]));
            Assert.True(sequence is not null, $"no sequence {parts[i]} on the way to {path}");
            item = sequence.Items[int.Parse(parts[i + 1], System.Globalization.CultureInfo.InvariantCulture)];
        }
        return (item, DicomTag.Parse(parts[^1]));
    }
}
