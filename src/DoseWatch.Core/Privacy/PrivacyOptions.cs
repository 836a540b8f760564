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
}
