using System.Collections;

namespace DoseWatch.Dicom;

/// <summary>
/// A data set (or sequence item): elements kept in ascending tag order, as PS3.5 §7.1 requires on the wire.
/// A sequence item knows its parent so that Specific Character Set is inherited (PS3.5 §6.1.2.5.3).
/// </summary>
public sealed partial class DicomDataSet : IEnumerable<DicomElement>
{
    private readonly SortedList<uint, DicomElement> _elements = new();

    public DicomDataSet() { }

    public DicomDataSet(IEnumerable<DicomElement> elements)
    {
        foreach (var e in elements) Set(e);
    }

    /// <summary>The data set this item belongs to, or null at the top level.</summary>
    public DicomDataSet? Parent { get; internal set; }

    public int Count => _elements.Count;

    public bool Contains(DicomTag tag) => _elements.ContainsKey(tag.Value);

    public bool TryGet(DicomTag tag, out DicomElement element) => _elements.TryGetValue(tag.Value, out element!);

    public DicomElement? Get(DicomTag tag) => _elements.GetValueOrDefault(tag.Value);

    /// <summary>Adds or replaces an element; items of a sequence are re-parented to this data set.</summary>
    public DicomDataSet Set(DicomElement element)
    {
        if (element is DicomSequence sq)
            foreach (var item in sq.Items) item.Parent = this;
        _elements[element.Tag.Value] = element;
        return this;
    }

    public bool Remove(DicomTag tag) => _elements.Remove(tag.Value);

    public DicomSequence? GetSequence(DicomTag tag) => Get(tag) as DicomSequence;

    /// <summary>Elements in the given group only (e.g. group 0002 for the file meta information).</summary>
    public IEnumerable<DicomElement> Group(ushort group) => _elements.Values.Where(e => e.Tag.Group == group);

    public IEnumerator<DicomElement> GetEnumerator() => _elements.Values.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
