using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Authentication;
using DoseWatch.Data.Repositories;
using DoseWatch.Dicom;
using DoseWatch.Dicom.Network.Acse;
using DoseWatch.Dicom.Network.Dimse;
using Microsoft.Extensions.Options;

namespace DoseWatch.Web.Dicom;

public enum VerificationOutcome { Success, Refused, Unreachable }

/// <summary>A C-ECHO's result in words for the person who pressed the button; <see cref="RoundTripMilliseconds"/> only on success.</summary>
public sealed record VerificationResult(VerificationOutcome Outcome, string Words, double? RoundTripMilliseconds);

/// <summary>
/// The "C-ECHO" button of the remote nodes page: associates with the node as DoseWatch's AE title (over TLS when the
/// node says so), sends one C-ECHO (Verification, PS3.4 Annex A) and tells whether it answered, refused, or could not be reached.
/// </summary>
public sealed class DicomNodeVerification(IOptions<DicomScpOptions> options)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public async Task<VerificationResult> VerifyAsync(DicomNode node, CancellationToken ct = default)
    {
        if (node.Host.Length == 0 || node.Port is < 1 or > 65535)
            return new(VerificationOutcome.Unreachable, $"{node.AeTitle} has no host and port to call (it only sends to DoseWatch).", null);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(Timeout);
        var rq = AssociationNegotiation.BuildRequest(options.Value.AeTitle, node.AeTitle,
            [(SopClassUids.Verification, [DicomTransferSyntax.ImplicitVRLittleEndian.Uid])], 128 * 1024);
        var where = $"{node.AeTitle} at {node.Host}:{node.Port}{(node.Tls ? " (TLS)" : "")}";
        try
        {
            await using var association = node.Tls
                ? await AssociationRequestor.ConnectTlsAsync(node.Host, node.Port, rq, options.Value.Tls.ClientCredentials(), ct: limit.Token)
                : await AssociationRequestor.ConnectAsync(node.Host, node.Port, rq, ct: limit.Token);
            var clock = Stopwatch.StartNew();
            var status = await association.EchoAsync(limit.Token);
            var ms = clock.Elapsed.TotalMilliseconds;
            await association.ReleaseAsync(limit.Token);
            return status.IsSuccess
                ? new(VerificationOutcome.Success, $"{where} answered the C-ECHO in {ms:F0} ms.", ms)
                : new(VerificationOutcome.Refused, $"{where} accepted the association but answered the C-ECHO with a failure (status {status.Code:X4}).", null);
        }
        catch (AssociationFailedException e) when (e.Reject is not null)
        {
            return new(VerificationOutcome.Refused, $"{where} refused: {e.Message}", null);
        }
        catch (AuthenticationException e)
        {
            return new(VerificationOutcome.Refused, $"{where}: the TLS handshake failed ({e.Message}).", null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new(VerificationOutcome.Unreachable, $"{where} did not answer within {Timeout.TotalSeconds:F0} seconds.", null);
        }
        catch (SocketException e)
        {
            return new(VerificationOutcome.Unreachable, $"{where} is unreachable: {Reason(e)}.", null);
        }
        catch (Exception e) when (e is AssociationFailedException or IOException or DimseProtocolException)
        {
            return new(VerificationOutcome.Unreachable, $"{where} ended the connection: {e.Message}", null);
        }
    }

    private static string Reason(SocketException e) => e.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "nothing listens on that port (connection refused)",
        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "the host name is not known",
        SocketError.TimedOut => "the connection timed out",
        SocketError.HostUnreachable or SocketError.NetworkUnreachable => "no route to the host",
        _ => e.Message,
    };
}
