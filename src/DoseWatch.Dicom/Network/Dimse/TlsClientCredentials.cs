using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace DoseWatch.Dicom.Network.Dimse;

/// <summary>
/// What DoseWatch shows and trusts when it calls a node over TLS (PS3.15 B.1, Basic TLS Secure Transport): the
/// certificate it presents when the peer asks for one (DCMTK's storescp and dcmqrscp ask by default), and the
/// certificate authorities it trusts for the peer's certificate. A hospital PACS's certificate is usually issued by the
/// hospital's own CA, which is not in the machine's store; with no authorities given the machine's store decides.
/// </summary>
public sealed class TlsClientCredentials
{
    public static readonly TlsClientCredentials MachineTrust = new(null, null);

    private readonly X509Certificate2Collection? _trustedAuthorities;

    public TlsClientCredentials(X509Certificate2? clientCertificate, X509Certificate2Collection? trustedAuthorities)
    {
        ClientCertificate = clientCertificate;
        _trustedAuthorities = trustedAuthorities is { Count: > 0 } ? trustedAuthorities : null;
    }

    public X509Certificate2? ClientCertificate { get; }

    /// <summary>
    /// Accepts the peer's certificate when its name matches the host called and it chains to one of the trusted
    /// authorities (only to them: a certificate the machine trusts but the site did not list is refused), or, with no
    /// authorities configured, when the machine's store accepts it.
    /// </summary>
    public bool ValidatePeer(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (_trustedAuthorities is null) return errors == SslPolicyErrors.None;
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable)) return false;
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_trustedAuthorities);
        // Site CAs rarely publish revocation lists reachable from a modality network; an unreachable list must not
        // refuse every association, so revocation is not checked here (say so in the deployment notes).
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null) custom.ChainPolicy.ExtraStore.AddRange(chain.ChainPolicy.ExtraStore);
        return custom.Build(certificate as X509Certificate2 ?? new X509Certificate2(certificate));
    }
}
