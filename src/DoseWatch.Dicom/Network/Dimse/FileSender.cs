using DoseWatch.Dicom.Network.Acse;
using DoseWatch.Dicom.Network.UpperLayer;

namespace DoseWatch.Dicom.Network.Dimse;

/// <summary>The result of sending one file: its status, or why it was not sent.</summary>
public sealed record FileSendResult(string Path, string? SopInstanceUid, DimseStatus? Status, string? Error)
{
    public bool Succeeded => Status is { Category: StatusCategory.Success or StatusCategory.Warning };
}

/// <summary>
/// Storage SCU for Part 10 files: one association proposing each (SOP class, transfer syntax) pair found in the files'
/// meta headers, then one C-STORE per file, each sent as stored (no transcoding). Over TLS when <c>tls</c> is given
/// (the peer checked as <see cref="AssociationRequestor.ConnectTlsAsync"/> does).
/// </summary>
public static class FileSender
{
    public static async Task<IReadOnlyList<FileSendResult>> SendAsync(string host, int port, string callingAe, string calledAe, IEnumerable<string> paths,
        UpperLayerOptions? options = null, CancellationToken ct = default, TlsClientCredentials? tls = null)
    {
        var results = new List<FileSendResult>();
        var headers = new List<(string Path, FileMetaHeader Meta)>();
        foreach (var path in paths)
        {
            try
            {
                await using var s = File.OpenRead(path);
                headers.Add((path, await FileMetaHeader.ReadAsync(s, ct).ConfigureAwait(false)));
            }
            catch (Exception e) when (e is DicomFormatException or EndOfStreamException or IOException)
            {
                results.Add(new FileSendResult(path, null, null, $"not a readable Part 10 file: {e.Message}"));
            }
        }
        if (headers.Count == 0) return results;
        var proposals = headers.Select(h => (h.Meta.SopClassUid, h.Meta.TransferSyntaxUid)).Distinct()
            .Select(p => (p.SopClassUid, (IReadOnlyList<string>)[p.TransferSyntaxUid])).ToList();
        var rq = AssociationNegotiation.BuildRequest(callingAe, calledAe, proposals, (options ?? new UpperLayerOptions()).MaxReceivePduLength);
        await using var association = tls is null
            ? await AssociationRequestor.ConnectAsync(host, port, rq, options, ct).ConfigureAwait(false)
            : await AssociationRequestor.ConnectTlsAsync(host, port, rq, tls, options, ct).ConfigureAwait(false);
        foreach (var (path, meta) in headers)
        {
            if (association.FindContext(meta.SopClassUid, meta.TransferSyntaxUid) is null)
            {
                results.Add(new FileSendResult(path, meta.SopInstanceUid, null, $"{meta.SopClassUid} in {meta.TransferSyntaxUid} not accepted by the peer"));
                continue;
            }
            var status = await association.StoreFileAsync(path, ct).ConfigureAwait(false);
            results.Add(new FileSendResult(path, meta.SopInstanceUid, status, null));
        }
        await association.ReleaseAsync(ct).ConfigureAwait(false);
        return results;
    }
}
