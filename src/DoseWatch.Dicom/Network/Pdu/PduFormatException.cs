namespace DoseWatch.Dicom.Network.Pdu;

/// <summary>
/// A PDU that cannot be decoded, or one that breaks a limit (PS3.8 §9.3: "unrecognized or invalid PDU", Evt19).
/// <see cref="Offset"/> is the byte offset within the PDU (header included) where decoding stopped.
/// </summary>
public sealed class PduFormatException : Exception
{
    public PduFormatException(string message, long offset, AbortReason abortReason = AbortReason.InvalidPduParameterValue)
        : base($"{message} (PDU offset {offset})")
    {
        Offset = offset;
        AbortReason = abortReason;
    }

    public long Offset { get; }

    /// <summary>The A-ABORT reason to send in answer (PS3.8 Table 9-26).</summary>
    public AbortReason AbortReason { get; }
}
