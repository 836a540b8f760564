using Dapper;

namespace DoseWatch.Data.Repositories;

/// <summary>Where a received instance is in its life; stored as the snake_case names in migrations/0003_inbox.sql.</summary>
public enum InstanceStatus
{
    Received,
    Extracting,
    Extracted,
    NotDose,
    Failed,
    Quarantined,
}

public static class InstanceStatusNames
{
    private static readonly Dictionary<InstanceStatus, string> Names = new()
    {
        [InstanceStatus.Received] = "received",
        [InstanceStatus.Extracting] = "extracting",
        [InstanceStatus.Extracted] = "extracted",
        [InstanceStatus.NotDose] = "not_dose",
        [InstanceStatus.Failed] = "failed",
        [InstanceStatus.Quarantined] = "quarantined",
    };

    private static readonly Dictionary<string, InstanceStatus> ByName = Names.ToDictionary(p => p.Value, p => p.Key, StringComparer.OrdinalIgnoreCase);

    public static string ToName(this InstanceStatus status) => Names[status];

    public static bool TryParse(string name, out InstanceStatus status) => ByName.TryGetValue(name.Trim(), out status);

    public static IEnumerable<string> All => Names.Values;
}

/// <summary>A received instance as the SCP (or an import) hands it over, its file already durable at <see cref="Path"/>.</summary>
/// <remarks>Modality, device (manufacturer, model, station), accession number and study date (ISO yyyy-mm-dd) come from the header, for the Inbox.</remarks>
public sealed record NewInstance(string SopClassUid, string SopInstanceUid, string StudyInstanceUid, string CallingAeTitle,
    string Peer, long SizeBytes, string Path, DateTimeOffset ReceivedAt,
    string? Modality = null, string? Device = null, string? AccessionNumber = null, string? StudyDate = null);

public sealed record InstanceRecord(long Id, string SopClassUid, string SopInstanceUid, string StudyInstanceUid, string CallingAeTitle,
    string Peer, long SizeBytes, string Path, DateTimeOffset ReceivedAt, InstanceStatus Status, string? StatusReason, int Attempts,
    DateTimeOffset UpdatedAt, string? Modality = null, string? Device = null, string? AccessionNumber = null, string? StudyDate = null);

public sealed class InstanceRepository(IDbConnectionFactory connections)
{
    private const string InsertReceived = """
        INSERT INTO instances (sop_class_uid, sop_instance_uid, study_instance_uid, calling_ae, peer, size_bytes, path, received_at, status, attempts, updated_at,
                               modality, device, accession_number, study_date)
        VALUES (@SopClassUid, @SopInstanceUid, @StudyInstanceUid, @CallingAeTitle, @Peer, @SizeBytes, @Path, @ReceivedAt, 'received', 0, @ReceivedAt,
                @Modality, @Device, @AccessionNumber, @StudyDate)

        """;

    private const string AddOrReplaceSql = InsertReceived + """
        ON CONFLICT (sop_instance_uid) DO UPDATE SET
            sop_class_uid = excluded.sop_class_uid, study_instance_uid = excluded.study_instance_uid, calling_ae = excluded.calling_ae,
            peer = excluded.peer, size_bytes = excluded.size_bytes, path = excluded.path, received_at = excluded.received_at,
            status = 'received', status_reason = NULL, attempts = 0, updated_at = excluded.updated_at,
            modality = excluded.modality, device = excluded.device, accession_number = excluded.accession_number, study_date = excluded.study_date
        RETURNING id
        """;

    private const string AddIfMissingSql = InsertReceived + """
        ON CONFLICT (sop_instance_uid) DO NOTHING
        RETURNING id
        """;

    private const string Columns = """
        id AS Id, sop_class_uid AS SopClassUid, sop_instance_uid AS SopInstanceUid, study_instance_uid AS StudyInstanceUid,
        calling_ae AS CallingAeTitle, peer AS Peer, size_bytes AS SizeBytes, path AS Path, received_at AS ReceivedAt,
        status AS Status, status_reason AS StatusReason, attempts AS Attempts, updated_at AS UpdatedAt,
        modality AS Modality, device AS Device, accession_number AS AccessionNumber, study_date AS StudyDate
        """;

