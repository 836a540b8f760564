using Dapper;

namespace DoseWatch.Data.Repositories;

/// <summary>One DICOM association as kept for the activity view (table <c>dicom_associations</c>, migration 0002).</summary>
public sealed record DicomAssociation(
    Guid AssociationUid,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    string PeerAddress,
    int PeerPort,
    string CallingAe,
    string CalledAe,
    bool Tls,
    bool UnknownDevice,
    string AcceptedContexts,
    int InstancesStored,
    int InstancesFailed,
    int Echoes,
    long BytesReceived,
    string Outcome,
    string Detail)
{
    public TimeSpan Duration => EndedAt - StartedAt;
}

/// <summary>What the association log shows: AE title and peer address prefixes, an outcome, and a time range [From, Before).</summary>
public sealed record AssociationFilter(string? AeTitle = null, string? Peer = null, string? Outcome = null, DateTimeOffset? From = null, DateTimeOffset? Before = null);

public sealed class AssociationRepository(IDbConnectionFactory connections)
{
    public async Task InsertAsync(DicomAssociation a, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO dicom_associations (association_uid, started_at, ended_at, duration_ms, peer_address, peer_port, calling_ae,
                called_ae, tls, unknown_device, accepted_contexts, instances_stored, instances_failed, echoes, bytes_received, outcome, detail)
            VALUES (@uid, @StartedAt, @EndedAt, @durationMs, @PeerAddress, @PeerPort, @CallingAe,
                @CalledAe, @tls, @unknown, @AcceptedContexts, @InstancesStored, @InstancesFailed, @Echoes, @BytesReceived, @Outcome, @Detail)
            ON CONFLICT (association_uid) DO NOTHING
            """, new
        {
            uid = a.AssociationUid.ToString("D"),
            a.StartedAt,
            a.EndedAt,
            durationMs = (long)a.Duration.TotalMilliseconds,
            a.PeerAddress,
            a.PeerPort,
            a.CallingAe,
            a.CalledAe,
            tls = a.Tls ? 1 : 0,
            unknown = a.UnknownDevice ? 1 : 0,
            a.AcceptedContexts,
            a.InstancesStored,
            a.InstancesFailed,
            a.Echoes,
            a.BytesReceived,
            a.Outcome,
            a.Detail,
        }, cancellationToken: cancellationToken));
    }

    /// <summary>The most recent associations, newest first.</summary>
    public async Task<IReadOnlyList<DicomAssociation>> ListRecentAsync(int limit, CancellationToken cancellationToken = default) =>
        (await SearchAsync(new AssociationFilter(), 0, limit, cancellationToken)).Rows;

    /// <summary>
    /// One page of the associations <paramref name="filter"/> selects, newest first, and how many it selects in all.
    /// The AE title matches the calling or the called AE from its start, case-insensitively; the peer address from its start.
    /// </summary>
    public async Task<(IReadOnlyList<DicomAssociation> Rows, int Total)> SearchAsync(AssociationFilter filter, int offset, int limit,
        CancellationToken cancellationToken = default)
    {
        var where = new List<string>();
        var p = new DynamicParameters();
        if (!string.IsNullOrWhiteSpace(filter.AeTitle))
        {
            where.Add(@"(UPPER(calling_ae) LIKE @ae ESCAPE '\' OR UPPER(called_ae) LIKE @ae ESCAPE '\')");
            p.Add("ae", Prefix(filter.AeTitle.Trim().ToUpperInvariant()));
        }
        if (!string.IsNullOrWhiteSpace(filter.Peer))
        {
            where.Add(@"peer_address LIKE @peer ESCAPE '\'");
            p.Add("peer", Prefix(filter.Peer.Trim()));
        }
        if (!string.IsNullOrWhiteSpace(filter.Outcome))
        {
            where.Add("outcome = @outcome");
            p.Add("outcome", filter.Outcome);
        }
        if (filter.From is { } from)
        {
            where.Add("started_at >= @from");
            p.Add("from", from);
        }
        if (filter.Before is { } before)
        {
            where.Add("started_at < @before");
            p.Add("before", before);
        }
        var clause = where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where);
        p.Add("offset", Math.Max(0, offset));
        p.Add("limit", Math.Max(1, limit));
        await using var connection = await connections.OpenAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT COUNT(*) FROM dicom_associations {clause}", p, cancellationToken: cancellationToken));
        var rows = await connection.QueryAsync<Row>(new CommandDefinition($"""
            SELECT association_uid AS AssociationUid, started_at AS StartedAt, ended_at AS EndedAt, peer_address AS PeerAddress,
                   peer_port AS PeerPort, calling_ae AS CallingAe, called_ae AS CalledAe, tls AS Tls, unknown_device AS UnknownDevice,
                   accepted_contexts AS AcceptedContexts, instances_stored AS InstancesStored, instances_failed AS InstancesFailed,
                   echoes AS Echoes, bytes_received AS BytesReceived, outcome AS Outcome, detail AS Detail
            FROM dicom_associations {clause} ORDER BY started_at DESC, id DESC LIMIT @limit OFFSET @offset
            """, p, cancellationToken: cancellationToken));
        return (rows.Select(r => r.ToAssociation()).ToList(), (int)total);
    }

    /// <summary>The outcomes recorded so far, for the log page's filter.</summary>
    public async Task<IReadOnlyList<string>> OutcomesAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<string>(new CommandDefinition("SELECT DISTINCT outcome FROM dicom_associations ORDER BY outcome",
            cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>A LIKE pattern matching values that start with <paramref name="text"/> taken literally.</summary>
    private static string Prefix(string text) => text.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_") + "%";

    // Property-mapped: Dapper converts Int32/Int64 per engine for properties, not for record constructors.
    private sealed class Row
    {
        public string AssociationUid { get; init; } = "";
        public DateTimeOffset StartedAt { get; init; }
        public DateTimeOffset EndedAt { get; init; }
        public string PeerAddress { get; init; } = "";
        public long PeerPort { get; init; }
        public string CallingAe { get; init; } = "";
        public string CalledAe { get; init; } = "";
        public long Tls { get; init; }
        public long UnknownDevice { get; init; }
        public string AcceptedContexts { get; init; } = "";
        public long InstancesStored { get; init; }
        public long InstancesFailed { get; init; }
        public long Echoes { get; init; }
        public long BytesReceived { get; init; }
        public string Outcome { get; init; } = "";
        public string Detail { get; init; } = "";

        public DicomAssociation ToAssociation() => new(Guid.Parse(AssociationUid), StartedAt, EndedAt, PeerAddress, (int)PeerPort, CallingAe, CalledAe,
            Tls != 0, UnknownDevice != 0, AcceptedContexts, (int)InstancesStored, (int)InstancesFailed, (int)Echoes, BytesReceived, Outcome, Detail);
    }
}
