using Dapper;
using DoseWatch.Core.Backfill;

namespace DoseWatch.Data.Repositories;

/// <summary>
/// A remote DICOM application entity kept in the database (table <c>dicom_nodes</c>, migration 0033): a modality that
/// sends to DoseWatch (on the calling-AE allow-list, bound to <see cref="Host"/> when that is an IP address), a PACS
/// DoseWatch queries, or both.
/// </summary>
public sealed record DicomNode(long Id, string AeTitle, string Host, int Port, bool Tls, string Description,
    bool SendsToUs, bool QueryRetrieve, bool Nightly, RetrieveMethod RetrieveMethod, DateTimeOffset UpdatedAt);

/// <summary>The remote nodes on SQLite and PostgreSQL. Two nodes may share an AE title, not AE title, host and port together.</summary>
public sealed class DicomNodeRepository(IDbConnectionFactory connections, TimeProvider clock)
{
    private const string Columns = """
        id AS Id, ae_title AS AeTitle, host AS Host, port AS Port, tls AS Tls, description AS Description, sends_to_us AS SendsToUs,
        query_retrieve AS QueryRetrieve, nightly AS Nightly, retrieve_method AS RetrieveMethod, updated_at AS UpdatedAt
        """;

    public async Task<IReadOnlyList<DicomNode>> ListAsync(CancellationToken ct = default)
    {
        await using var connection = await connections.OpenAsync(ct);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition($"SELECT {Columns} FROM dicom_nodes ORDER BY ae_title, host, port", cancellationToken: ct));
        return rows.Select(r => r.ToNode()).ToList();
    }

    public async Task<DicomNode?> GetAsync(long id, CancellationToken ct = default)
    {
        await using var connection = await connections.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition($"SELECT {Columns} FROM dicom_nodes WHERE id = @id", new { id }, cancellationToken: ct));
        return row?.ToNode();
    }

    /// <summary>Adds the node (its <see cref="DicomNode.Id"/> is ignored) and answers its id; null when a node with that AE title, host and port exists.</summary>
    public async Task<long?> AddAsync(DicomNode node, CancellationToken ct = default)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition("""
            INSERT INTO dicom_nodes (ae_title, host, port, tls, description, sends_to_us, query_retrieve, nightly, retrieve_method, updated_at)
            VALUES (@AeTitle, @Host, @Port, @Tls, @Description, @SendsToUs, @QueryRetrieve, @Nightly, @RetrieveMethod, @Now)
            ON CONFLICT (ae_title, host, port) DO NOTHING
            RETURNING id
            """, Parameters(node), cancellationToken: ct));
    }

    /// <summary>Replaces the node's fields; false when there is no such node or another one already has that AE title, host and port.</summary>
    public async Task<bool> UpdateAsync(DicomNode node, CancellationToken ct = default)
    {
        await using var connection = await connections.OpenAsync(ct);
        var clash = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM dicom_nodes WHERE ae_title = @AeTitle AND host = @Host AND port = @Port AND id <> @Id", Parameters(node), cancellationToken: ct));
        if (clash > 0) return false;
        return await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE dicom_nodes SET ae_title = @AeTitle, host = @Host, port = @Port, tls = @Tls, description = @Description, sends_to_us = @SendsToUs,
                query_retrieve = @QueryRetrieve, nightly = @Nightly, retrieve_method = @RetrieveMethod, updated_at = @Now
            WHERE id = @Id
            """, Parameters(node), cancellationToken: ct)) == 1;
    }

    public async Task<bool> DeleteAsync(long id, CancellationToken ct = default)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition("DELETE FROM dicom_nodes WHERE id = @id", new { id }, cancellationToken: ct)) == 1;
    }

    private object Parameters(DicomNode n) => new
    {
        n.Id, n.AeTitle, n.Host, n.Port, Tls = n.Tls ? 1 : 0, n.Description, SendsToUs = n.SendsToUs ? 1 : 0,
        QueryRetrieve = n.QueryRetrieve ? 1 : 0, Nightly = n.Nightly ? 1 : 0, RetrieveMethod = MethodName(n.RetrieveMethod), Now = clock.GetUtcNow(),
    };

    /// <summary>The method as stored (and as the back-fills table stores it).</summary>
    public static string MethodName(RetrieveMethod method) => method == RetrieveMethod.Get ? "get" : "move";

    public static RetrieveMethod ParseMethod(string stored) => stored == "get" ? RetrieveMethod.Get : RetrieveMethod.Move;

    // Property-mapped: Dapper converts Int32/Int64 per engine for properties, not for record constructors.
    private sealed class Row
    {
        public long Id { get; init; }
        public string AeTitle { get; init; } = "";
        public string Host { get; init; } = "";
        public long Port { get; init; }
        public long Tls { get; init; }
        public string Description { get; init; } = "";
        public long SendsToUs { get; init; }
        public long QueryRetrieve { get; init; }
        public long Nightly { get; init; }
        public string RetrieveMethod { get; init; } = "move";
        public DateTimeOffset UpdatedAt { get; init; }

        public DicomNode ToNode() => new(Id, AeTitle, Host, (int)Port, Tls != 0, Description, SendsToUs != 0, QueryRetrieve != 0, Nightly != 0,
            ParseMethod(RetrieveMethod), UpdatedAt);
    }
}
