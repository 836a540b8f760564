using System.Globalization;
using Dapper;
using DoseWatch.Core.Backfill;

namespace DoseWatch.Data.Repositories;

/// <summary>A back-fill as listed by the API and the UI: its request, status and counts.</summary>
public sealed record BackfillRecord(long Id, BackfillRequest Request, BackfillStatus Status, string? Detail, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    int Studies, int StudiesDone, int InstancesRetrieved, int InstancesFailed);

/// <summary>One study of a back-fill with its outcome.</summary>
public sealed record BackfillStudyRecord(BackfillStudy Study, BackfillStudyResult Result, DateTimeOffset? UpdatedAt);

/// <summary>The back-fill journal (migrations/0030_backfills.sql) on SQLite and PostgreSQL.</summary>
public sealed class BackfillRepository(IDbConnectionFactory connections, TimeProvider clock) : IBackfillJournal
{
    private static readonly Dictionary<BackfillStudyOutcome, string> OutcomeNames = new()
    {
        [BackfillStudyOutcome.Pending] = "pending",
        [BackfillStudyOutcome.Retrieved] = "retrieved",
        [BackfillStudyOutcome.NothingToRetrieve] = "nothing_to_retrieve",
        [BackfillStudyOutcome.AlreadyStored] = "already_stored",
        [BackfillStudyOutcome.Failed] = "failed",
    };

