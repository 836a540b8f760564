using Dapper;

namespace DoseWatch.Data.Repositories;

/// <summary>Where a registry submission is: stored as these lower-case names (migrations/0041).</summary>
public static class RegistrySubmissionStatuses
{
    public const string Pending = "pending";
    public const string Sending = "sending";
    public const string Sent = "sent";
    public const string Failed = "failed";
}

/// <summary>One dose report's delivery to one registry, with what the log shows of the received object.</summary>
public sealed record RegistrySubmission(long Id, long InstanceId, string RegistryAe, string SopClassUid, string StudyInstanceUid, string Modality,
    string? SentSopInstanceUid, string Status, int Attempts, DateTimeOffset NextAttemptAt, string? LastError, int? DimseStatus,
    DateTimeOffset CreatedAt, DateTimeOffset? SentAt, DateTimeOffset UpdatedAt, string? Path, string? StudyDate, string? Device);

/// <summary>
/// The registry delivery queue and log (migrations/0041). A row is claimed before each attempt (pending and due, or a
/// claim left stale by a dead worker), so a job run twice sends once; a sent row is never claimed again.
/// </summary>
public sealed class RegistrySubmissionRepository(IDbConnectionFactory connections)
{
    private const string Columns = """
        r.id AS Id, r.instance_id AS InstanceId, r.registry_ae AS RegistryAe, r.sop_class_uid AS SopClassUid,
        r.study_instance_uid AS StudyInstanceUid, r.modality AS Modality, r.sent_sop_instance_uid AS SentSopInstanceUid, r.status AS Status,
        r.attempts AS Attempts, r.next_attempt_at AS NextAttemptAt, r.last_error AS LastError, r.dimse_status AS DimseStatus,
        r.created_at AS CreatedAt, r.sent_at AS SentAt, r.updated_at AS UpdatedAt, i.path AS Path, i.study_date AS StudyDate, i.device AS Device
        FROM registry_submissions r LEFT JOIN instances i ON i.id = r.instance_id
        """;

    /// <summary>Queues the report for the registry, due now; returns its row (the existing one when it was queued before).</summary>
    public async Task<long> QueueAsync(long instanceId, string registryAe, string sopClassUid, string studyInstanceUid, string modality,
        DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO registry_submissions (instance_id, registry_ae, sop_class_uid, study_instance_uid, modality, status, attempts,
                next_attempt_at, created_at, updated_at)
            VALUES (@instanceId, @registryAe, @sopClassUid, @studyInstanceUid, @modality, 'pending', 0, @now, @now, @now)
            ON CONFLICT (instance_id, registry_ae) DO NOTHING
            """, new { instanceId, registryAe, sopClassUid, studyInstanceUid, modality, now }, cancellationToken: cancellationToken));
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT id FROM registry_submissions WHERE instance_id = @instanceId AND registry_ae = @registryAe",
            new { instanceId, registryAe }, cancellationToken: cancellationToken));
    }

    /// <summary>Takes the row for one attempt: it must be pending and due, or left sending by a worker that died before <paramref name="staleBefore"/>.</summary>
    public async Task<bool> TryClaimAsync(long id, DateTimeOffset now, DateTimeOffset staleBefore, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE registry_submissions SET status = 'sending', updated_at = @now
            WHERE id = @id AND ((status = 'pending' AND next_attempt_at <= @now) OR (status = 'sending' AND updated_at < @staleBefore))
            """, new { id, now, staleBefore }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Rows an attempt could claim now (due, or claimed by a worker that died), oldest first: what the sweep re-enqueues.</summary>
    public async Task<IReadOnlyList<long>> ClaimableAsync(DateTimeOffset now, DateTimeOffset staleBefore, int limit = 500, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<long>(new CommandDefinition("""
            SELECT id FROM registry_submissions
            WHERE (status = 'pending' AND next_attempt_at <= @now) OR (status = 'sending' AND updated_at < @staleBefore)
            ORDER BY next_attempt_at, id LIMIT @limit
            """, new { now, staleBefore, limit }, cancellationToken: cancellationToken))).ToList();
    }

    public async Task<RegistrySubmission?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<Row>(new CommandDefinition($"SELECT {Columns} WHERE r.id = @id", new { id }, cancellationToken: cancellationToken)))
            .Select(r => r.ToSubmission()).SingleOrDefault();
    }

    /// <summary>The log, newest first.</summary>
    public async Task<IReadOnlyList<RegistrySubmission>> ListAsync(int limit = 100, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition($"SELECT {Columns} ORDER BY r.created_at DESC, r.id DESC LIMIT @limit",
            new { limit }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToSubmission()).ToList();
    }

    /// <summary>The registry took the object (success or warning status).</summary>
    public async Task MarkSentAsync(long id, string sentSopInstanceUid, int dimseStatus, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE registry_submissions SET status = 'sent', attempts = attempts + 1, sent_sop_instance_uid = @sentSopInstanceUid,
                dimse_status = @dimseStatus, last_error = NULL, sent_at = @now, updated_at = @now
            WHERE id = @id
            """, new { id, sentSopInstanceUid, dimseStatus, now }, cancellationToken: cancellationToken));
    }

    /// <summary>An attempt failed: retried at <paramref name="nextAttemptAt"/>, or failed for good when it is null.</summary>
    public async Task MarkAttemptFailedAsync(long id, string error, int? dimseStatus, DateTimeOffset? nextAttemptAt, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE registry_submissions SET attempts = attempts + 1, last_error = @error, dimse_status = @dimseStatus,
                status = @status, next_attempt_at = COALESCE(@next, next_attempt_at), updated_at = @now
            WHERE id = @id
            """, new
        {
            id, error, dimseStatus, next = nextAttemptAt, now,
            status = nextAttemptAt is null ? RegistrySubmissionStatuses.Failed : RegistrySubmissionStatuses.Pending,
        }, cancellationToken: cancellationToken));
    }

    /// <summary>An operator's retry: a failed or waiting row becomes due now, its attempts counted afresh. False when it is
    /// sent, being sent, or gone.</summary>
    public async Task<bool> RequeueAsync(long id, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE registry_submissions SET status = 'pending', attempts = 0, next_attempt_at = @now, updated_at = @now
            WHERE id = @id AND status IN ('pending', 'failed')
            """, new { id, now }, cancellationToken: cancellationToken)) == 1;
    }

    private sealed class Row
    {
        public long Id { get; init; }
        public long InstanceId { get; init; }
        public string RegistryAe { get; init; } = "";
        public string SopClassUid { get; init; } = "";
        public string StudyInstanceUid { get; init; } = "";
        public string Modality { get; init; } = "";
        public string? SentSopInstanceUid { get; init; }
        public string Status { get; init; } = "";
        public long Attempts { get; init; }
        public DateTimeOffset NextAttemptAt { get; init; }
        public string? LastError { get; init; }
        public long? DimseStatus { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset? SentAt { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }
        public string? Path { get; init; }
        public string? StudyDate { get; init; }
        public string? Device { get; init; }

        public RegistrySubmission ToSubmission() => new(Id, InstanceId, RegistryAe, SopClassUid, StudyInstanceUid, Modality, SentSopInstanceUid, Status,
            (int)Attempts, NextAttemptAt, LastError, DimseStatus is { } d ? (int)d : null, CreatedAt, SentAt, UpdatedAt, Path, StudyDate, Device);
    }
}
