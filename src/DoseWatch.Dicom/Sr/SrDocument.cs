namespace DoseWatch.Dicom.Sr;

/// <summary>
/// A structured report's content tree (PS3.3 C.17.2/C.17.3). The document root is the top-level data set itself: its
/// concept name is the document title (e.g. DCM 113701 "X-Ray Radiation Dose Report") and its Content Template Sequence
/// names the root template (TID 10011, 10001, 10021…). Building the view never throws: whatever a data set holds
/// (even no SR content at all) is exposed as found.
/// </summary>
public sealed class SrDocument
{
    private SrDocument(DicomDataSet dataSet)
    {
        DataSet = dataSet;
        Root = new ContentItem(this, dataSet, null);
        var template = dataSet.GetSequence(SrTags.ContentTemplateSequence)?.Items.FirstOrDefault();
        TemplateIdentifier = template?.GetString(SrTags.TemplateIdentifier);
        MappingResource = template?.GetString(SrTags.MappingResource);
    }

    public static SrDocument From(DicomDataSet dataSet) => new(dataSet);

    public DicomDataSet DataSet { get; }

    /// <summary>The root content item (normally a CONTAINER).</summary>
    public ContentItem Root { get; }

    /// <summary>The document title: the root's Concept Name.</summary>
    public CodedConcept? Title => Root.ConceptName;

    /// <summary>Template Identifier (0040,DB00) of the root's Content Template Sequence, e.g. "10011"; null when not sent.</summary>
    public string? TemplateIdentifier { get; }

    /// <summary>Mapping Resource (0008,0105) of that template, normally "DCMR".</summary>
    public string? MappingResource { get; }

    public string? SopClassUid => DataSet.GetString(DicomTag.SopClassUid);

    public string? CompletionFlag => DataSet.GetString(SrTags.CompletionFlag);

    public string? VerificationFlag => DataSet.GetString(SrTags.VerificationFlag);

    /// <summary>True for the SR storage SOP classes (1.2.840.10008.5.1.4.1.1.88.*).</summary>
    public bool IsStructuredReportSopClass => SopClassUid?.StartsWith("1.2.840.10008.5.1.4.1.1.88.", StringComparison.Ordinal) == true;

    /// <summary>
    /// Follows a Referenced Content Item Identifier (PS3.3 C.17.3.2.5): the first value designates the root, each
    /// further value the 1-based position among the previous item's children. Null for a path that leads nowhere.
    /// </summary>
    public ContentItem? Resolve(IReadOnlyList<uint> identifier)
    {
        if (identifier.Count == 0 || identifier[0] != 1) return null;
        var item = Root;
        for (var i = 1; i < identifier.Count; i++)
        {
            var position = identifier[i];
            if (position < 1 || position > item.Content.Count) return null;
            item = item.Content[(int)position - 1];
        }
        return item;
    }
}
