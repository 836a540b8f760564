using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using DoseWatch.Dicom.Network.Acse;
using DoseWatch.Dicom.Network.Dimse;
using DoseWatch.Tests.Network;

namespace DoseWatch.Web.Tests.Dicom;

/// <summary>The optional DICOM TLS listener: C-ECHO over TLS, and a client without a certificate refused when one is required.</summary>
public class DicomTlsTests
{
    private static string WriteSelfSignedPfx(TempDirectory temp)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=dosewatch-test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        var path = temp.File("scp.pfx");
        File.WriteAllBytes(path, cert.Export(X509ContentType.Pfx, "test"));
        return path;
    }

    private static Dictionary<string, string?> TlsSettings(string pfx, bool requireClient) => new()
    {
        ["Dicom:Tls:Enabled"] = "true",
        ["Dicom:Tls:Port"] = "0",
        ["Dicom:Tls:CertificatePath"] = pfx,
        ["Dicom:Tls:CertificatePassword"] = "test",
        ["Dicom:Tls:RequireClientCertificate"] = requireClient ? "true" : "false",
    };

    private static async Task<DimseStatus> EchoOverTlsAsync(int port)
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync("127.0.0.1", port);
        var ssl = new SslStream(client.GetStream(), false, (_, _, _, _) => true);  // self-signed test certificate
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "dosewatch-test" });
        var rq = AssociationNegotiation.BuildRequest("TLS_SCU", "DOSEWATCH", [(SopClassUids.Verification, ["1.2.840.10008.1.2"])], 16384);
        await using var association = await AssociationRequestor.AssociateAsync(ssl, rq);
        var status = await association.EchoAsync();
        await association.ReleaseAsync();
        return status;
    }

    [Fact]
    public async Task EchoOverTls()
    {
        using var temp = new TempDirectory();
        await using var scp = await StoreScpHost.StartAsync(TlsSettings(WriteSelfSignedPfx(temp), requireClient: false));
        Assert.NotNull(scp.Service.TlsEndpoint);
        Assert.True((await EchoOverTlsAsync(scp.Service.TlsEndpoint!.Port)).IsSuccess);
    }

    [Fact]
    public async Task ClientWithoutCertificateIsRefusedWhenOneIsRequired()
    {
        using var temp = new TempDirectory();
        await using var scp = await StoreScpHost.StartAsync(TlsSettings(WriteSelfSignedPfx(temp), requireClient: true));
        await Assert.ThrowsAnyAsync<Exception>(() => EchoOverTlsAsync(scp.Service.TlsEndpoint!.Port));
        // The plain listener is unaffected.
        var echo = await PeerProcess.RunAsync("echoscu", ["-aec", "DOSEWATCH", "127.0.0.1", scp.Port.ToString()]);
        Assert.True(echo.ExitCode == 0, echo.All);
    }
}
