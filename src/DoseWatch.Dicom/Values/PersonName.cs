namespace DoseWatch.Dicom;

/// <summary>
/// One component group of a person name (PS3.5 §6.2.1): family name complex, given name complex, middle name,
/// name prefix, name suffix. Missing components are empty strings.
/// </summary>
public sealed record PersonNameGroup(string FamilyName, string GivenName, string MiddleName, string NamePrefix, string NameSuffix)
{
    public static readonly PersonNameGroup Empty = new("", "", "", "", "");

    public bool IsEmpty => this == Empty;

    public static PersonNameGroup Parse(string group)
    {
        var c = group.Split('^');
        string At(int i) => i < c.Length ? c[i].Trim(' ') : "";
        return new PersonNameGroup(At(0), At(1), At(2), At(3), At(4));
    }

    /// <summary>The DICOM form, without trailing empty components.</summary>
    public override string ToString() => string.Join('^', FamilyName, GivenName, MiddleName, NamePrefix, NameSuffix).TrimEnd('^');
}

/// <summary>
/// A PN value (PS3.5 §6.2.1): up to three component groups separated by '=': alphabetic, ideographic, phonetic.
/// <see cref="Text"/> keeps the decoded value as written.
/// </summary>
public sealed record PersonName(string Text, PersonNameGroup Alphabetic, PersonNameGroup Ideographic, PersonNameGroup Phonetic)
{
    public static PersonName Parse(string text)
    {
        var groups = text.Split('=');
        PersonNameGroup At(int i) => i < groups.Length ? PersonNameGroup.Parse(groups[i]) : PersonNameGroup.Empty;
        return new PersonName(text, At(0), At(1), At(2));
    }

    public bool IsEmpty => Alphabetic.IsEmpty && Ideographic.IsEmpty && Phonetic.IsEmpty;

    public override string ToString() => Text;
}
