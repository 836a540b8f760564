using System.Net;
using DoseWatch.Dicom.Network.Acse;

namespace DoseWatch.Dicom.Network.Dimse;

/// <summary>Who is on the other end of an association, as negotiated.</summary>
public sealed record AssociationParties(string CallingAeTitle, string CalledAeTitle, IPEndPoint? Peer, CallerVerdict Caller);

/// <summary>A C-STORE request whose data set is about to arrive.</summary>
public sealed record IncomingStore(DimseCommand Request, PresentationContext Context, AssociationParties Parties)
{
    public string SopClassUid => Request.AffectedSopClassUid ?? Context.AbstractSyntax;
    public string SopInstanceUid => Request.AffectedSopInstanceUid ?? "";
}

/// <summary>
/// The C-STORE intervention point (PS3.4 B.2.2): the handler receives the data set fragment by fragment as they
/// arrive and answers the status once the last one is in. Memory per instance stays at one fragment.
/// </summary>
public interface IStoreHandler
{
    ValueTask<IIncomingInstance> BeginAsync(IncomingStore store, CancellationToken ct);
}

/// <summary>One instance being received. Disposing it without <see cref="CompleteAsync"/> discards everything written.</summary>
public interface IIncomingInstance : IAsyncDisposable
{
    ValueTask WriteAsync(ReadOnlyMemory<byte> fragment, CancellationToken ct);

    /// <summary>All fragments received: make the instance durable, then return the status to answer.</summary>
    ValueTask<DimseStatus> CompleteAsync(CancellationToken ct);
}

/// <summary>An instance refused before any byte is kept: its data set is drained and the status answered.</summary>
public sealed class RefusedInstance(DimseStatus status) : IIncomingInstance
{
    public DimseStatus Status { get; } = status;
    public ValueTask WriteAsync(ReadOnlyMemory<byte> fragment, CancellationToken ct) => ValueTask.CompletedTask;
    public ValueTask<DimseStatus> CompleteAsync(CancellationToken ct) => ValueTask.FromResult(Status);
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
