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
    public async Task<IReadOnlyList<DicomAssociation>> ListRecentAsync(int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition("""
            SELECT association_uid AS AssociationUid, started_at AS StartedAt, ended_at AS EndedAt, peer_address AS PeerAddress,
                   peer_port AS PeerPort, calling_ae AS CallingAe, called_ae AS CalledAe, tls AS Tls, unknown_device AS UnknownDevice,
                   accepted_contexts AS AcceptedContexts, instances_stored AS InstancesStored, instances_failed AS InstancesFailed,
                   echoes AS Echoes, bytes_received AS BytesReceived, outcome AS Outcome, detail AS Detail
            FROM dicom_associations ORDER BY started_at DESC, id DESC LIMIT @limit
            """, new { limit }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToAssociation()).ToList();
    }

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
