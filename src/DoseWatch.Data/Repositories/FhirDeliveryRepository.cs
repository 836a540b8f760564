using Dapper;

namespace DoseWatch.Data.Repositories;

/// <summary>
/// One study's Radiation Dose Summary pushed (or to be pushed) to one FHIR server (migrations/0040).
/// <see cref="Generation"/> counts the requests for it; <see cref="Status"/> is one of <see cref="DeliveryStatuses"/>.
/// </summary>
public sealed record FhirDelivery(long Id, string StudyInstanceUid, string Target, string Status, long Generation, int Attempts,
    DateTimeOffset NextAttemptAt, string? LastError, int? AcceptedStatus, string? ResourceLocation,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? SentAt)
{
    /// <summary>Sent as the Idempotency-Key header (as the alert webhook does): the same on every attempt of one generation.</summary>
    public string IdempotencyKey => FormattableString.Invariant($"dosewatch-fhir-{Id}-{Generation}");
}

/// <summary>
/// The FHIR push's delivery records on SQLite and PostgreSQL: requested when a study's dose records change (or by a
/// back-fill), claimed by one push at a time, marked sent or failed with the retry schedule's next attempt.
/// </summary>
public sealed class FhirDeliveryRepository(IDbConnectionFactory connections, TimeProvider clock)
{
    /// <summary>A server's base URL as delivery records name it (trimmed, no trailing slash), from the app and the CLI alike.</summary>
    public static string Target(string baseUrl) => baseUrl.Trim().TrimEnd('/');

    private const string Columns = """
        id AS Id, study_instance_uid AS StudyInstanceUid, target AS Target, status AS Status, generation AS Generation, attempts AS Attempts,
        next_attempt_at AS NextAttemptAt, last_error AS LastError, accepted_status AS AcceptedStatus, resource_location AS ResourceLocation,
        created_at AS CreatedAt, updated_at AS UpdatedAt, sent_at AS SentAt
        """;

