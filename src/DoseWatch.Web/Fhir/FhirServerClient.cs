using DoseWatch.Web.Alerts;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Microsoft.Extensions.Options;

namespace DoseWatch.Web.Fhir;

/// <summary>What the FHIR server answered to an accepted transaction: its HTTP status and where the Observation now is.</summary>
public sealed record FhirPushAnswer(int Status, string? ObservationLocation);

/// <summary>
/// Sends one transaction Bundle to the configured FHIR server: <c>POST [base]</c> as <c>application/fhir+json</c>, with
/// the configured Authorization header and, as the alert webhook does, an <c>Idempotency-Key</c> that is the same on
/// every attempt of one delivery. Any non-2xx answer throws (its OperationOutcome's text in the message) and is retried.
/// </summary>
public sealed class FhirServerClient(IHttpClientFactory clients, IOptions<FhirPushOptions> options)
{
    public const string HttpClientName = "DoseWatch.FhirPush";

    public async Task<FhirPushAnswer> SendAsync(string target, Bundle transaction, string idempotencyKey, CancellationToken cancellationToken)
    {
        var client = clients.CreateClient(HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Post, target)
        {
            Content = new StringContent(new FhirJsonSerializer().SerializeToString(transaction), System.Text.Encoding.UTF8, FhirApi.FhirJson),
        };
        request.Headers.Accept.ParseAdd(FhirApi.FhirJson);
        request.Headers.Add(WebhookAlertChannel.IdempotencyKeyHeader, idempotencyKey);
        if (options.Value.Authorization is { Length: > 0 } authorization) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var response = await client.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"{target} answered {(int)response.StatusCode} {response.ReasonPhrase}{Outcome(body)}", null, response.StatusCode);
        return new FhirPushAnswer((int)response.StatusCode, ObservationLocation(body));
    }

    /// <summary>The Observation entry's location in a transaction-response (entries answer in the request's order).</summary>
    private static string? ObservationLocation(string body)
    {
        try
        {
            var answer = new FhirJsonDeserializer().Deserialize<Bundle>(body);
            return answer.Entry.Select(e => e.Response?.Location).LastOrDefault(l => l?.StartsWith("Observation/", StringComparison.Ordinal) == true);
        }
        catch (Exception e) when (e is DeserializationFailedException or FormatException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static string Outcome(string body)
    {
        try
        {
            var outcome = new FhirJsonDeserializer().Deserialize<OperationOutcome>(body);
            var text = string.Join("; ", outcome.Issue.Select(i => i.Diagnostics ?? i.Details?.Text).Where(t => !string.IsNullOrWhiteSpace(t)));
            return text.Length == 0 ? "" : $": {(text.Length > 500 ? text[..500] + "…" : text)}";
        }
        catch (Exception e) when (e is DeserializationFailedException or FormatException or System.Text.Json.JsonException or InvalidCastException)
        {
            return "";
        }
    }
}