    /// <summary>
    /// Adds the instance to the inbox as <c>received</c>. The same SOP Instance UID sent again replaces the file details and
    /// starts over (extraction is idempotent, so nothing is counted twice); returns the one row's id.
    /// </summary>
    public async Task<long> AddOrReplaceAsync(NewInstance instance, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(AddOrReplaceSql, instance, cancellationToken: cancellationToken));
    }

    /// <summary>Adds the instance only when its SOP Instance UID has no row yet; returns the new id, or null when it had one.</summary>
    public async Task<long?> AddIfMissingAsync(NewInstance instance, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(AddIfMissingSql, instance, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Adds many received instances in one transaction (the Store SCP's batched intake), each as
    /// <see cref="AddOrReplaceAsync"/> or, when <c>OnlyIfMissing</c> (a resend kept as it was), as
    /// <see cref="AddIfMissingAsync"/>. Returns, in order, each new or restarted row's id, or null where a row was kept.
    /// </summary>
    public async Task<IReadOnlyList<long?>> AddReceivedAsync(IReadOnlyList<(NewInstance Instance, bool OnlyIfMissing)> instances,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var ids = new List<long?>(instances.Count);
        foreach (var (instance, onlyIfMissing) in instances)
            ids.Add(await connection.ExecuteScalarAsync<long?>(new CommandDefinition(onlyIfMissing ? AddIfMissingSql : AddOrReplaceSql,
                instance, transaction, cancellationToken: cancellationToken)));
        await transaction.CommitAsync(cancellationToken);
        return ids;
    }

    /// <summary>Which of these SOP Instance UIDs have an inbox row (the start-up scan of files received but not registered).</summary>
    public async Task<IReadOnlySet<string>> KnownSopInstanceUidsAsync(IReadOnlyList<string> sopInstanceUids, CancellationToken cancellationToken = default)
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        if (sopInstanceUids.Count == 0) return known;
        await using var connection = await connections.OpenAsync(cancellationToken);
        // One parameter per UID (see StatusFilter), in slices well under SQLite's parameter limit.
        foreach (var slice in sopInstanceUids.Chunk(500))
        {
            var parameters = new DynamicParameters();
            var names = slice.Select((uid, i) =>
            {
                parameters.Add($"u{i}", uid);
                return $"@u{i}";
            });
            known.UnionWith(await connection.QueryAsync<string>(new CommandDefinition(
                $"SELECT sop_instance_uid FROM instances WHERE sop_instance_uid IN ({string.Join(", ", names)})", parameters,
                cancellationToken: cancellationToken)));
        }
        return known;
    }

    public async Task<InstanceRecord?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<InstanceRow>(new CommandDefinition(
            $"SELECT {Columns} FROM instances WHERE id = @id", new { id }, cancellationToken: cancellationToken));
        return row?.ToRecord();
    }

    /// <summary>Newest first; <paramref name="statuses"/> empty means all.</summary>
    public async Task<IReadOnlyList<InstanceRecord>> ListAsync(IReadOnlyCollection<InstanceStatus> statuses, int offset, int limit,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var (where, parameters) = StatusFilter(statuses);
        parameters.Add("limit", limit);
        parameters.Add("offset", offset);
        var rows = await connection.QueryAsync<InstanceRow>(new CommandDefinition(
            $"SELECT {Columns} FROM instances {where} ORDER BY received_at DESC, id DESC LIMIT @limit OFFSET @offset",
            parameters, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    public async Task<long> CountAsync(IReadOnlyCollection<InstanceStatus> statuses, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var (where, parameters) = StatusFilter(statuses);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT count(*) FROM instances {where}",
            parameters, cancellationToken: cancellationToken));
    }

    // One parameter per status, not Dapper's "IN @list": Dapper sends a list to PostgreSQL as a single array parameter.
    private static (string Where, DynamicParameters Parameters) StatusFilter(IReadOnlyCollection<InstanceStatus> statuses)
    {
        var parameters = new DynamicParameters();
        if (statuses.Count == 0) return ("", parameters);
        var names = statuses.Select((status, i) =>
        {
            parameters.Add($"status{i}", status.ToName());
            return $"@status{i}";
        }).ToList();
        return ($"WHERE status IN ({string.Join(", ", names)})", parameters);
    }

    /// <summary>
    /// Claims the instance for one extraction attempt: only from <c>received</c>/<c>failed</c>, or from <c>extracting</c> when
    /// the claim is older than <paramref name="staleBefore"/> (its worker died). False when another worker holds it or it is done.
    /// </summary>
    public async Task<bool> TryClaimAsync(long id, DateTimeOffset now, DateTimeOffset staleBefore, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE instances SET status = 'extracting', attempts = attempts + 1, updated_at = @now
            WHERE id = @id AND (status IN ('received', 'failed') OR (status = 'extracting' AND updated_at < @staleBefore))
            """, new { id, now, staleBefore }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>
    /// The extraction work queue (issue #18): claims up to <paramref name="limit"/> <c>received</c> instances, first registered first,
    /// for one worker, as <see cref="TryClaimAsync"/> claims one (<c>extracting</c>, one more attempt), and returns them.
    /// Safe with workers on several nodes: a row another worker claimed meanwhile fails the outer <c>status</c> re-check
    /// (PostgreSQL re-reads a row it had to wait for; SQLite runs one writer at a time), so each row goes to one worker.
    /// </summary>
    public async Task<IReadOnlyList<InstanceRecord>> ClaimReceivedAsync(int limit, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<InstanceRow>(new CommandDefinition($"""
            UPDATE instances SET status = 'extracting', attempts = attempts + 1, updated_at = @now
            WHERE status = 'received' AND id IN (
                SELECT id FROM instances WHERE status = 'received' ORDER BY id LIMIT @limit)
            RETURNING {Columns}
            """, new { limit, now }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToRecord()).OrderBy(r => r.Id).ToList();
    }

    /// <summary>
    /// Gives claimed instances a worker did not get to (it is stopping) back to the queue: <c>extracting</c> becomes
    /// <c>received</c> again and the attempt is not counted.
    /// </summary>
    public async Task ReleaseClaimsAsync(IReadOnlyCollection<long> ids, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (ids.Count == 0) return;
        await using var connection = await connections.OpenAsync(cancellationToken);
        var (list, parameters) = IdList(ids);
        parameters.Add("now", now);
        await connection.ExecuteAsync(new CommandDefinition(
            $"UPDATE instances SET status = 'received', attempts = attempts - 1, updated_at = @now WHERE status = 'extracting' AND id IN ({list})",
            parameters, cancellationToken: cancellationToken));
    }

    /// <summary>The heartbeat of a worker's claimed batch (<see cref="RenewClaimAsync"/> for many rows at once).</summary>
    public async Task RenewClaimsAsync(IReadOnlyCollection<long> ids, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (ids.Count == 0) return;
        await using var connection = await connections.OpenAsync(cancellationToken);
        var (list, parameters) = IdList(ids);
        parameters.Add("now", now);
        await connection.ExecuteAsync(new CommandDefinition(
            $"UPDATE instances SET updated_at = @now WHERE status = 'extracting' AND id IN ({list})", parameters, cancellationToken: cancellationToken));
    }

    // One parameter per id (see StatusFilter); callers pass at most a worker's batch.
    private static (string List, DynamicParameters Parameters) IdList(IReadOnlyCollection<long> ids)
    {
        var parameters = new DynamicParameters();
        var names = ids.Select((id, i) =>
        {
            parameters.Add($"id{i}", id);
            return $"@id{i}";
        }).ToList();
        return (string.Join(", ", names), parameters);
    }

    /// <summary>Records the result of an attempt (and, for quarantine, where the file went).</summary>
    public async Task SetStatusAsync(long id, InstanceStatus status, string? reason, DateTimeOffset now, string? newPath = null,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE instances SET status = @status, status_reason = @reason, updated_at = @now, path = COALESCE(@newPath, path) WHERE id = @id
            """, new { id, status = status.ToName(), reason, now, newPath }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Puts a finished or failed instance back into the inbox (operator retry): attempts start over. Only from
    /// <c>extracted</c>, <c>not_dose</c>, <c>failed</c> or <c>quarantined</c>, or from <c>received</c>/<c>extracting</c> left
    /// untouched since before <paramref name="staleBefore"/> (its job or worker was lost); false otherwise (it is being worked on).
    /// </summary>
    public async Task<bool> TryRequeueAsync(long id, string path, DateTimeOffset now, DateTimeOffset? staleBefore = null,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE instances SET status = 'received', status_reason = NULL, attempts = 0, path = @path, updated_at = @now
            WHERE id = @id AND (status IN ('extracted', 'not_dose', 'failed', 'quarantined')
                OR (status IN ('received', 'extracting') AND updated_at < @staleBefore))
            """, new { id, path, now, staleBefore = staleBefore ?? DateTimeOffset.MinValue }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>
    /// Claims left behind by a worker that died: <c>extracting</c> rows whose last change (claim or heartbeat) is older
    /// than <paramref name="staleBefore"/> are handed back as <c>received</c>, the workers' queue, and <c>updated_at</c>
    /// moves to <paramref name="now"/>. A <c>received</c> row is not taken, however long it has waited: it is in the
    /// queue already (rewriting it only cost a write per row and a warning per sweep while a backlog drained).
    /// </summary>
    public async Task<IReadOnlyList<long>> TakeStaleAsync(DateTimeOffset staleBefore, DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        // The outer "updated_at < @staleBefore" is re-checked on a row another sweep (another node) just took, so it is taken once.
        var ids = await connection.QueryAsync<long>(new CommandDefinition("""
            UPDATE instances SET updated_at = @now, status = 'received', status_reason = 'Handed back: the worker extracting it stopped'
            WHERE updated_at < @staleBefore AND status = 'extracting' AND id IN (
                SELECT id FROM instances WHERE status = 'extracting' AND updated_at < @staleBefore ORDER BY updated_at, id LIMIT @limit)
            RETURNING id
            """, new { staleBefore, now, limit }, cancellationToken: cancellationToken));
        return ids.Order().ToList();
    }

    /// <summary>
    /// The heartbeat of a running extraction: keeps its claim younger than the stale limit, so a short limit finds dead
    /// workers quickly without handing a long extraction to a second worker. False when the claim is no longer held.
    /// </summary>
    public async Task<bool> RenewClaimAsync(long id, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE instances SET updated_at = @now WHERE id = @id AND status = 'extracting'",
            new { id, now }, cancellationToken: cancellationToken)) == 1;
    }

    private sealed class InstanceRow
    {
        public long Id { get; init; }
        public string SopClassUid { get; init; } = "";
        public string SopInstanceUid { get; init; } = "";
        public string StudyInstanceUid { get; init; } = "";
        public string CallingAeTitle { get; init; } = "";
        public string Peer { get; init; } = "";
        public long SizeBytes { get; init; }
        public string Path { get; init; } = "";
        public DateTimeOffset ReceivedAt { get; init; }
        public string Status { get; init; } = "";
        public string? StatusReason { get; init; }
        public int Attempts { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }
        public string? Modality { get; init; }
        public string? Device { get; init; }
        public string? AccessionNumber { get; init; }
        public string? StudyDate { get; init; }

        public InstanceRecord ToRecord() => new(Id, SopClassUid, SopInstanceUid, StudyInstanceUid, CallingAeTitle, Peer, SizeBytes, Path,
            ReceivedAt, InstanceStatusNames.TryParse(Status, out var s) ? s : throw new InvalidOperationException($"Unknown instance status '{Status}'"),
            StatusReason, Attempts, UpdatedAt, Modality, Device, AccessionNumber, StudyDate);
    }
}
