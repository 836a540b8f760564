using System.Security.Cryptography;
using System.Text;

namespace DoseWatch.Core.Privacy;

/// <summary>
/// A stable pseudonym for a patient: keyed HMAC-SHA256 over the issuer and the patient ID, so the same patient gets the
/// same pseudonym in every study (cumulative dose links on it) while nobody without the key can compute or reverse it
/// (a plain hash of an ID could be found by hashing every possible ID).
/// <para>Canonical input (UTF-8): <c>"dosewatch-patient-v1"</c>, then for the Issuer of Patient ID (0010,0021) and the
/// Patient ID (0010,0020), each with leading and trailing spaces removed (DICOM padding; LO leading spaces are not
/// significant for identity) and an absent issuer taken as empty: the byte length in decimal, <c>":"</c>, the value,
/// <c>";"</c>. The length prefixes keep <c>("AB","C")</c> and <c>("A","BC")</c> apart.</para>
/// <para>Output: <c>"PSN-"</c> and the first 12 bytes of the MAC as upper-case hex (96 bits; 28 characters, fits LO
/// and PN so it can stand as Patient ID and name in exported DICOM).</para>
/// </summary>
public sealed class PatientPseudonym
{
    public const string Prefix = "PSN-";
    private const string Version = "dosewatch-patient-v1";
    private const int MinimumKeyBytes = 32;
    private readonly byte[] _key;

    public PatientPseudonym(ReadOnlySpan<byte> key)
    {
        if (key.Length < MinimumKeyBytes)
            throw new ArgumentException($"The pseudonym key must be at least {MinimumKeyBytes} bytes (got {key.Length}).", nameof(key));
        _key = key.ToArray();
    }

    /// <summary>The pseudonym, or null when there is no patient ID to link on (an empty ID would merge unrelated patients).</summary>
    public string? For(string? issuerOfPatientId, string? patientId)
    {
        var id = patientId?.Trim(' ', '\0');
        if (string.IsNullOrEmpty(id)) return null;
        var mac = HMACSHA256.HashData(_key, CanonicalInput(issuerOfPatientId?.Trim(' ', '\0') ?? "", id));
        return Prefix + Convert.ToHexString(mac, 0, 12);
    }

    public static byte[] CanonicalInput(string issuer, string patientId)
    {
        var text = new StringBuilder(Version);
        foreach (var value in (ReadOnlySpan<string>)[issuer, patientId])
            text.Append(Encoding.UTF8.GetByteCount(value)).Append(':').Append(value).Append(';');
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
