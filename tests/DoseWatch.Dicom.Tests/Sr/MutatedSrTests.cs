using DoseWatch.Dicom.Sr;
using DoseWatch.Tests;

namespace DoseWatch.Dicom.Tests.Sr;

/// <summary>
/// The typed accessors and the content tree never throw on whatever the reader accepts: deterministic mutations
/// (flipped bytes, overwritten runs) of every SR sample are read; each one the reader accepts is walked completely
/// and every element is read through every accessor.
/// </summary>
public class MutatedSrTests
{
    private const int MaxMutationsPerFile = 20;

    // Every accessor on every element of a large report costs; keep the total bytes walked per file roughly equal.
    private static int MutationsFor(int length) => Math.Clamp(2_000_000 / Math.Max(1, length), 4, MaxMutationsPerFile);

    public static TheoryData<string> SrSamples() =>
        new(SharedSamples.All().Where(s => Path.GetFileName(s).Contains("SR", StringComparison.Ordinal) || s.StartsWith("pyskindose", StringComparison.Ordinal) || s.StartsWith("dcm4che", StringComparison.Ordinal)));

    [SamplesTheory]
    [MemberData(nameof(SrSamples))]
    public void Accessors_and_tree_survive_mutated_files(string sample)
    {
        var path = SharedSamples.Path_(sample);
        // A deflated data set is mutated after inflating: flipping compressed bytes would test the inflater, not the SR view.
        var original = DicomReader.ReadFile(path).TransferSyntax.IsDeflated ? Inflated(path) : File.ReadAllBytes(path);
        // string.GetHashCode is randomised per process: derive the seed from the name's bytes so every run mutates alike.
        var random = new Random(sample.Aggregate(17, (h, c) => unchecked(h * 31 + c)) ^ original.Length);
        var accepted = 0;
        for (var m = 0; m < MutationsFor(original.Length); m++)
        {
            var bytes = (byte[])original.Clone();
            var start = 132 + random.Next(bytes.Length - 132);
            var run = random.Next(1, 5);
            for (var i = start; i < Math.Min(bytes.Length, start + run); i++) bytes[i] = (byte)random.Next(256);
            DicomDataSet dataSet;
            try { dataSet = DicomReader.Read(new MemoryStream(bytes)).DataSet; }
            catch (DicomFormatException) { continue; } // the reader's one typed error: not this test's concern
            accepted++;
            ReadEverything(dataSet);
        }
        Assert.True(accepted > 0, $"no mutation of {sample} was readable; the test exercised nothing");
    }

    private static byte[] Inflated(string path)
    {
        var file = DicomReader.ReadFile(path);
        using var output = new MemoryStream();
        DicomWriter.WriteFile(output, new DicomFile(file.Meta, file.DataSet, DicomTransferSyntax.ExplicitVRLittleEndian));
        return output.ToArray();
    }

    private static void ReadEverything(DicomDataSet root)
    {
        var document = SrDocument.From(root);
        foreach (var item in new[] { document.Root }.Concat(document.Root.Descendants()))
        {
            _ = item.Value;
            _ = item.ReferencedItem;
            _ = item.GraphicData;
            _ = item.ToString();
        }
        _ = document.Root.FirstNum(new CodedConcept("113813", "DCM"));
        var pending = new Stack<DicomDataSet>([root]);
        while (pending.Count > 0)
        {
            var ds = pending.Pop();
            _ = ds.CharacterSet.Warnings;
            foreach (var e in ds)
            {
                if (e is DicomSequence sq)
                {
                    foreach (var i in sq.Items) pending.Push(i);
                    _ = ds.GetCodedConcepts(e.Tag);
                    continue;
                }
                _ = ds.GetStrings(e.Tag);
                _ = ds.GetDoubles(e.Tag);
                _ = ds.GetDecimals(e.Tag);
                _ = ds.GetIntegers(e.Tag);
                _ = ds.GetDateTime(e.Tag);
                _ = ds.GetDate(e.Tag);
                _ = ds.GetTime(e.Tag);
                _ = ds.GetPersonNames(e.Tag);
                _ = ds.GetTags(e.Tag);
            }
        }
    }
}
