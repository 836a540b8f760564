using System.Buffers.Binary;
using System.Globalization;
using DoseWatch.Core.Domain;
using DoseWatch.Dicom;

namespace DoseWatch.Core.Extraction.Sr;

/// <summary>
/// The extraction's view of one SR content item (PS3.3 C.17.3): concept, value type and value, children. Built
/// leniently from the data set because real dose reports omit relationship types, leave measured value sequences
/// empty and put odd things in numeric values; anything unreadable is simply absent.
/// </summary>
public sealed class SrItem
{
    private static readonly DicomTag ValueTypeTag = new(0x0040, 0xA040);
    private static readonly DicomTag ConceptNameCodeSequence = new(0x0040, 0xA043);
    private static readonly DicomTag ContentSequence = new(0x0040, 0xA730);
    private static readonly DicomTag MeasuredValueSequence = new(0x0040, 0xA300);
    private static readonly DicomTag NumericValueTag = new(0x0040, 0xA30A);
    private static readonly DicomTag FloatingPointValue = new(0x0040, 0xA161);
    private static readonly DicomTag MeasurementUnitsCodeSequence = new(0x0040, 0x08EA);
    private static readonly DicomTag ConceptCodeSequence = new(0x0040, 0xA168);
    private static readonly DicomTag TextValue = new(0x0040, 0xA160);
    private static readonly DicomTag Uid = new(0x0040, 0xA124);
    private static readonly DicomTag DateTimeTag = new(0x0040, 0xA120);
    private static readonly DicomTag PersonNameTag = new(0x0040, 0xA123);
    private static readonly DicomTag CodeValue = new(0x0008, 0x0100);
    private static readonly DicomTag CodingSchemeDesignator = new(0x0008, 0x0102);
    private static readonly DicomTag CodeMeaning = new(0x0008, 0x0104);
    private static readonly DicomTag LongCodeValue = new(0x0008, 0x0119);
    private static readonly DicomTag UrnCodeValue = new(0x0008, 0x0120);

    private const int MaximumDepth = 64;

    private SrItem(string valueType, ConceptCode? concept, IReadOnlyList<SrItem> children, DicomDataSet item)
    {
        ValueType = valueType;
        Concept = concept;
        Children = children;
        Item = item;
    }

    public string ValueType { get; }
    public ConceptCode? Concept { get; }
    public IReadOnlyList<SrItem> Children { get; }

    /// <summary>The underlying data set item, for the rare vendor fix that needs more than the SR view.</summary>
    public DicomDataSet Item { get; }

    /// <summary>The document root: the data set itself is the root content item (PS3.3 C.17.3).</summary>
    public static SrItem Root(DicomDataSet dataSet) => Build(dataSet, 0);

    private static SrItem Build(DicomDataSet item, int depth)
    {
        var children = depth < MaximumDepth && item.GetSequence(ContentSequence) is { } seq
            ? seq.Items.Select(child => Build(child, depth + 1)).ToList()
            : [];
        return new SrItem(item.GetString(ValueTypeTag)?.Trim() ?? "", ReadCode(item.GetSequence(ConceptNameCodeSequence)), children, item);
    }

    public bool Is(ConceptCode code) => DoseCodes.Same(Concept, code);

    /// <summary>Direct children with this concept.</summary>
    public IEnumerable<SrItem> ChildrenWith(ConceptCode code) => Children.Where(c => c.Is(code));

    public SrItem? Child(ConceptCode code) => Children.FirstOrDefault(c => c.Is(code));

    /// <summary>All descendants (depth first, document order) with this concept.</summary>
    public IEnumerable<SrItem> Descendants(ConceptCode code)
    {
        foreach (var child in Children)
        {
            if (child.Is(code)) yield return child;
            foreach (var d in child.Descendants(code)) yield return d;
        }
    }

    public SrItem? Descendant(ConceptCode code) => Descendants(code).FirstOrDefault();

    /// <summary>CODE value (Concept Code Sequence), normalised from legacy SRT.</summary>
    public ConceptCode? CodeValueItem => ReadCode(Item.GetSequence(ConceptCodeSequence)) is { } c ? DoseCodes.Normalise(c) : null;

    public string? Text => Item.GetString(TextValue)?.Trim() is { Length: > 0 } t ? t : null;
    public string? UidValue => Item.GetString(Uid)?.Trim();
    public string? DateTimeValue => Item.GetString(DateTimeTag)?.Trim();
    public string? PersonNameValue => Item.GetString(PersonNameTag)?.Trim();

    /// <summary>NUM: all numeric values (VM 1-n) and the UCUM unit code. Floating Point Value is preferred when present (full precision).</summary>
    public (IReadOnlyList<double> Values, string? Unit) Numeric
    {
        get
        {
            if (Item.GetSequence(MeasuredValueSequence) is not { Items.Count: > 0 } mv) return ([], null);
            var measured = mv.Items[0];
            var unit = ReadCode(measured.GetSequence(MeasurementUnitsCodeSequence))?.Value;
            if (measured.Get(FloatingPointValue) is { Value.Length: >= 8 } fp)
            {
                var values = new List<double>();
                for (var i = 0; i + 8 <= fp.Value.Length; i += 8)
                    values.Add(BinaryPrimitives.ReadDoubleLittleEndian(fp.Value.Span[i..]));
                return (values, unit);
            }
            return (ParseDecimalStrings(measured.GetString(NumericValueTag)), unit);
        }
    }

    /// <summary>DS values, leniently: NUL/space padding, and ',' or '/' where '\' belongs are tolerated; unparsable parts are dropped.</summary>
    internal static IReadOnlyList<double> ParseDecimalStrings(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        var values = new List<double>();
        foreach (var part in text.Split('\\', '/'))
        {
            var s = part.Trim('\0', ' ');
            if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)) values.Add(v);
        }
        return values;
    }

    internal static ConceptCode? ReadCode(DicomSequence? sequence)
    {
        if (sequence is not { Items.Count: > 0 }) return null;
        var item = sequence.Items[0];
        var value = item.GetString(CodeValue) ?? item.GetString(LongCodeValue) ?? item.GetString(UrnCodeValue);
        if (value is null) return null;
        return new ConceptCode(value.Trim(), item.GetString(CodingSchemeDesignator)?.Trim() ?? "", item.GetString(CodeMeaning)?.Trim());
    }

    public override string ToString() => $"{ValueType} {Concept}";
}
