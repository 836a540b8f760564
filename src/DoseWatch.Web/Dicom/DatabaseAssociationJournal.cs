using DoseWatch.Data.Repositories;
using DoseWatch.Dicom.Network.Acse;
using DoseWatch.Dicom.Network.Dimse;

namespace DoseWatch.Web.Dicom;

/// <summary>Keeps every finished association in <c>dicom_associations</c> for the DICOM activity view.</summary>
public sealed class DatabaseAssociationJournal(AssociationRepository repository) : IAssociationJournal
{
    public Task RecordAsync(AssociationRecord r, CancellationToken cancellationToken) =>
        repository.InsertAsync(ToRow(r), cancellationToken);

    public static DicomAssociation ToRow(AssociationRecord r) => new(
        r.Id, r.StartedAt, r.EndedAt, r.PeerAddress, r.PeerPort, r.CallingAeTitle, r.CalledAeTitle, r.Tls,
        r.Caller == CallerVerdict.UnknownAccepted,
        string.Join('\n', r.AcceptedContexts.Select(c => $"{c.Id} {c.AbstractSyntax} {c.TransferSyntax.Uid}")),
        r.InstancesStored, r.FailedInstances, r.Echoes, r.BytesReceived, r.Outcome.ToString(), r.Detail ?? "");
}
