namespace DoseWatch.Dicom.Sr;

/// <summary>
/// A node of an SR content tree (PS3.3 C.17.3): a Content Sequence item (or the document root), with its relationship
/// to the parent, concept name, value and children. Values are read from the item on demand; a value accessor for
/// another value type returns null. Lookups match concept names by code value and scheme only (see
/// <see cref="CodedConcept"/>), never by meaning.
/// </summary>
public sealed class ContentItem
{
    private readonly SrDocument _document;
    private readonly Lazy<IReadOnlyList<ContentItem>> _content;

    internal ContentItem(SrDocument document, DicomDataSet dataSet, ContentItem? parent)
    {
        _document = document;
        DataSet = dataSet;
        Parent = parent;
        RelationshipTypeText = dataSet.GetString(SrTags.RelationshipType);
        RelationshipType = SrEnumText.ParseRelationshipType(RelationshipTypeText);
        ValueTypeText = dataSet.GetString(SrTags.ValueType);
        ValueType = SrEnumText.ParseValueType(ValueTypeText);
        ConceptName = dataSet.GetCodedConcept(SrTags.ConceptNameCodeSequence);
        _content = new Lazy<IReadOnlyList<ContentItem>>(
            () => DataSet.GetSequence(SrTags.ContentSequence)?.Items.Select(i => new ContentItem(_document, i, this)).ToArray() ?? []);
    }

    /// <summary>The item's attributes, for anything this view does not interpret (SCOORD/TCOORD data, private attributes).</summary>
    public DicomDataSet DataSet { get; }

    public ContentItem? Parent { get; }

    public RelationshipType RelationshipType { get; }
    public string? RelationshipTypeText { get; }
    public SrValueType ValueType { get; }
    public string? ValueTypeText { get; }

    /// <summary>Concept Name Code Sequence (0040,A043); null when absent (allowed for some CONTAINERs and by-reference items).</summary>
    public CodedConcept? ConceptName { get; }

    /// <summary>Observation DateTime (0040,A032), when the item carries one.</summary>
    public DicomDateTime? ObservationDateTime => DataSet.GetDateTime(SrTags.ObservationDateTime);

    /// <summary>CONTAINER: Continuity Of Content (0040,A050), SEPARATE or CONTINUOUS.</summary>
    public string? ContinuityOfContent => DataSet.GetString(SrTags.ContinuityOfContent);

    /// <summary>The children (Content Sequence (0040,A730)) in document order.</summary>
    public IReadOnlyList<ContentItem> Content => _content.Value;

    // ---- values ----------------------------------------------------------------------------------------------------

    public string? Text => ValueType == SrValueType.Text ? DataSet.GetString(SrTags.TextValue) : null;

    /// <summary>CODE value: Concept Code Sequence (0040,A168).</summary>
    public CodedConcept? Code => ValueType == SrValueType.Code ? DataSet.GetCodedConcept(SrTags.ConceptCodeSequence) : null;

    /// <summary>NUM value; its <see cref="Sr.MeasuredValue.Value"/> is null when the device sent no number.</summary>
    public MeasuredValue? MeasuredValue => ValueType == SrValueType.Num ? MeasuredValue.From(DataSet) : null;

    public string? Uid => ValueType == SrValueType.UidRef ? DataSet.GetString(SrTags.Uid) : null;

    public DicomDateTime? DateTime => ValueType == SrValueType.DateTime ? DataSet.GetDateTime(SrTags.DateTime) : null;

    public DateOnly? Date => ValueType == SrValueType.Date ? DataSet.GetDate(SrTags.Date) : null;

    public TimeOnly? Time => ValueType == SrValueType.Time ? DataSet.GetTime(SrTags.Time) : null;

    public PersonName? PersonName => ValueType == SrValueType.PName ? DataSet.GetPersonName(SrTags.PersonName) : null;

    /// <summary>IMAGE, COMPOSITE and WAVEFORM references (Referenced SOP Sequence (0008,1199)).</summary>
    public IReadOnlyList<ReferencedSop> ReferencedSops =>
        DataSet.GetSequence(SrTags.ReferencedSopSequence)?.Items
            .Select(i => new ReferencedSop(i.GetString(SrTags.ReferencedSopClassUid), i.GetString(SrTags.ReferencedSopInstanceUid),
                i.GetIntegers(SrTags.ReferencedFrameNumber).OfType<long>().ToArray()))
            .ToArray() ?? [];

