using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using DoseWatch.Core.Privacy;
using DoseWatch.Dicom;

namespace DoseWatch.Cli.Commands;

/// <summary>
/// <c>dosewatch dump FILE</c>: prints a data set the way DCMTK's dcmdump does (tag, VR, value, then
/// "# length, VM Keyword"), so operators used to dcmdump can read it and diff the two. A stored object encrypted at rest
/// (<c>data/inbox/*.dcm</c>) is opened with the installation's keys: configured ones (<c>DoseWatch__Privacy__…</c>), else
/// the key files of the data directory the object lies in.
/// </summary>
public static class DumpCommand
{
    private const int ValueColumn = 40;
    private const int ShortValueLimit = 64;

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var stopBeforePixels = args.Contains("--stop-before-pixels");
        var longValues = args.Contains("--long") || args.Contains("+L");
        var files = args.Where(a => !a.StartsWith('-') && a != "+L").ToList();
        if (files.Count == 0)
        {
            error.WriteLine("usage: dosewatch dump FILE [--stop-before-pixels] [--long]");
            return 2;
        }
        var status = 0;
        foreach (var path in files)
        {
            try
            {
                var options = new DicomReadOptions { StopBeforePixelData = stopBeforePixels };
                var file = StoredObjectCipher.SealingKeyId(path) is null ? DicomReader.ReadFile(path, options) : StoredObjectsOf(path).ReadDicom(path, options);
                Print(file, new DumpWriter(output, longValues));
            }
            catch (DicomFormatException ex)
            {
                error.WriteLine($"dosewatch dump: {path}: {ex.Message}");
                status = 1;
            }
            catch (IOException ex)
            {
                error.WriteLine($"dosewatch dump: {path}: {ex.Message}");
                status = 1;
            }
        }
        return status;
    }

    private static StoredObjectCipher StoredObjectsOf(string storedPath)
    {
        var privacy = LocalDatabase.PrivacyFromEnvironment();
        var dataDirectory = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(storedPath)))!; // <data>/inbox/<uid>.dcm
        return new StoredObjectCipher(EncryptionKeyRing.Resolve(privacy.EncryptionKeys, privacy.ResolveKeyDirectory(dataDirectory)));
    }

    public static void Print(DicomFile file, DumpWriter writer)
    {
        writer.Out.WriteLine();
        if (file.Meta.Count > 0)
        {
            writer.Out.WriteLine("# Dicom-File-Format");
            writer.Out.WriteLine();
            writer.Out.WriteLine("# Dicom-Meta-Information-Header");
            writer.Out.WriteLine("# Used TransferSyntax: Little Endian Explicit");
            writer.WriteDataSet(file.Meta, 0);
            writer.Out.WriteLine();
        }
        writer.Out.WriteLine("# Dicom-Data-Set");
        writer.Out.WriteLine($"# Used TransferSyntax: {file.TransferSyntax.Name}");
        writer.WriteDataSet(file.DataSet, 0);
    }

    public sealed class DumpWriter(TextWriter output, bool longValues)
    {
        public TextWriter Out => output;

        public void WriteDataSet(DicomDataSet dataSet, int depth)
        {
            foreach (var e in dataSet) WriteElement(e, depth);
        }

        private void WriteElement(DicomElement e, int depth)
        {
            switch (e)
            {
                case DicomSequence sq:
                    Line(depth, e.Tag, e.VR.Name, $"(Sequence #={sq.Items.Count})", "u/l", 1, Keyword(e.Tag));
                    foreach (var item in sq.Items)
                    {
                        Line(depth + 1, DicomTag.Item, "na", $"(Item #={item.Count})", "u/l", 1, "Item");
                        WriteDataSet(item, depth + 2);
                        Line(depth + 1, DicomTag.ItemDelimitationItem, "na", "(ItemDelimitationItem)", "0", 0, "ItemDelimitationItem");
                    }
                    Line(depth, DicomTag.SequenceDelimitationItem, "na", "(SequenceDelimitationItem)", "0", 0, "SequenceDelimitationItem");
                    return;
                case DicomFragments f:
                    Line(depth, e.Tag, e.VR.Name, $"(PixelSequence #={f.Fragments.Count + 1})", "u/l", 1, Keyword(e.Tag));
                    foreach (var fragment in f.Fragments.Prepend(f.OffsetTable))
                        Line(depth + 1, DicomTag.Item, "pi", fragment.IsEmpty ? "(no value available)" : Truncate(Hex(fragment.Span, 1)), fragment.Length.ToString(CultureInfo.InvariantCulture), 1, "Item");
                    Line(depth, DicomTag.SequenceDelimitationItem, "na", "(SequenceDelimitationItem)", "0", 0, "SequenceDelimitationItem");
                    return;
            }
            var length = e.Length.ToString(CultureInfo.InvariantCulture);
            if (e.IsValueSkipped)
            {
                Line(depth, e.Tag, e.VR.Name, "(not loaded)", length, 1, Keyword(e.Tag));
                return;
            }
            if (e.Value.IsEmpty)
            {
                // dcmdump counts an empty OB/OW/UN/... as one (empty) value, an empty string or number as none.
                var emptyVM = e.VR == DicomVR.UN || e.VR.Name[0] == 'O' || !e.VR.IsKnown ? 1 : 0;
                Line(depth, e.Tag, e.VR.Name, "(no value available)", length, emptyVM, Keyword(e.Tag));
                return;
            }
            var (text, vm) = Format(e);
            Line(depth, e.Tag, e.VR.Name, Truncate(text), length, vm, Keyword(e.Tag));
        }

        private string Truncate(string text) =>
            longValues || text.Length <= ShortValueLimit ? text : string.Concat(text.AsSpan(0, ShortValueLimit - 3), "...");

        private void Line(int depth, DicomTag tag, string vr, string value, string length, int vm, string keyword)
        {
            var left = $"{new string(' ', 2 * depth)}({tag.Group:x4},{tag.Element:x4}) {vr} {value}";
            output.WriteLine($"{left.PadRight(2 * depth + ValueColumn + 12)} # {length,3}, {vm} {keyword}");
        }

        // dcmdump's wording for tags no dictionary names.
        private static string Keyword(DicomTag tag) => DicomDictionary.Lookup(tag)?.Keyword ?? "Unknown Tag & Data";
    }

    /// <summary>The value as dcmdump shows it: strings in brackets (padding stripped), numbers joined by '\', bytes in hex.</summary>
    internal static (string Text, int VM) Format(DicomElement e)
    {
        var v = e.Value.Span;
        var vr = e.VR;
        if (vr.IsString)
        {
            // Like dcmdump: trailing NUL padding (UI) is not shown, a trailing space is.
            var s = Encoding.Latin1.GetString(v).TrimEnd('\0');
            return ($"[{s}]", s.Length == 0 ? 0 : s.Count(c => c == '\\') + 1);
        }
        if (vr == DicomVR.OB || vr == DicomVR.UN || !vr.IsKnown) return (Hex(v, 1), 1);
        if (vr == DicomVR.OW) return (Hex(v, 2), 1);
        if (vr == DicomVR.OL || vr == DicomVR.OV) return (Hex(v, vr.UnitSize), 1);
        var unit = vr == DicomVR.AT ? 4 : vr.UnitSize; // an AT value is a (group, element) pair
        var asNumber = vr == DicomVR.OF ? "FL" : vr == DicomVR.OD ? "FD" : vr.Name; // dcmdump prints OF/OD as numbers
        var count = v.Length / unit;
        var parts = new string[count];
        for (var i = 0; i < count; i++)
        {
            var u = v.Slice(i * unit, unit);
            parts[i] = asNumber switch
            {
                "US" => BinaryPrimitives.ReadUInt16LittleEndian(u).ToString(CultureInfo.InvariantCulture),
                "SS" => BinaryPrimitives.ReadInt16LittleEndian(u).ToString(CultureInfo.InvariantCulture),
                "UL" => BinaryPrimitives.ReadUInt32LittleEndian(u).ToString(CultureInfo.InvariantCulture),
                "SL" => BinaryPrimitives.ReadInt32LittleEndian(u).ToString(CultureInfo.InvariantCulture),
                "UV" => BinaryPrimitives.ReadUInt64LittleEndian(u).ToString(CultureInfo.InvariantCulture),
                "SV" => BinaryPrimitives.ReadInt64LittleEndian(u).ToString(CultureInfo.InvariantCulture),
                "FL" => BinaryPrimitives.ReadSingleLittleEndian(u).ToString("G9", CultureInfo.InvariantCulture),
                "FD" => BinaryPrimitives.ReadDoubleLittleEndian(u).ToString("G17", CultureInfo.InvariantCulture),
                "AT" => $"({BinaryPrimitives.ReadUInt16LittleEndian(u):x4},{BinaryPrimitives.ReadUInt16LittleEndian(u[2..]):x4})",
                _ => Convert.ToHexStringLower(u),
            };
        }
        return (string.Join('\\', parts), count);
    }

    private static string Hex(ReadOnlySpan<byte> v, int unit)
    {
        var sb = new StringBuilder(v.Length * 3);
        for (var i = 0; i + unit <= v.Length; i += unit)
        {
            if (i > 0) sb.Append('\\');
            for (var b = unit - 1; b >= 0; b--) sb.Append(v[i + b].ToString("x2", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}
