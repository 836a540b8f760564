using System.Collections;

namespace DoseWatch.Dicom;

/// <summary>
/// A data set (or sequence item): elements kept in ascending tag order, as PS3.5 §7.1 requires on the wire.
/// A sequence item knows its parent so that Specific Character Set is inherited (PS3.5 §6.1.2.5.3).
/// </summary>
public sealed partial class DicomDataSet : IEnumerable<DicomElement>
{
    // A list kept sorted by tag: elements arrive in ascending order from the reader, so Set is an append in the usual
    // case, and lookups are a binary search over one array (cheaper than SortedList's two arrays and comparer calls).
    private readonly List<DicomElement> _elements = new();

    public DicomDataSet() { }

    public DicomDataSet(IEnumerable<DicomElement> elements)
    {
        foreach (var e in elements) Set(e);
    }

    /// <summary>The data set this item belongs to, or null at the top level.</summary>
    public DicomDataSet? Parent { get; internal set; }

    public int Count => _elements.Count;

    public bool Contains(DicomTag tag) => IndexOf(tag.Value) >= 0;

    public bool TryGet(DicomTag tag, out DicomElement element)
    {
        var i = IndexOf(tag.Value);
        element = i >= 0 ? _elements[i] : null!;
        return i >= 0;
    }

    public DicomElement? Get(DicomTag tag)
    {
        var i = IndexOf(tag.Value);
        return i >= 0 ? _elements[i] : null;
    }

    /// <summary>Adds or replaces an element; items of a sequence are re-parented to this data set.</summary>
    public DicomDataSet Set(DicomElement element)
    {
        if (element is DicomSequence sq)
            foreach (var item in sq.Items) item.Parent = this;
        var key = element.Tag.Value;
        if (_elements.Count == 0 || _elements[^1].Tag.Value < key)
        {
            _elements.Add(element);
            return this;
        }
        var i = IndexOf(key);
        if (i >= 0) _elements[i] = element;
        else _elements.Insert(~i, element);
        return this;
    }

    public bool Remove(DicomTag tag)
    {
        var i = IndexOf(tag.Value);
        if (i < 0) return false;
        _elements.RemoveAt(i);
        return true;
    }

    public DicomSequence? GetSequence(DicomTag tag) => Get(tag) as DicomSequence;

    /// <summary>Elements in the given group only (e.g. group 0002 for the file meta information).</summary>
    public IEnumerable<DicomElement> Group(ushort group) => _elements.Where(e => e.Tag.Group == group);

    public IEnumerator<DicomElement> GetEnumerator() => _elements.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Index of the tag, or the bitwise complement of where it would be inserted (as Array.BinarySearch).</summary>
    private int IndexOf(uint key)
    {
        int lo = 0, hi = _elements.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var k = _elements[mid].Tag.Value;
            if (k == key) return mid;
            if (k < key) lo = mid + 1;
            else hi = mid - 1;
        }
        return ~lo;
    }
}