    /// <summary>SCOORD/SCOORD3D Graphic Type (0070,0023), kept as text.</summary>
    public string? GraphicType => DataSet.GetString(SrTags.GraphicType);

    /// <summary>SCOORD/SCOORD3D Graphic Data (0070,0022) as written (FL), uninterpreted.</summary>
    public float[] GraphicData => DataSet.GetBinaryValues<float>(SrTags.GraphicData);

    /// <summary>The item's value as an object of the type its value type implies; null for CONTAINER and by-reference items.</summary>
    public object? Value => ValueType switch
    {
        SrValueType.Text => Text,
        SrValueType.Code => Code,
        SrValueType.Num => MeasuredValue,
        SrValueType.UidRef => Uid,
        SrValueType.DateTime => DateTime,
        SrValueType.Date => Date,
        SrValueType.Time => Time,
        SrValueType.PName => PersonName,
        SrValueType.Image or SrValueType.Composite or SrValueType.Waveform => ReferencedSops,
        _ => null,
    };

    // ---- by-reference relationships (PS3.3 C.17.3.2.5) ------------------------------------------------------------

    /// <summary>Referenced Content Item Identifier (0040,DB73): the path of 1-based positions from the root; empty for by-value items.</summary>
    public uint[] ReferencedContentItemIdentifier => DataSet.GetBinaryValues<uint>(SrTags.ReferencedContentItemIdentifier);

    public bool IsByReference => ReferencedContentItemIdentifier.Length > 0;

    /// <summary>The item a by-reference relationship points at; null for by-value items or a path that leads nowhere.</summary>
    public ContentItem? ReferencedItem => IsByReference ? _document.Resolve(ReferencedContentItemIdentifier) : null;

    // ---- lookup by concept code ------------------------------------------------------------------------------------

    /// <summary>Direct children whose concept name is <paramref name="concept"/>.</summary>
    public IEnumerable<ContentItem> Children(CodedConcept concept) => Content.Where(c => c.ConceptName == concept);

    /// <summary>The first direct child with concept name <paramref name="concept"/>, or null.</summary>
    public ContentItem? Child(CodedConcept concept) => Children(concept).FirstOrDefault();

    /// <summary>Every item below this one, in document order (depth first). By-reference items are listed, not followed.</summary>
    public IEnumerable<ContentItem> Descendants()
    {
        // Explicit stack: a deep (or hostile) tree must not overflow the call stack.
        var stack = new Stack<(ContentItem Item, int Next)>();
        stack.Push((this, 0));
        while (stack.Count > 0)
        {
            var (item, next) = stack.Pop();
            if (next >= item.Content.Count) continue;
            stack.Push((item, next + 1));
            var child = item.Content[next];
            yield return child;
            stack.Push((child, 0));
        }
    }

    /// <summary>Descendants with concept name <paramref name="concept"/>, in document order.</summary>
    public IEnumerable<ContentItem> FindAll(CodedConcept concept) => Descendants().Where(c => c.ConceptName == concept);

    /// <summary>The first descendant with concept name <paramref name="concept"/>, or null.</summary>
    public ContentItem? Find(CodedConcept concept) => FindAll(concept).FirstOrDefault();

    /// <summary>The item reached by following <paramref name="path"/> one level at a time (first match per level), or null.</summary>
    public ContentItem? Find(params CodedConcept[] path)
    {
        ContentItem? item = this;
        foreach (var step in path) item = item?.Child(step);
        return item;
    }

    /// <summary>The measured value of the first NUM descendant with concept name <paramref name="concept"/>, or null when there is none.</summary>
    public MeasuredValue? FirstNum(CodedConcept concept) =>
        FindAll(concept).FirstOrDefault(c => c.ValueType == SrValueType.Num)?.MeasuredValue;

    public override string ToString() =>
        $"{RelationshipTypeText ?? "(root)"} {ValueTypeText} {ConceptName?.ToString() ?? "(no concept)"}" + (Value is { } v and not IReadOnlyList<ReferencedSop> ? $" = {v}" : "");
}