    /// <summary>
    /// Asks for the study to be pushed (again) to <paramref name="target"/> from <paramref name="dueAt"/> on: a new
    /// delivery, or the existing one back to pending with a new generation and fresh attempts.
    /// </summary>
    /// <returns>The delivery's id.</returns>
    public async Task<long> RequestAsync(string studyInstanceUid, string target, DateTimeOffset dueAt, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            INSERT INTO fhir_deliveries (study_instance_uid, target, status, generation, attempts, next_attempt_at, created_at, updated_at)
            VALUES (@studyInstanceUid, @target, 'pending', 1, 0, @dueAt, @now, @now)
            ON CONFLICT (study_instance_uid, target) DO UPDATE SET
                status = 'pending', generation = fhir_deliveries.generation + 1, attempts = 0, next_attempt_at = excluded.next_attempt_at,
                updated_at = excluded.updated_at
            RETURNING id
            """, new { studyInstanceUid, target, dueAt, now = clock.GetUtcNow() }, cancellationToken: cancellationToken));
    }

    public async Task<FhirDelivery?> GetAsync(long id, CancellationToken cancellationToken = default) =>
        (await QueryAsync("id = @id", new { id }, cancellationToken)).SingleOrDefault();

    /// <summary>Every delivery of one study (one per target).</summary>
    public Task<IReadOnlyList<FhirDelivery>> OfStudyAsync(string studyInstanceUid, CancellationToken cancellationToken = default) =>
        QueryAsync("study_instance_uid = @studyInstanceUid ORDER BY target", new { studyInstanceUid }, cancellationToken);

    /// <summary>Deliveries newest change first, optionally of one status; <paramref name="limit"/> rows from <paramref name="offset"/>.</summary>
    public async Task<(IReadOnlyList<FhirDelivery> Items, long Total)> ListAsync(string? status, int offset, int limit, CancellationToken cancellationToken = default)
    {
        var where = status is null ? "1 = 1" : "status = @status";
        var items = await QueryAsync($"{where} ORDER BY updated_at DESC, id DESC LIMIT @limit OFFSET @offset", new { status, limit, offset }, cancellationToken);
        await using var connection = await connections.OpenAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT COUNT(*) FROM fhir_deliveries WHERE {where}", new { status },
            cancellationToken: cancellationToken));
        return (items, total);
    }

    /// <summary>Pending deliveries to <paramref name="target"/> whose attempt is due and that no push holds, oldest first.</summary>
    public async Task<IReadOnlyList<long>> DueAsync(string target, int maximum, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<long>(new CommandDefinition("""
            SELECT id FROM fhir_deliveries
            WHERE status = 'pending' AND target = @target AND next_attempt_at <= @now AND (claimed_until IS NULL OR claimed_until < @now)
            ORDER BY next_attempt_at, id LIMIT @maximum
            """, new { target, now = clock.GetUtcNow(), maximum }, cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>
    /// Takes the delivery for one push until <paramref name="holdFor"/> has passed: only a pending, due delivery that no
    /// other push holds. Returns it as claimed (its generation is what the push sends), or null.
    /// </summary>
    public async Task<FhirDelivery?> ClaimAsync(long id, TimeSpan holdFor, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        await using (var connection = await connections.OpenAsync(cancellationToken))
        {
            var claimed = await connection.ExecuteAsync(new CommandDefinition("""
                UPDATE fhir_deliveries SET claimed_until = @until
                WHERE id = @id AND status = 'pending' AND next_attempt_at <= @now AND (claimed_until IS NULL OR claimed_until < @now)
                """, new { id, now, until = now + holdFor }, cancellationToken: cancellationToken));
            if (claimed == 0) return null;
        }
        return await GetAsync(id, cancellationToken);
    }

    /// <summary>
    /// The server accepted the push of <paramref name="generation"/>: sent, unless the study changed meanwhile (then it
    /// stays pending, due now, for the next push).
    /// </summary>
    /// <returns>Whether the delivery is now sent.</returns>
    public async Task<bool> MarkSentAsync(long id, long generation, int acceptedStatus, string? resourceLocation, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE fhir_deliveries SET
                status = CASE WHEN generation = @generation THEN 'sent' ELSE 'pending' END,
                attempts = CASE WHEN generation = @generation THEN attempts + 1 ELSE 0 END,
                last_error = NULL, accepted_status = @acceptedStatus, resource_location = COALESCE(@resourceLocation, resource_location),
                sent_at = @now, updated_at = @now, claimed_until = NULL
            WHERE id = @id
            """, new { id, generation, acceptedStatus, resourceLocation, now }, cancellationToken: cancellationToken));
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT generation FROM fhir_deliveries WHERE id = @id", new { id }, cancellationToken: cancellationToken)) == generation;
    }

    /// <summary>A failed attempt: retried at <paramref name="nextAttemptAt"/>, or failed for good when it is null.</summary>
    public async Task MarkAttemptFailedAsync(long id, long generation, string error, DateTimeOffset? nextAttemptAt, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        await using var connection = await connections.OpenAsync(cancellationToken);
        // A study changed during the attempt keeps its fresh request (pending, due, attempts from zero).
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE fhir_deliveries SET attempts = attempts + 1, last_error = @error, status = @status,
                next_attempt_at = COALESCE(@nextAttemptAt, next_attempt_at), updated_at = @now, claimed_until = NULL
            WHERE id = @id AND generation = @generation
            """, new { id, generation, error, nextAttemptAt, now, status = nextAttemptAt is null ? DeliveryStatuses.Failed : DeliveryStatuses.Pending },
            cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE fhir_deliveries SET claimed_until = NULL WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>A study with nothing to push (no dose summary): its delivery is removed rather than shown as failing.</summary>
    public async Task RemoveAsync(long id, long generation, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM fhir_deliveries WHERE id = @id AND generation = @generation",
            new { id, generation }, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE fhir_deliveries SET claimed_until = NULL WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    private async Task<IReadOnlyList<FhirDelivery>> QueryAsync(string condition, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition($"SELECT {Columns} FROM fhir_deliveries WHERE {condition}", parameters,
            cancellationToken: cancellationToken));
        return rows.Select(r => r.ToDelivery()).ToList();
    }

    private sealed class Row
    {
        public long Id { get; init; }
        public string StudyInstanceUid { get; init; } = "";
        public string Target { get; init; } = "";
        public string Status { get; init; } = "";
        public long Generation { get; init; }
        public long Attempts { get; init; }
        public DateTimeOffset NextAttemptAt { get; init; }
        public string? LastError { get; init; }
        public long? AcceptedStatus { get; init; }
        public string? ResourceLocation { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }
        public DateTimeOffset? SentAt { get; init; }

        public FhirDelivery ToDelivery() => new(Id, StudyInstanceUid, Target, Status, Generation, (int)Attempts, NextAttemptAt, LastError,
            AcceptedStatus is { } a ? (int)a : null, ResourceLocation, CreatedAt, UpdatedAt, SentAt);
    }
}
