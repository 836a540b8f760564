namespace DoseWatch.Dicom.Sr;

/// <summary>
/// Value Type (0040,A040) of a content item (PS3.3 C.17.3.2.1). Named SrValueType rather than ValueType so that code
/// importing both System and this namespace is not ambiguous with System.ValueType.
/// </summary>
public enum SrValueType
{
    /// <summary>No Value Type: a by-reference item (Referenced Content Item Identifier) or a vendor omission.</summary>
    None,
    /// <summary>A value type this code does not know (the text is kept in <see cref="ContentItem.ValueTypeText"/>).</summary>
    Unknown,
    Container, Text, Code, Num, DateTime, Date, Time, UidRef, PName, Composite, Image, Waveform, SCoord, SCoord3D, TCoord, Table,
}

/// <summary>Relationship Type (0040,A010) between a content item and its parent (PS3.3 C.17.3.2.4).</summary>
public enum RelationshipType
{
    /// <summary>Absent: the document root, or a vendor that left it out (tolerated).</summary>
    None,
    /// <summary>A term this code does not know (the text is kept in <see cref="ContentItem.RelationshipTypeText"/>).</summary>
    Unknown,
    Contains, HasProperties, HasObsContext, HasAcqContext, HasConceptMod, InferredFrom, SelectedFrom,
}

internal static class SrEnumText
{
    public static SrValueType ParseValueType(string? text) => text?.Trim().ToUpperInvariant() switch
    {
        null or "" => SrValueType.None,
        "CONTAINER" => SrValueType.Container, "TEXT" => SrValueType.Text, "CODE" => SrValueType.Code, "NUM" => SrValueType.Num,
        "DATETIME" => SrValueType.DateTime, "DATE" => SrValueType.Date, "TIME" => SrValueType.Time, "UIDREF" => SrValueType.UidRef,
        "PNAME" => SrValueType.PName, "COMPOSITE" => SrValueType.Composite, "IMAGE" => SrValueType.Image,
        "WAVEFORM" => SrValueType.Waveform, "SCOORD" => SrValueType.SCoord, "SCOORD3D" => SrValueType.SCoord3D,
        "TCOORD" => SrValueType.TCoord, "TABLE" => SrValueType.Table,
        _ => SrValueType.Unknown,
    };

    public static RelationshipType ParseRelationshipType(string? text) => text?.Trim().ToUpperInvariant() switch
    {
        null or "" => RelationshipType.None,
        "CONTAINS" => RelationshipType.Contains, "HAS PROPERTIES" => RelationshipType.HasProperties,
        "HAS OBS CONTEXT" => RelationshipType.HasObsContext, "HAS ACQ CONTEXT" => RelationshipType.HasAcqContext,
        "HAS CONCEPT MOD" => RelationshipType.HasConceptMod, "INFERRED FROM" => RelationshipType.InferredFrom,
        "SELECTED FROM" => RelationshipType.SelectedFrom,
        _ => RelationshipType.Unknown,
    };
}
