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
    public IReadOnlyList<SrItem> Descendants(CodedConcept code) => Index.TryGetValue(code, out var list) ? list : [];

    public SrItem? Descendant(CodedConcept code) => Index.TryGetValue(code, out var list) ? list[0] : null;

    // Extractors look up dozens of concepts below each event: one depth-first pass per item builds the lookup
    // (concept → descendants in document order) the first time it is asked, instead of one walk per lookup.
    private Dictionary<CodedConcept, List<SrItem>> Index => _index ??= BuildIndex();
    private Dictionary<CodedConcept, List<SrItem>>? _index;

    private Dictionary<CodedConcept, List<SrItem>> BuildIndex()
    {
        var index = new Dictionary<CodedConcept, List<SrItem>>();
        void Add(SrItem item)
        {
            foreach (var child in item.Children)
            {
                if (child.Concept is { } concept)
                {
                    if (!index.TryGetValue(concept, out var list)) index[concept] = list = [];
                    list.Add(child);
                }
                Add(child);
            }
        }
        Add(this);
        return index;
    }

    /// <summary>CODE value (Concept Code Sequence) in its domain (SCT) form.</summary>
    public ConceptCode? CodeValueItem => Item.GetCodedConcept(SrTags.ConceptCodeSequence) is { } c ? DoseCodes.ToDomain(c) : null;

    public string? Text => Item.GetString(SrTags.TextValue)?.Trim() is { Length: > 0 } t ? t : null;
    public string? UidValue => Item.GetString(SrTags.Uid)?.Trim();
    /// <summary>DATETIME value: local date and time with its fraction, and the offset written in it or, failing that, the object's Timezone Offset From UTC (0008,0201).</summary>
    public DicomDateTime? DateTimeValue => Item.GetDateTime(SrTags.DateTime);
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
