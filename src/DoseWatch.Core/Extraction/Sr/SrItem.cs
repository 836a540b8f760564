using DoseWatch.Core.Domain;
using DoseWatch.Dicom;
using DoseWatch.Dicom.Sr;

namespace DoseWatch.Core.Extraction.Sr;

/// <summary>
/// The extractors' view of one SR content item, over the toolkit's <see cref="ContentItem"/>: concept lookups by code
/// (value + scheme), values read leniently whatever the declared value type (vendors mislabel items), codes handed to
/// the domain in their SCT form.
/// </summary>
public sealed class SrItem
{
    private const int MaximumDepth = 64;
    private readonly int _depth;
    private readonly Lazy<IReadOnlyList<SrItem>> _children;

    private SrItem(ContentItem item, int depth)
    {
        Content = item;
        _depth = depth;
        _children = new(() => _depth >= MaximumDepth ? [] : Content.Content.Select(c => new SrItem(c, _depth + 1)).ToList());
    }

    public ContentItem Content { get; }

    public DicomDataSet Item => Content.DataSet;

    public CodedConcept? Concept => Content.ConceptName;

    public IReadOnlyList<SrItem> Children => _children.Value;

    /// <summary>The document root: the data set itself is the root content item (PS3.3 C.17.3).</summary>
    public static SrItem Root(DicomDataSet dataSet) => new(SrDocument.From(dataSet).Root, 0);

    public bool Is(CodedConcept code) => Concept == code;

    public SrItem? Child(CodedConcept code) => Children.FirstOrDefault(c => c.Is(code));

    /// <summary>All descendants (depth first, document order) with this concept.</summary>
    public IEnumerable<SrItem> Descendants(CodedConcept code)
    {
        foreach (var child in Children)
        {
            if (child.Is(code)) yield return child;
            foreach (var d in child.Descendants(code)) yield return d;
        }
    }

    public SrItem? Descendant(CodedConcept code) => Descendants(code).FirstOrDefault();

    /// <summary>CODE value (Concept Code Sequence) in its domain (SCT) form.</summary>
    public ConceptCode? CodeValueItem => Item.GetCodedConcept(SrTags.ConceptCodeSequence) is { } c ? DoseCodes.ToDomain(c) : null;

    public string? Text => Item.GetString(SrTags.TextValue)?.Trim() is { Length: > 0 } t ? t : null;
    public string? UidValue => Item.GetString(SrTags.Uid)?.Trim();
    public string? DateTimeValue => Item.GetString(SrTags.DateTime)?.Trim();
    public string? PersonNameValue => Item.GetString(SrTags.PersonName)?.Trim();

    /// <summary>NUM: all numeric values (VM 1-n) and the unit's UCUM code.</summary>
    public (IReadOnlyList<double> Values, string? Unit) Numeric
    {
        get
        {
            var measured = Content.MeasuredValue;
            return measured is null ? ([], null) : (measured.Values, measured.Units?.CodeValue);
        }
    }

    public override string ToString() => Content.ToString();
}
