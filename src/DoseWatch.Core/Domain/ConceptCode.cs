namespace DoseWatch.Core.Domain;

/// <summary>
/// A coded concept as DICOM SR carries it: code value and coding scheme identify it; the meaning is for people only
/// and never takes part in equality (meanings changed between editions and vendors send wrong ones).
/// </summary>
public sealed record ConceptCode(string Value, string Scheme, string? Meaning = null)
{
    public bool Equals(ConceptCode? other) =>
        other is not null && string.Equals(Value, other.Value, StringComparison.Ordinal) && string.Equals(Scheme, other.Scheme, StringComparison.Ordinal);

    public override int GetHashCode() => HashCode.Combine(Value, Scheme);

    /// <summary>"value^scheme" as stored in SQL and exchanged by the API.</summary>
    public override string ToString() => $"{Value}^{Scheme}";
}
