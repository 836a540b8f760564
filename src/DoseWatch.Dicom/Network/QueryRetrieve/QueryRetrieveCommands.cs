using DoseWatch.Dicom.Network.Dimse;

namespace DoseWatch.Dicom.Network.QueryRetrieve;

/// <summary>The request command sets of the Query/Retrieve services (PS3.7 §9.3.2–9.3.5, Tables 9.1-2 to 9.1-5).</summary>
public static class QueryRetrieveCommands
{
    public static DimseCommand CFindRq(ushort messageId, string sopClassUid, DimsePriority priority = DimsePriority.Low) =>
        Request(CommandField.CFindRq, messageId, sopClassUid, priority);

    public static DimseCommand CGetRq(ushort messageId, string sopClassUid, DimsePriority priority = DimsePriority.Low) =>
        Request(CommandField.CGetRq, messageId, sopClassUid, priority);

    /// <param name="moveDestination">The AE title the SCP opens its own association to for the C-STORE sub-operations.</param>
    public static DimseCommand CMoveRq(ushort messageId, string sopClassUid, string moveDestination, DimsePriority priority = DimsePriority.Low)
    {
        var command = Request(CommandField.CMoveRq, messageId, sopClassUid, priority);
        command.Elements.SetString(CommandTags.MoveDestination, DicomVR.AE, moveDestination);
        return command;
    }

    /// <summary>C-CANCEL-RQ (PS3.7 §9.3.2.3): names the request it cancels by its Message ID, carries no data set.</summary>
    public static DimseCommand CCancelRq(ushort messageIdBeingRespondedTo) => new(new DicomDataSet()
        .SetUInt16(CommandTags.CommandField, (ushort)CommandField.CCancelRq)
        .SetUInt16(CommandTags.MessageIdBeingRespondedTo, messageIdBeingRespondedTo)
        .SetUInt16(CommandTags.CommandDataSetType, CommandTags.NoDataSet));

    // Low priority by default: a back-fill must not push a clinical PACS's own work back (PS3.7 §9.1.1.1).
    private static DimseCommand Request(CommandField field, ushort messageId, string sopClassUid, DimsePriority priority) => new(new DicomDataSet()
        .SetString(CommandTags.AffectedSopClassUid, DicomVR.UI, sopClassUid)
        .SetUInt16(CommandTags.CommandField, (ushort)field)
        .SetUInt16(CommandTags.MessageId, messageId)
        .SetUInt16(CommandTags.Priority, (ushort)priority)
        .SetUInt16(CommandTags.CommandDataSetType, 0x0000));
}
