using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace DoseWatch.Core.Privacy;

/// <summary>A study's patient as the database keeps it: the direct identifiers sealed (null when there are none to
/// keep, e.g. in pseudonymous mode) and the pseudonym in the clear, because studies are joined and searched on it.</summary>
public sealed record StoredPatientIdentity(byte[]? SealedIdentifiers, string? Pseudonym)
{
    public static readonly StoredPatientIdentity Unknown = new(null, null);
}

/// <summary>
/// Patient name, ID, issuer and birth date encrypted before they reach the database (AES-256-GCM under the
/// <see cref="EncryptionKeyRing"/>, whose keys live outside the database), bound to their study so a sealed value
/// copied onto another study's row does not open there.
/// <para>Format: version 1 (1 byte) | key id (8) | nonce (12, random) | ciphertext | tag (16). Key =
/// HKDF-SHA256(ring key, no salt, "dosewatch-patient-identity-v1"); AAD = "dosewatch-patient-identity-v1:" and the
/// Study Instance UID (UTF-8). Plaintext: UTF-8 JSON <c>{"name","id","issuer","birthDate"}</c>.</para>
/// </summary>
public sealed class PatientIdentityCipher(EncryptionKeyRing keys)
{
    private const byte Version = 1;
    private const string Purpose = "dosewatch-patient-identity-v1";
    private const int NonceBytes = 12, TagBytes = 16;
    private const int HeaderBytes = 1 + EncryptionKey.IdBytes + NonceBytes;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public EncryptionKeyRing Keys => keys;

    public StoredPatientIdentity Seal(string studyInstanceUid, PatientIdentity identity)
    {
        if (identity is { Name: null, Id: null, IssuerOfId: null, BirthDate: null }) return new(null, identity.Pseudonym);
        var plain = JsonSerializer.SerializeToUtf8Bytes(new Identifiers(identity.Name, identity.Id, identity.IssuerOfId, identity.BirthDate), Json);
        var key = keys.Current;
        var output = new byte[HeaderBytes + plain.Length + TagBytes];
        output[0] = Version;
        key.Id.CopyTo(output, 1);
        var nonce = output.AsSpan(1 + EncryptionKey.IdBytes, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key.Derive(Purpose), TagBytes);
        aes.Encrypt(nonce, plain, output.AsSpan(HeaderBytes, plain.Length), output.AsSpan(HeaderBytes + plain.Length), Aad(studyInstanceUid));
        CryptographicOperations.ZeroMemory(plain);
        return new(output, identity.Pseudonym);
    }

    /// <summary>The identity as stored; throws <see cref="CryptographicException"/> when the sealed value cannot be opened
    /// (its key is not in the ring, or the value was changed or belongs to another study).</summary>
    public PatientIdentity Open(string studyInstanceUid, StoredPatientIdentity stored)
    {
        if (stored.SealedIdentifiers is not { } sealedBytes) return new(null, null, null, null, stored.Pseudonym);
        if (sealedBytes.Length < HeaderBytes + TagBytes || sealedBytes[0] != Version)
            throw new CryptographicException($"The stored identity of study {studyInstanceUid} is not in a known format.");
        var key = keys.Find(sealedBytes.AsSpan(1, EncryptionKey.IdBytes)) ?? throw new CryptographicException(
            $"The stored identity of study {studyInstanceUid} is sealed with key {KeyIdOf(sealedBytes)}, which is not in the key ring.");
        var length = sealedBytes.Length - HeaderBytes - TagBytes;
        var plain = new byte[length];
        using (var aes = new AesGcm(key.Derive(Purpose), TagBytes))
            aes.Decrypt(sealedBytes.AsSpan(1 + EncryptionKey.IdBytes, NonceBytes), sealedBytes.AsSpan(HeaderBytes, length),
                sealedBytes.AsSpan(HeaderBytes + length, TagBytes), plain, Aad(studyInstanceUid));
        var ids = JsonSerializer.Deserialize<Identifiers>(plain, Json)!;
        return new(ids.Name, ids.Id, ids.Issuer, ids.BirthDate, stored.Pseudonym);
    }

    /// <summary>The key id (hex) a sealed value names, for re-encryption.</summary>
    public static string? KeyIdOf(byte[]? sealedBytes) =>
        sealedBytes is { Length: > 1 + EncryptionKey.IdBytes } ? Convert.ToHexStringLower(sealedBytes.AsSpan(1, EncryptionKey.IdBytes)) : null;

    private static byte[] Aad(string studyInstanceUid) => Encoding.UTF8.GetBytes(Purpose + ":" + studyInstanceUid);

    private sealed record Identifiers(string? Name, string? Id, string? Issuer, string? BirthDate);
}
