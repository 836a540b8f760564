using System.Globalization;
using DoseWatch.Dicom;

namespace DoseWatch.Core.Privacy;

/// <summary>Who the study is about, as stored: direct identifiers (null in pseudonymous mode) and the pseudonym.</summary>
/// <param name="BirthDate">ISO <c>yyyy-MM-dd</c> when the object's DA value is a valid date, else the raw value.</param>
public sealed record PatientIdentity(string? Name, string? Id, string? IssuerOfId, string? BirthDate, string? Pseudonym)
{
    public static readonly PatientIdentity Unknown = new(null, null, null, null, null);

    public static readonly DicomTag IssuerOfPatientIdTag = new(0x0010, 0x0021);
    public static readonly DicomTag PatientBirthDateTag = new(0x0010, 0x0030);

    /// <summary>Only the pseudonym: what pseudonymous mode stores, and what roles without identity see.</summary>
    public PatientIdentity PseudonymOnly() => new(null, null, null, null, Pseudonym);
}

/// <summary>Reads the patient's identity from an object's Patient module and applies the configured <see cref="PrivacyMode"/>.</summary>
public sealed class PatientIdentification(PatientPseudonym pseudonym, PrivacyMode mode)
{
    public PrivacyMode Mode => mode;

    public PatientPseudonym Pseudonym => pseudonym;

    public PatientIdentity Read(DicomDataSet dataSet)
    {
        var id = dataSet.GetString(DicomTag.PatientId);
        var issuer = dataSet.GetString(PatientIdentity.IssuerOfPatientIdTag);
        var identity = new PatientIdentity(
            dataSet.GetString(DicomTag.PatientName),
            id,
            issuer,
            IsoDate(dataSet.GetString(PatientIdentity.PatientBirthDateTag)),
            pseudonym.For(issuer, id));
        return mode == PrivacyMode.Pseudonymous ? identity.PseudonymOnly() : identity;
    }

    private static string? IsoDate(string? da) =>
        da is { Length: 8 } && DateOnly.TryParseExact(da, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : da;
}
