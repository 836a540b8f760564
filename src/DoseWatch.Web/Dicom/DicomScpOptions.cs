using System.Security.Cryptography.X509Certificates;
using System.ComponentModel.DataAnnotations;
using System.Net;
using DoseWatch.Dicom.Network.Acse;
using DoseWatch.Dicom.Network.Dimse;
using Microsoft.Extensions.Options;

namespace DoseWatch.Web.Dicom;

/// <summary>Configuration section <c>Dicom</c>: the built-in Store SCP.</summary>
public sealed class DicomScpOptions
{
    public const string Section = "Dicom";

    /// <summary>TCP port of the plain DICOM listener; 0 picks a free port (tests).</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 11112;

    /// <summary>Address to bind; "0.0.0.0" listens on every interface.</summary>
    public string BindAddress { get; set; } = "0.0.0.0";

    /// <summary>Our AE title: what modalities put in Called AE Title.</summary>
    public string AeTitle { get; set; } = "DOSEWATCH";

    /// <summary>Reject associations whose called AE title is not <see cref="AeTitle"/> (PS3.8 reason 7).</summary>
    public bool RequireCalledAeTitle { get; set; } = true;

    /// <summary>
    /// When false (strict mode), a calling AE title not in <see cref="KnownDevices"/> (or calling from another address)
    /// is rejected with reason 3; when true it is accepted and the association is flagged as from an unknown device.
    /// </summary>
    public bool AcceptUnknownDevices { get; set; } = true;

    public List<KnownDeviceOptions> KnownDevices { get; set; } = [];

    /// <summary>Storage SOP classes accepted besides Verification; empty means the built-in dose and safety list.</summary>
    public List<string> SopClasses { get; set; } = [];

    [Range(1, 10_000)]
    public int MaxAssociations { get; set; } = 64;

    /// <summary>Associations beyond <see cref="MaxAssociations"/> kept for <see cref="KnownDevices"/> (allow-listed, from their addresses).</summary>
    [Range(0, 10_000)]
    public int ReservedForKnownDevices { get; set; } = 8;

    /// <summary>Open connections from one IP address; more are closed at once (a flood from one host cannot fill the service).</summary>
    [Range(1, 10_000)]
    public int MaxConnectionsPerPeer { get; set; } = 16;

    /// <summary>Connections that have not sent their A-ASSOCIATE-RQ yet; more are closed at once.</summary>
    [Range(1, 10_000)]
    public int MaxPendingConnections { get; set; } = 256;

    /// <summary>How long a new connection may stay silent before its A-ASSOCIATE-RQ (then it is closed).</summary>
    [Range(0.05, 3600)]
    public double AssociationRequestTimeoutSeconds { get; set; } = 5;

    /// <summary>Maximum Length we advertise (largest P-DATA-TF we accept); also bounds memory per association.</summary>
    [Range(4096, 16 * 1024 * 1024)]
    public int MaxPduLength { get; set; } = 128 * 1024;

    [Range(0.05, 3600)]
    public double ArtimTimeoutSeconds { get; set; } = 30;

    [Range(0.05, 86_400)]
    public double IdleTimeoutSeconds { get; set; } = 120;

    /// <summary>fsync each instance before answering Success; turn off only for benchmarks.</summary>
    public bool Fsync { get; set; } = true;

    /// <summary>
    /// Size of the inbox's write-ahead journal (<c>inbox/.journal/</c>, written once in full when created): an instance of
    /// up to 256 KiB (and a quarter of it) is made durable by one shared sync of the journal instead of its own file's fsync, rename and
    /// directory fsync (issue #18). 0 turns the journal off. Linux only; elsewhere each file is synced on its own.
    /// </summary>
    [Range(0, 4096)]
    public int JournalMegabytes { get; set; } = 64;

    public DicomTlsOptions Tls { get; set; } = new();

    public ConnectionLimits ToLimits() => new()
    {
        MaxAssociations = MaxAssociations,
        ReservedForKnownDevices = ReservedForKnownDevices,
        MaxConnectionsPerPeer = MaxConnectionsPerPeer,
        MaxPendingConnections = MaxPendingConnections,
    };

    /// <summary>The allow-list entries of the configuration file (<see cref="KnownDevices"/>).</summary>
    public IReadOnlyList<KnownCaller> ConfiguredCallers() =>
        KnownDevices.Select(d => new KnownCaller(d.AeTitle, d.Addresses.Select(IPAddress.Parse).ToList())).ToList();

    /// <param name="callingAeAccess">Who may associate; by default the configuration file's entries alone.</param>
    public AcceptorPolicy ToPolicy(CallingAeAccess? callingAeAccess = null) => new()
    {
        AeTitle = AeTitle,
        RequireCalledAeTitle = RequireCalledAeTitle,
        MaxPduLength = (uint)MaxPduLength,
        CallingAeAccess = callingAeAccess ?? new CallingAeAccess(ConfiguredCallers(), Strict: !AcceptUnknownDevices),
        AbstractSyntaxes = new HashSet<string>([SopClassUids.Verification, .. SopClasses.Count > 0 ? SopClasses : SopClassUids.DefaultStorage]),
    };
}

