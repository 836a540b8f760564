namespace DoseWatch.Core.Privacy;

public enum PrivacyMode
{
    /// <summary>Name, ID and birth date are stored (and shown only to roles that see identity) beside the pseudonym.</summary>
    Identified,

    /// <summary>No direct identifier is stored at all: only the pseudonym links a patient's studies.</summary>
    Pseudonymous,
}

/// <summary>Section <c>DoseWatch:Privacy</c>.</summary>
public sealed class PrivacyOptions
{
    public const string Section = "DoseWatch:Privacy";

    public PrivacyMode Mode { get; set; } = PrivacyMode.Identified;

    /// <summary>Base64 HMAC key (≥ 32 bytes); when empty, one is generated into the data directory (<see cref="PseudonymKey"/>).</summary>
    public string? PseudonymKey { get; set; }

    /// <summary>Encryption keys by number (base64, ≥ 32 bytes each; the highest number is current), e.g.
    /// <c>DoseWatch:Privacy:EncryptionKeys:1</c>. When none is set, the key files of <see cref="KeyDirectory"/> are used
    /// (<see cref="EncryptionKeyRing"/>).</summary>
    public Dictionary<string, string> EncryptionKeys { get; set; } = [];

    /// <summary>Base64 HMAC key (≥ 32 bytes) of the audit chain; when empty, <c>audit.key</c> in <see cref="KeyDirectory"/>
    /// (<see cref="Audit.AuditChain"/>).</summary>
    public string? AuditKey { get; set; }

    /// <summary>The audit chain's key: configured, else the key file (generated when missing).</summary>
    public byte[] ResolveAuditKey(string dataDirectory) => !string.IsNullOrWhiteSpace(AuditKey)
        ? KeyFile.Parse(AuditKey, "DoseWatch:Privacy:AuditKey")
        : KeyFile.LoadOrCreate(Path.Combine(ResolveKeyDirectory(dataDirectory), Audit.AuditChain.KeyFileName));

    /// <summary>Where generated key files live (encryption and audit keys); default: the data directory.</summary>
    public string? KeyDirectory { get; set; }

    public string ResolveKeyDirectory(string dataDirectory) =>
        string.IsNullOrWhiteSpace(KeyDirectory) ? dataDirectory : Path.GetFullPath(Path.Combine(dataDirectory, KeyDirectory));
}
