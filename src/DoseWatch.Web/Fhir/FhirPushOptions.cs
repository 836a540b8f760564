using DoseWatch.Core.Delivery;

namespace DoseWatch.Web.Fhir;

/// <summary>
/// DoseWatch:FhirPush: the FHIR server each study's Radiation Dose Summary is pushed to once its extraction settles
/// (docs/fhir.md). Off unless <see cref="Enabled"/> and <see cref="BaseUrl"/> are set.
/// </summary>
public sealed class FhirPushOptions
{
    public const string Section = "DoseWatch:FhirPush";

    public bool Enabled { get; set; }

    /// <summary>The server's base URL (e.g. https://fhir.example.org/fhir): the transaction is POSTed there.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>The Authorization header's value, e.g. "Bearer eyJ…" or "Basic …"; none when empty.</summary>
    public string? Authorization { get; set; }

    /// <summary>
    /// In identified mode, send the patient's name, Patient ID and birth date (each push is audited as a disclosure to
    /// the actor <c>fhir-push</c>); otherwise, and always in pseudonymous mode, only the pseudonym leaves DoseWatch.
    /// </summary>
    public bool SendPatientIdentity { get; set; }

    /// <summary>Wait after a dose object is saved before pushing, so a study's objects arriving together make one push.</summary>
    public TimeSpan SettleDelay { get; set; } = TimeSpan.FromSeconds(5);

    public int MaxAttempts { get; set; } = 6;

    /// <summary>Wait after the first failure; doubled after each further one (as the alert deliveries).</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The delivery records' target: the base URL without a trailing slash; null when the push is off.</summary>
    public string? Target => Enabled && !string.IsNullOrWhiteSpace(BaseUrl) ? Data.Repositories.FhirDeliveryRepository.Target(BaseUrl) : null;

    public RetrySchedule Retries => new(MaxAttempts, RetryBackoff);
}
