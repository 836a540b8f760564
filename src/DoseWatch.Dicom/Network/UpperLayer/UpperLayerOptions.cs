namespace DoseWatch.Dicom.Network.UpperLayer;

/// <summary>Limits of one Upper Layer connection.</summary>
public sealed record UpperLayerOptions
{
    /// <summary>The Maximum Length we advertise: the largest P-DATA-TF length field we accept (PS3.8 Annex D.1).</summary>
    public uint MaxReceivePduLength { get; init; } = 128 * 1024;

    /// <summary>
    /// Ceiling on the P-DATA-TF we send: used when the peer advertises 0 (no limit) and when it advertises more (up to
    /// 0xFFFFFFFF, PS3.8 D.1), since larger PDUs only cost memory; a peer must accept any length up to its maximum.
    /// </summary>
    public uint MaxSendPduLengthWhenUnlimited { get; init; } = 128 * 1024;

    /// <summary>ARTIM timer duration (PS3.8 leaves it to the implementation).</summary>
    public TimeSpan ArtimTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a new transport connection may stay silent before its A-ASSOCIATE-RQ (the first ARTIM run, AE-5);
    /// null means <see cref="ArtimTimeout"/>. Short on a service, so idle sockets cannot hold its capacity.
    /// </summary>
    public TimeSpan? AssociateRequestTimeout { get; init; }

    /// <summary>How long an established association may stay silent before we abort it.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(120);
}
