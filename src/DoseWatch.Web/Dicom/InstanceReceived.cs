using DoseWatch.Dicom.Network.Dimse;

namespace DoseWatch.Web.Dicom;

/// <summary>
/// The seam between the Store SCP and what happens to an instance next. Called once per successful C-STORE, after the
/// file is durable in the inbox (<see cref="StoredInstance.Path"/>) and BEFORE Success is sent, so it must be quick (the
/// product's only queues the instance: <see cref="Jobs.InboxIntake"/>). An exception here is logged and the peer still
/// gets Success, because the file is safely stored and is registered from the inbox at the next start.
/// A duplicate (same SOP Instance UID already in the inbox) arrives with <see cref="StoredInstance.WasDuplicate"/> set.
/// The extraction work (inbox row, Hangfire job) registers its implementation; the default does nothing.
/// </summary>
public interface IInstanceReceivedSink
{
    ValueTask OnInstanceStoredAsync(StoredInstance instance, CancellationToken cancellationToken);
}

public sealed class NoOpInstanceReceivedSink : IInstanceReceivedSink
{
    public ValueTask OnInstanceStoredAsync(StoredInstance instance, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

/// <summary>
/// Where finished associations go for the DICOM activity view. The default writes a structured log line;
/// the database implementation stores each record through the association repository.
/// </summary>
public interface IAssociationJournal
{
    Task RecordAsync(AssociationRecord association, CancellationToken cancellationToken);
}

/// <summary>No database: the log line written by the service is the only record.</summary>
public sealed class LogOnlyAssociationJournal : IAssociationJournal
{
    public Task RecordAsync(AssociationRecord association, CancellationToken cancellationToken) => Task.CompletedTask;
}
