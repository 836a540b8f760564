using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using DoseWatch.Data.Repositories;
using DoseWatch.Core.Backfill;
using DoseWatch.Tests.Network;
using DoseWatch.Web.Dicom;
using Microsoft.Extensions.Options;

namespace DoseWatch.Web.Tests.Dicom;

/// <summary>
/// DoseWatch calling a node over TLS (the nodes page's C-ECHO; back-fills use the same credentials): DCMTK storescp
/// with <c>+tls</c> as the PACS, its certificate issued for 127.0.0.1 by a hospital CA made here, and requiring a
/// client certificate (DCMTK's default, <c>--require-peer-cert</c>) from the same CA. With the CA configured as trusted
/// and DoseWatch's own certificate presented the echo succeeds; without the CA, or without a client certificate, it
/// fails and the words say the TLS handshake was the problem.
/// </summary>
public sealed class OutgoingTlsFacts : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private sealed record Pki(string CaPem, string ServerKeyPem, string ServerCertPem, string ClientPfx);

    private Pki MakePki()
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=Hospital Test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));

        X509Certificate2 Issue(string subject, RSA key, bool server)
        {
            var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, false));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(server ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
            if (server)
            {
                var names = new SubjectAlternativeNameBuilder();
                names.AddIpAddress(IPAddress.Loopback);
                request.CertificateExtensions.Add(names.Build());
            }
            var serial = RandomNumberGenerator.GetBytes(12);
            using var issued = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(12), serial);
            return issued.CopyWithPrivateKey(key);
        }

        using var serverKey = RSA.Create(2048);
        using var clientKey = RSA.Create(2048);
        using var server = Issue("CN=pacs.test", serverKey, server: true);
        using var client = Issue("CN=dosewatch.test", clientKey, server: false);
        var pki = new Pki(_temp.File("ca.pem"), _temp.File("pacs-key.pem"), _temp.File("pacs-cert.pem"), _temp.File("dosewatch.pfx"));
        File.WriteAllText(pki.CaPem, ca.ExportCertificatePem());
        File.WriteAllText(pki.ServerKeyPem, serverKey.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(pki.ServerCertPem, server.ExportCertificatePem());
        File.WriteAllBytes(pki.ClientPfx, client.Export(X509ContentType.Pfx, "test"));
        return pki;
    }

    private static DicomNodeVerification Verification(Action<DicomTlsOptions> tls)
    {
        var options = new DicomScpOptions { AeTitle = "DOSEWATCH" };
        tls(options.Tls);
        return new DicomNodeVerification(Options.Create(options));
    }

    private static DicomNode Node(int port) =>
        new(1, StorescpProcess.AeTitle, "127.0.0.1", port, Tls: true, "TLS archive", SendsToUs: false, QueryRetrieve: true, Nightly: false, RetrieveMethod.Move, default);

    [Fact]
    public async Task A_tls_pacs_with_a_hospital_ca_answers_once_the_ca_is_trusted_and_our_certificate_is_presented()
    {
        var pki = MakePki();
        await using var pacs = await StorescpProcess.StartAsync(_temp.Path, "+tls", pki.ServerKeyPem, pki.ServerCertPem, "+cf", pki.CaPem);

        var trusted = await Verification(t => (t.TrustedCertificatesPath, t.CertificatePath, t.CertificatePassword) = (pki.CaPem, pki.ClientPfx, "test"))
            .VerifyAsync(Node(pacs.Port));
        Assert.True(trusted.Outcome == VerificationOutcome.Success, trusted.Words);
        Assert.Contains("(TLS) answered the C-ECHO", trusted.Words);

        // The machine's store does not know the hospital's CA: the handshake fails, and the words say so.
        var untrusted = await Verification(t => (t.CertificatePath, t.CertificatePassword) = (pki.ClientPfx, "test")).VerifyAsync(Node(pacs.Port));
        Assert.NotEqual(VerificationOutcome.Success, untrusted.Outcome);
        Assert.Contains("TLS handshake failed", untrusted.Words);

        // storescp requires a client certificate by default: without ours it ends the handshake.
        var anonymous = await Verification(t => t.TrustedCertificatesPath = pki.CaPem).VerifyAsync(Node(pacs.Port));
        Assert.NotEqual(VerificationOutcome.Success, anonymous.Outcome);
    }

    [Fact]
    public async Task A_certificate_the_machine_trusts_is_refused_when_the_site_names_its_own_ca_and_the_peer_is_not_under_it()
    {
        // Two hospital CAs: the PACS's certificate comes from one, the site trusts only the other.
        var pki = MakePki();
        var other = new OutgoingTlsFacts();
        try
        {
            var otherPki = other.MakePki();
            await using var pacs = await StorescpProcess.StartAsync(_temp.Path, "+tls", pki.ServerKeyPem, pki.ServerCertPem, "+cf", pki.CaPem, "-ic");
            var result = await Verification(t => t.TrustedCertificatesPath = otherPki.CaPem).VerifyAsync(Node(pacs.Port));
            Assert.NotEqual(VerificationOutcome.Success, result.Outcome);
            Assert.Contains("TLS handshake failed", result.Words);
            // The same PACS with its own CA trusted (and no client certificate asked for: -ic) answers.
            var ok = await Verification(t => t.TrustedCertificatesPath = pki.CaPem).VerifyAsync(Node(pacs.Port));
            Assert.True(ok.Outcome == VerificationOutcome.Success, ok.Words);
        }
        finally
        {
            other.Dispose();
        }
    }
}