    public async Task<long> CreateAsync(BackfillRequest request, CancellationToken ct = default)
    {
        await using var connection = await connections.OpenAsync(ct);
        var now = clock.GetUtcNow();
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            INSERT INTO backfills (host, port, called_ae, calling_ae, move_destination, date_from, date_to, modalities, retrieve_method, tls, status, created_at, updated_at)
            VALUES (@Host, @Port, @CalledAeTitle, @CallingAeTitle, @MoveDestination, @From, @To, @Modalities, @Method, @Tls, 'running', @Now, @Now)
            RETURNING id
            """, new
        {
            request.Host, request.Port, request.CalledAeTitle, request.CallingAeTitle, request.MoveDestination,
            From = Iso(request.From), To = Iso(request.To), Modalities = string.Join('\\', request.Modalities), Now = now,
            Method = DicomNodeRepository.MethodName(request.Method), Tls = request.Tls ? 1 : 0,
        }, cancellationToken: ct));
    }

    /// <summary>The newest back-fill of exactly this PACS and date range (a scheduled catch-up run twice reuses it), or null.</summary>
    public async Task<long?> FindSameAsync(BackfillRequest request, CancellationToken ct = default)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition("""
            SELECT id FROM backfills
            WHERE host = @Host AND port = @Port AND called_ae = @CalledAeTitle AND date_from = @From AND date_to = @To AND modalities = @Modalities
            ORDER BY id DESC LIMIT 1
            """, new { request.Host, request.Port, request.CalledAeTitle, From = Iso(request.From), To = Iso(request.To), Modalities = string.Join('\\', request.Modalities) },
            cancellationToken: ct));
    }

    public async Task<IReadOnlyList<long>> ListIdsAsync(int limit, CancellationToken ct = default)
    {
        await using var connection = await connections.OpenAsync(ct);
        return (await connection.QueryAsync<long>(new CommandDefinition("SELECT id FROM backfills ORDER BY id DESC LIMIT @limit", new { limit }, cancellationToken: ct))).ToList();
    }

    public async Task<BackfillRequest?> GetRequestAsync(long backfillId, CancellationToken ct) => (await GetAsync(backfillId, ct))?.Request;

    public async Task<BackfillRecord?> GetAsync(long backfillId, CancellationToken ct = default)
    {
        await using var connection = await connections.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<BackfillRow>(new CommandDefinition("""
            SELECT b.id AS Id, b.host AS Host, b.port AS Port, b.called_ae AS CalledAe, b.calling_ae AS CallingAe, b.move_destination AS MoveDestination,
                   b.date_from AS DateFrom, b.date_to AS DateTo, b.modalities AS Modalities, b.retrieve_method AS RetrieveMethod, b.tls AS Tls, b.status AS Status, b.detail AS Detail,
                   b.created_at AS CreatedAt, b.updated_at AS UpdatedAt,
                   (SELECT COUNT(*) FROM backfill_studies s WHERE s.backfill_id = b.id) AS Studies,
                   (SELECT COUNT(*) FROM backfill_studies s WHERE s.backfill_id = b.id AND s.outcome NOT IN ('pending', 'failed')) AS StudiesDone,
                   (SELECT COALESCE(SUM(s.retrieved), 0) FROM backfill_studies s WHERE s.backfill_id = b.id) AS Retrieved,
                   (SELECT COALESCE(SUM(s.failed), 0) FROM backfill_studies s WHERE s.backfill_id = b.id) AS Failed
            FROM backfills b WHERE b.id = @backfillId
            """, new { backfillId }, cancellationToken: ct));
        if (row is null) return null;
        var request = new BackfillRequest(row.Host, (int)row.Port, row.CalledAe, row.CallingAe, row.MoveDestination,
            DateOnly.ParseExact(row.DateFrom, "yyyy-MM-dd", CultureInfo.InvariantCulture), DateOnly.ParseExact(row.DateTo, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            row.Modalities.Split('\\', StringSplitOptions.RemoveEmptyEntries), DicomNodeRepository.ParseMethod(row.RetrieveMethod), row.Tls != 0);
        return new BackfillRecord(row.Id, request, Enum.Parse<BackfillStatus>(row.Status, ignoreCase: true), row.Detail, row.CreatedAt, row.UpdatedAt,
            (int)row.Studies, (int)row.StudiesDone, (int)row.Retrieved, (int)row.Failed);
    }

    public async Task SetStatusAsync(long backfillId, BackfillStatus status, string? detail, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE backfills SET status = @Status, detail = @detail, updated_at = @Now WHERE id = @backfillId",
            new { backfillId, Status = status.ToString().ToLowerInvariant(), detail, Now = clock.GetUtcNow() }, cancellationToken: ct));
    }

    public async Task AddStudiesAsync(long backfillId, IReadOnlyList<BackfillStudy> studies, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO backfill_studies (backfill_id, study_instance_uid, study_date, accession_number, modalities, outcome)
            VALUES (@backfillId, @StudyInstanceUid, @StudyDate, @AccessionNumber, @ModalitiesInStudy, 'pending')
            ON CONFLICT (backfill_id, study_instance_uid) DO NOTHING
            """, studies.Select(s => new { backfillId, s.StudyInstanceUid, StudyDate = s.StudyDate is { } d ? Iso(d) : null, s.AccessionNumber, s.ModalitiesInStudy }),
            transaction, cancellationToken: ct));
        await transaction.CommitAsync(ct);
    }

    public async Task<IReadOnlyList<BackfillStudy>> StudiesToDoAsync(long backfillId, CancellationToken ct) =>
        (await StudiesAsync(backfillId, "AND outcome IN ('pending', 'failed')", ct)).Select(s => s.Study).ToList();

    public Task<IReadOnlyList<BackfillStudyRecord>> StudiesAsync(long backfillId, CancellationToken ct = default) => StudiesAsync(backfillId, "", ct);

    private async Task<IReadOnlyList<BackfillStudyRecord>> StudiesAsync(long backfillId, string condition, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        var rows = await connection.QueryAsync<StudyRow>(new CommandDefinition($"""
            SELECT study_instance_uid AS StudyInstanceUid, study_date AS StudyDate, accession_number AS AccessionNumber, modalities AS Modalities,
                   outcome AS Outcome, requested AS Requested, retrieved AS Retrieved, failed AS Failed, detail AS Detail, updated_at AS UpdatedAt
            FROM backfill_studies WHERE backfill_id = @backfillId {condition}
            ORDER BY study_date, study_instance_uid
            """, new { backfillId }, cancellationToken: ct));
        return rows.Select(r => new BackfillStudyRecord(
            new BackfillStudy(r.StudyInstanceUid, r.StudyDate is { } d ? DateOnly.ParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null, r.AccessionNumber, r.Modalities),
            new BackfillStudyResult(OutcomeNames.Single(p => p.Value == r.Outcome).Key, (int)r.Requested, (int)r.Retrieved, (int)r.Failed, r.Detail),
            r.UpdatedAt)).ToList();
    }

    public async Task SetStudyResultAsync(long backfillId, string studyInstanceUid, BackfillStudyResult result, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE backfill_studies SET outcome = @Outcome, requested = @Requested, retrieved = @Retrieved, failed = @Failed, detail = @Detail, updated_at = @Now
            WHERE backfill_id = @backfillId AND study_instance_uid = @studyInstanceUid
            """, new { backfillId, studyInstanceUid, Outcome = OutcomeNames[result.Outcome], result.Requested, result.Retrieved, result.Failed, result.Detail, Now = clock.GetUtcNow() },
            cancellationToken: ct));
    }

    public async Task<IReadOnlySet<string>> KnownInstancesAsync(IReadOnlyCollection<string> sopInstanceUids, CancellationToken ct)
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        await using var connection = await connections.OpenAsync(ct);
        // One parameter per UID (Dapper's "IN @list" is one array parameter on PostgreSQL), in chunks far below either engine's limit.
        foreach (var chunk in sopInstanceUids.Distinct().Chunk(500))
        {
            var parameters = new DynamicParameters();
            var names = chunk.Select((uid, i) => { parameters.Add($"uid{i}", uid); return $"@uid{i}"; });
            known.UnionWith(await connection.QueryAsync<string>(new CommandDefinition(
                $"SELECT sop_instance_uid FROM instances WHERE sop_instance_uid IN ({string.Join(", ", names)})", parameters, cancellationToken: ct)));
        }
        return known;
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    // Classes with setters: Dapper converts each column to the property's type (SQLite and PostgreSQL differ in integer widths).
    private sealed class BackfillRow
    {
        public long Id { get; set; }
        public string Host { get; set; } = "";
        public long Port { get; set; }
        public string CalledAe { get; set; } = "";
        public string CallingAe { get; set; } = "";
        public string MoveDestination { get; set; } = "";
        public string DateFrom { get; set; } = "";
        public string DateTo { get; set; } = "";
        public string Modalities { get; set; } = "";
        public string RetrieveMethod { get; set; } = "move";
        public long Tls { get; set; }
        public string Status { get; set; } = "";
        public string? Detail { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset UpdatedAt { get; set; }
        public long Studies { get; set; }
        public long StudiesDone { get; set; }
        public long Retrieved { get; set; }
        public long Failed { get; set; }
    }

    private sealed class StudyRow
    {
        public string StudyInstanceUid { get; set; } = "";
        public string? StudyDate { get; set; }
        public string? AccessionNumber { get; set; }
        public string Modalities { get; set; } = "";
        public string Outcome { get; set; } = "";
        public long Requested { get; set; }
        public long Retrieved { get; set; }
        public long Failed { get; set; }
        public string? Detail { get; set; }
        public DateTimeOffset? UpdatedAt { get; set; }
    }
}
