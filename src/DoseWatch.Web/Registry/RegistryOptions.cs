namespace DoseWatch.Web.Registry;

/// <summary>
/// Section <c>DoseWatch:Registry</c>: forwarding of received dose reports to a dose registry (IHE REM Dose Information
/// Reporter). Off by default: nothing leaves the hospital until an administrator names the registry and turns it on.
/// </summary>
public sealed class RegistryOptions
{
    public const string Section = "DoseWatch:Registry";

    public bool Enabled { get; set; }

    /// <summary>The registry's AE title (called AE); also what its pseudonyms are keyed on.</summary>
    public string AeTitle { get; set; } = "";

    public string Host { get; set; } = "";

    public int Port { get; set; } = 104;

    /// <summary>Call the registry over DICOM TLS, with <c>Dicom:Tls</c>'s trusted certificates and client certificate.</summary>
    public bool Tls { get; set; }

    /// <summary>The AE title DoseWatch calls as; empty: the Store SCP's (<c>Dicom:AeTitle</c>).</summary>
    public string CallingAeTitle { get; set; } = "";

    /// <summary>The studies' modalities whose dose reports are sent (e.g. CT, XA, RF, MG, DX, CR, NM, PT); empty: all.</summary>
    public List<string> Modalities { get; set; } = [];

    /// <summary>Base64 secret (≥ 32 bytes) the registry's pseudonyms and UIDs are keyed from; when empty, <c>registry.key</c>
    /// in the key directory, generated once. Keep it with the database backup: a new secret makes every patient new to the registry.</summary>
    public string? Secret { get; set; }

    /// <summary>Shift dates per patient (the Modified Dates option) instead of sending real dates; off by default because
    /// registries report per period.</summary>
    public bool ShiftDates { get; set; }

    /// <summary>Attempts before a submission is marked failed (it can still be retried from the DICOM nodes page).</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Wait after the first failed attempt; doubled after each further one.</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromMinutes(1);

    public bool Sends(string? modality) =>
        Modalities.Count == 0 || Modalities.Any(m => string.Equals(m.Trim(), modality?.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>What is wrong with the settings when forwarding is on, or null.</summary>
    public string? Problem() => !Enabled ? null
        : AeTitle.Trim().Length is < 1 or > 16 ? "DoseWatch:Registry:AeTitle needs 1 to 16 characters."
        : Host.Trim().Length == 0 ? "DoseWatch:Registry:Host is required."
        : Port is < 1 or > 65535 ? "DoseWatch:Registry:Port must be between 1 and 65535."
        : CallingAeTitle.Trim().Length > 16 ? "DoseWatch:Registry:CallingAeTitle has more than 16 characters."
        : MaxAttempts < 1 ? "DoseWatch:Registry:MaxAttempts must be at least 1."
        : RetryBackoff < TimeSpan.Zero ? "DoseWatch:Registry:RetryBackoff cannot be negative."
        : null;
}
