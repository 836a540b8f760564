namespace DoseWatch.Core.Delivery;

/// <summary>
/// When a delivery that failed is tried again: exponential backoff from <see cref="Backoff"/> (1×, 2×, 4×, … after the
/// first, second, third failed attempt) until <see cref="MaxAttempts"/> attempts were made, then never (failed for good,
/// kept for a person to see and retry). Shared by the alert channels and the FHIR push.
/// </summary>
public sealed record RetrySchedule(int MaxAttempts, TimeSpan Backoff)
{
    /// <param name="attemptsMade">Attempts made so far, the failed one included.</param>
    /// <returns>The next attempt's time, or null when no attempt is left.</returns>
    public DateTimeOffset? NextAttempt(int attemptsMade, DateTimeOffset now) =>
        attemptsMade >= MaxAttempts ? null : now + Backoff * Math.Pow(2, attemptsMade - 1);
}