public sealed class KnownDeviceOptions
{
    public string AeTitle { get; set; } = "";

    /// <summary>If not empty, the device is known only when calling from one of these addresses.</summary>
    public List<string> Addresses { get; set; } = [];
}

/// <summary>Optional DICOM TLS listener (PS3.15 B.1), default port 2762.</summary>
public sealed class DicomTlsOptions
{
    public bool Enabled { get; set; }

    [Range(0, 65535)]
    public int Port { get; set; } = 2762;

    /// <summary>PKCS#12 (.pfx) or PEM certificate file with its private key.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM private key file when <see cref="CertificatePath"/> is a PEM certificate.</summary>
    public string? PrivateKeyPath { get; set; }

    public string? CertificatePassword { get; set; }

    public bool RequireClientCertificate { get; set; }

    /// <summary>
    /// PEM file of the certificate authorities trusted for the nodes DoseWatch calls over TLS (C-ECHO, query/retrieve,
    /// forwarding), typically the hospital's own CA; only these are then trusted. Empty: the machine's trust store.
    /// </summary>
    public string? TrustedCertificatesPath { get; set; }

    /// <summary>
    /// When calling a node over TLS, present <see cref="CertificatePath"/> if the node asks for a client certificate
    /// (DCMTK's default). Needs no listener: the certificate is read whenever a path is given.
    /// </summary>
    public bool PresentCertificateWhenCalling { get; set; } = true;

    public X509Certificate2 LoadCertificate() =>
        !string.IsNullOrEmpty(PrivateKeyPath)
            ? X509Certificate2.CreateFromPemFile(CertificatePath!, PrivateKeyPath)
            : X509CertificateLoader.LoadPkcs12FromFile(CertificatePath!, CertificatePassword);

    /// <summary>What DoseWatch presents and trusts when it calls a node over TLS.</summary>
    public TlsClientCredentials ClientCredentials()
    {
        X509Certificate2Collection? authorities = null;
        if (!string.IsNullOrWhiteSpace(TrustedCertificatesPath))
        {
            authorities = [];
            authorities.ImportFromPemFile(TrustedCertificatesPath);
        }
        var mine = PresentCertificateWhenCalling && !string.IsNullOrWhiteSpace(CertificatePath) ? LoadCertificate() : null;
        return new TlsClientCredentials(mine, authorities);
    }
}

/// <summary>Checks what data annotations cannot: AE titles, addresses, the TLS certificate.</summary>
public sealed class DicomScpOptionsValidator : IValidateOptions<DicomScpOptions>
{
    public ValidateOptionsResult Validate(string? name, DicomScpOptions o)
    {
        var errors = new List<string>();
        if (!IsAeTitle(o.AeTitle)) errors.Add($"Dicom:AeTitle '{o.AeTitle}' must be 1-16 printable ASCII characters, not only spaces, without backslash");
        if (!IPAddress.TryParse(o.BindAddress, out _)) errors.Add($"Dicom:BindAddress '{o.BindAddress}' is not an IP address");
        foreach (var d in o.KnownDevices)
        {
            if (!IsAeTitle(d.AeTitle)) errors.Add($"Dicom:KnownDevices AE title '{d.AeTitle}' is not a valid AE title");
            errors.AddRange(d.Addresses.Where(a => !IPAddress.TryParse(a, out _)).Select(a => $"Dicom:KnownDevices address '{a}' of {d.AeTitle} is not an IP address"));
        }
        errors.AddRange(o.SopClasses.Where(u => !DoseWatch.Dicom.DicomUid.IsValid(u)).Select(u => $"Dicom:SopClasses '{u}' is not a UID"));
        if (o.Tls.Enabled)
        {
            if (string.IsNullOrWhiteSpace(o.Tls.CertificatePath) || !File.Exists(o.Tls.CertificatePath))
                errors.Add($"Dicom:Tls:CertificatePath '{o.Tls.CertificatePath}' must name an existing certificate file when TLS is enabled");
            if (o.Tls.Port == o.Port && o.Port != 0) errors.Add("Dicom:Tls:Port must differ from Dicom:Port");
        }
        if (!string.IsNullOrWhiteSpace(o.Tls.TrustedCertificatesPath) && !File.Exists(o.Tls.TrustedCertificatesPath))
            errors.Add($"Dicom:Tls:TrustedCertificatesPath '{o.Tls.TrustedCertificatesPath}' must name an existing PEM file of certificate authorities");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>PS3.5 Table 6.2-1, AE: up to 16 characters of the default repertoire, no backslash or control characters, not all spaces.</summary>
    public static bool IsAeTitle(string? ae) =>
        !string.IsNullOrWhiteSpace(ae) && ae.Length <= 16 && ae.All(c => c is >= ' ' and <= '~' and not '\\');
}
