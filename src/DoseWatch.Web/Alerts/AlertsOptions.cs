using DoseWatch.Core.Delivery;

namespace DoseWatch.Web.Alerts;

/// <summary>DoseWatch:Alerts settings: analysis history, delivery retries, SMTP and webhook.</summary>
public sealed class AlertsOptions
{
    public const string Section = "DoseWatch:Alerts";

    /// <summary>How many of the device's most recent studies the analysis judges a study against.</summary>
    public int HistoryStudies { get; set; } = 500;

    /// <summary>Studies of a protocol needed before a reference is learned and stored for the physicist to review.</summary>
    public int ReferenceMinimumStudies { get; set; } = 20;

    /// <summary>Attempts per delivery before it is marked failed (it stays visible in the API).</summary>
    public int MaxDeliveryAttempts { get; set; } = 6;

    /// <summary>Wait after the first failure; doubled after each further one (30 s, 1 min, 2 min, ...).</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Base address of the web app, for links in e-mails and webhooks (e.g. https://dosewatch.example.org/).</summary>
    public string? PublicBaseUrl { get; set; }

    public SmtpOptions Smtp { get; set; } = new();

    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>E-mail flood control: more than MaxAlerts alerts in Window to one address become one digest.</summary>
    public DigestOptions Digest { get; set; } = new();
}

public sealed class DigestOptions
{
    public int MaxAlerts { get; set; } = DigestSettings.Default.MaxAlerts;

    public TimeSpan Window { get; set; } = DigestSettings.Default.Window;

    public DigestSettings ToSettings() => new(MaxAlerts, Window);
}

public sealed class SmtpOptions
{
    /// <summary>Empty: e-mail deliveries fail with "SMTP not configured" (and are kept, visible, until it is).</summary>
    public string? Host { get; set; }

    public int Port { get; set; } = 25;

    /// <summary>None, Auto, StartTls, StartTlsWhenAvailable or SslOnConnect (MailKit's SecureSocketOptions).</summary>
    public string Security { get; set; } = "StartTlsWhenAvailable";

    public string? UserName { get; set; }

    public string? Password { get; set; }

    public string From { get; set; } = "dosewatch@localhost";
}
