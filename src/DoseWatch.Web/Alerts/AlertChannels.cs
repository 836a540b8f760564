using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using DoseWatch.Core.Analysis;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace DoseWatch.Web.Alerts;

/// <summary>
/// Sends one message (one alert, or an e-mail digest of several) to one target; throws when the target did not accept
/// it (the caller retries). <paramref name="IdempotencyKey"/> is the same on every attempt of the same delivery.
/// </summary>
public sealed record AlertMessage(string Target, IReadOnlyList<AlertDto> Alerts, string IdempotencyKey);

public interface IAlertChannel
{
    string Name { get; }

    /// <returns>The status of the accepting answer where the protocol has one (HTTP), else null.</returns>
    Task<int?> SendAsync(AlertMessage message, CancellationToken cancellationToken);
}

/// <summary>E-mail over SMTP (MailKit): one message per target and batch, a digest when the batch has several alerts.</summary>
public sealed class EmailAlertChannel(IOptions<AlertsOptions> options) : IAlertChannel
{
    public string Name => "email";

    public async Task<int?> SendAsync(AlertMessage message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (string.IsNullOrWhiteSpace(settings.Smtp.Host)) throw new InvalidOperationException("SMTP is not configured (DoseWatch:Alerts:Smtp:Host).");
        using var client = new SmtpClient();
        await client.ConnectAsync(settings.Smtp.Host, settings.Smtp.Port, Enum.Parse<SecureSocketOptions>(settings.Smtp.Security, ignoreCase: true), cancellationToken);
        if (!string.IsNullOrEmpty(settings.Smtp.UserName))
            await client.AuthenticateAsync(settings.Smtp.UserName, settings.Smtp.Password ?? "", cancellationToken);
        var mail = Message(settings, message.Target, message.Alerts);
        // The same Message-Id on a retry lets a mail system drop a copy whose first delivery did get through.
        mail.MessageId = $"{message.IdempotencyKey}@dosewatch";
        await client.SendAsync(mail, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
        return null;
    }

    public static MimeMessage Message(AlertsOptions settings, string target, IReadOnlyList<AlertDto> alerts)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(settings.Smtp.From));
        message.To.Add(MailboxAddress.Parse(target));
        message.Subject = alerts.Count == 1
            ? $"[DoseWatch] {alerts[0].Type}: {alerts[0].Rule.Name} (study {alerts[0].StudyInstanceUid})"
            : $"[DoseWatch] Digest: {alerts.Count} new alerts";
        var body = new StringBuilder();
        foreach (var a in alerts)
        {
            body.AppendLine(CultureInfo.InvariantCulture, $"{a.Type} — {a.Rule.Name}");
            body.AppendLine(CultureInfo.InvariantCulture, $"  Study {a.StudyInstanceUid}{(a.EventUid is null || AlertCandidate.IsPeriodKey(a.EventUid) ? "" : $", event {a.EventUid}")}");
            body.AppendLine(CultureInfo.InvariantCulture, $"  {a.Message}");
            if (a.Value is { } v)
                body.AppendLine(CultureInfo.InvariantCulture, $"  Value {v:G6} {a.Unit}{(a.Threshold is { } t ? FormattableString.Invariant($" against threshold {t:G6} {a.Unit}") : "")}");
            if (settings.PublicBaseUrl is { Length: > 0 } baseUrl)
                body.AppendLine(CultureInfo.InvariantCulture, $"  {baseUrl.TrimEnd('/')}/alerts/{a.Id}");
            body.AppendLine();
        }
        message.Body = new TextPart("plain") { Text = body.ToString() };
        return message;
    }
}

/// <summary>
/// Webhook: one JSON POST per alert (the <see cref="AlertDto"/> of the API) with an <c>Idempotency-Key</c> header that
/// is the same on every retry of the delivery; any non-2xx answer is a failure.
/// </summary>
public sealed class WebhookAlertChannel(IHttpClientFactory clients) : IAlertChannel
{
    public const string HttpClientName = "DoseWatch.Webhooks";
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public string Name => "webhook";

    public async Task<int?> SendAsync(AlertMessage message, CancellationToken cancellationToken)
    {
        if (message.Alerts.Count != 1) throw new ArgumentException("A webhook delivery carries exactly one alert.", nameof(message));
        var client = clients.CreateClient(HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Post, message.Target) { Content = JsonContent.Create(message.Alerts[0]) };
        request.Headers.Add(IdempotencyKeyHeader, message.IdempotencyKey);
        using var response = await client.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"Webhook {message.Target} answered {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
        return (int)response.StatusCode;
    }
}
