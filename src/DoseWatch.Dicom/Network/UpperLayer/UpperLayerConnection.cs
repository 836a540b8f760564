using DoseWatch.Dicom.Network.Pdu;

namespace DoseWatch.Dicom.Network.UpperLayer;

/// <summary>
/// One DICOM Upper Layer connection (PS3.8 §9.2): maps incoming PDUs, timer expiries and transport events to
/// Evt1–Evt19, asks <see cref="UlStateMachine"/> for the action, and executes it. Async only; one reader and one
/// writer at a time (the DIMSE layer above is sequential).
/// </summary>
public sealed class UpperLayerConnection : IAsyncDisposable
{
    private readonly Stream _transport;
    private readonly UlStateMachine _machine;
    private readonly UpperLayerOptions _options;
    private readonly PduReader _reader;
    private readonly PduWriter _writer;
    private readonly ArtimTimer _artim;
    private readonly CancellationTokenSource _timeout;
    private bool _transportClosed;
    private bool _readBroken;

    public UpperLayerConnection(Stream transport, bool isAssociationRequestor, UpperLayerOptions options, CancellationToken lifetime = default, TimeProvider? time = null)
    {
        _transport = transport;
        _options = options;
        _machine = new UlStateMachine(isAssociationRequestor);
        _reader = new PduReader(transport, options.MaxReceivePduLength);
        _writer = new PduWriter(transport);
        _artim = new ArtimTimer(options.ArtimTimeout, time);
        _timeout = CancellationTokenSource.CreateLinkedTokenSource(lifetime);
    }

    public UlState State => _machine.State;

    public ArtimTimer Artim => _artim;

    public long BytesReceived => _reader.BytesRead;

    public long BytesSent => _writer.BytesWritten;

    /// <summary>The largest P-DATA-TF length field we may send: the peer's Maximum Length, once known.</summary>
    public uint MaxSendPduLength { get; private set; } = 16384;

    /// <summary>Evt5 on the acceptor side: the transport connection is open (AE-5 starts ARTIM).</summary>
    public void TransportConnectionIndication() => Execute(_machine.Fire(UlEvent.Evt5));

    /// <summary>
    /// Waits for the next incoming event and returns the indication it produces. PDUs the standard says to ignore
    /// in the current state (AA-6, AA-7) are handled here and never reach the caller.
    /// </summary>
    public async ValueTask<UlIndication> ReceiveAsync()
    {
        while (true)
        {
            var (evt, pdu, detail) = await NextEventAsync().ConfigureAwait(false);
            var action = _machine.Fire(evt);
            var indication = await ExecuteIncomingAsync(action, pdu, detail).ConfigureAwait(false);
            if (indication is not null) return indication;
        }
    }

    /// <summary>Sends a PDU as the matching local primitive (Evt1/2, 7, 8, 9, 11, 14, 15).</summary>
    public async ValueTask SendAsync(ProtocolDataUnit pdu, CancellationToken ct = default)
    {
        switch (pdu)
        {
            case AAssociateRq:
                _machine.Fire(UlEvent.Evt1);  // AE-1: the caller opened the transport already
                _machine.Fire(UlEvent.Evt2);  // AE-2
                break;
            case AAssociateAc:
                _machine.Fire(UlEvent.Evt7);
                break;
            case AAssociateRj:
                _machine.Fire(UlEvent.Evt8);
                _artim.Start();
                break;
            case PDataTf:
                _machine.Fire(UlEvent.Evt9);
                break;
            case AReleaseRq:
                _machine.Fire(UlEvent.Evt11);
                break;
            case AReleaseRp:
                if (_machine.Fire(UlEvent.Evt14) == UlAction.AR4) _artim.Start();
                break;
            case AAbort:
                if (_machine.Fire(UlEvent.Evt15) == UlAction.AA2) { CloseTransport(); return; }
                _artim.Start();
                break;
        }
        await WriteOrCloseAsync(() => _writer.WriteAsync(pdu, ct)).ConfigureAwait(false);
    }

    /// <summary>P-DATA request (Evt9) carrying one PDV; the fragment must fit <see cref="MaxSendPduLength"/>.</summary>
    public async ValueTask SendPDataAsync(byte presentationContextId, bool isCommand, bool isLast, ReadOnlyMemory<byte> fragment, CancellationToken ct = default)
    {
        if (fragment.Length + Pdv.Overhead > MaxSendPduLength)
            throw new ArgumentException($"Fragment of {fragment.Length} bytes exceeds the peer's maximum PDU length {MaxSendPduLength}");
        _machine.Fire(UlEvent.Evt9);
        await WriteOrCloseAsync(() => _writer.WritePDataAsync(presentationContextId, isCommand, isLast, fragment, ct)).ConfigureAwait(false);
    }

    /// <summary>The largest fragment one PDV may carry when sent.</summary>
    public int MaxSendFragmentLength => (int)MaxSendPduLength - Pdv.Overhead;

    /// <summary>A-ABORT request (Evt15) unless the association is already gone, then waits for the peer to close.</summary>
    public async ValueTask AbortAsync()
    {
        if (_machine.CanFire(UlEvent.Evt15))
        {
            try { await SendAsync(AAbort.ByServiceUser()).ConfigureAwait(false); }
            catch (IOException) { }
        }
        await WaitForCloseAsync().ConfigureAwait(false);
    }

    /// <summary>In Sta13, waits until the peer closes the transport or ARTIM expires (AR-5 / AA-2), then the state is Sta1.</summary>
    public async ValueTask WaitForCloseAsync()
    {
        while (_machine.State == UlState.Sta13) await ReceiveAsync().ConfigureAwait(false);
    }

    private async ValueTask WriteOrCloseAsync(Func<ValueTask> write)
    {
        try
        {
            await write().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            if (_machine.CanFire(UlEvent.Evt17)) _machine.Fire(UlEvent.Evt17);
            CloseTransport();
            throw new IOException("Transport closed while sending", e);
        }
    }

    private async ValueTask<(UlEvent Event, ProtocolDataUnit? Pdu, string? Detail)> NextEventAsync()
    {
        if (_transportClosed) return (UlEvent.Evt17, null, "transport closed");
        var timeout = _artim.IsRunning ? _artim.Remaining : IsAssociationOpen ? _options.IdleTimeout : Timeout.InfiniteTimeSpan;
        if (timeout == TimeSpan.Zero) return _artim.IsRunning ? (UlEvent.Evt18, null, "ARTIM expired") : (UlEvent.Evt15, null, "idle timeout");
        try
        {
            if (timeout != Timeout.InfiniteTimeSpan) _timeout.CancelAfter(timeout);
            if (_readBroken)
            {
                // No PDU boundary is known any more; only the peer closing (or ARTIM) can end this.
                await _reader.DiscardUntilClosedAsync(_timeout.Token).ConfigureAwait(false);
                _timeout.TryReset();
                return (UlEvent.Evt17, null, "peer closed the connection");
            }
            var pdu = await _reader.ReadAsync(_timeout.Token).ConfigureAwait(false);
            if (!_timeout.TryReset()) return TimeoutEvent(timeout);
            return pdu is null ? (UlEvent.Evt17, null, "peer closed the connection") : (EventOf(pdu), pdu, null);
        }
        catch (OperationCanceledException)
        {
            return TimeoutEvent(timeout);
        }
        catch (PduFormatException e)
        {
            _timeout.TryReset();
            _readBroken = true;
            return (UlEvent.Evt19, AAbort.ByServiceProvider(e.AbortReason), e.Message);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            return (UlEvent.Evt17, null, e.Message);
        }
    }

    private (UlEvent, ProtocolDataUnit?, string?) TimeoutEvent(TimeSpan timeout)
    {
        // An expired read leaves the stream in an unknown place: nothing more can be read from it.
        _readBroken = true;
        return _artim.IsRunning
            ? (UlEvent.Evt18, null, $"ARTIM timer expired after {_artim.Duration.TotalSeconds:0.###} s")
            : (UlEvent.Evt15, null, $"idle for {timeout.TotalSeconds:0.###} s");
    }

    private bool IsAssociationOpen => _machine.State is UlState.Sta3 or (>= UlState.Sta5 and <= UlState.Sta12);

    private static UlEvent EventOf(ProtocolDataUnit pdu) => pdu.Type switch
    {
        PduType.AAssociateRq => UlEvent.Evt6,
        PduType.AAssociateAc => UlEvent.Evt3,
        PduType.AAssociateRj => UlEvent.Evt4,
        PduType.PDataTf => UlEvent.Evt10,
        PduType.AReleaseRq => UlEvent.Evt12,
        PduType.AReleaseRp => UlEvent.Evt13,
        PduType.AAbort => UlEvent.Evt16,
        _ => UlEvent.Evt19,
    };

    /// <summary>Runs an action caused by an incoming event; null means "nothing for the user, keep reading".</summary>
    private async ValueTask<UlIndication?> ExecuteIncomingAsync(UlAction action, ProtocolDataUnit? pdu, string? detail)
    {
        switch (action)
        {
            case UlAction.AE3:
                var ac = (AAssociateAc)pdu!;
                MaxSendPduLength = EffectiveSendLimit(ac.UserInformation.MaximumLength);
                return new UlIndication(UlIndicationKind.AssociateAccepted, ac);
            case UlAction.AE4:
                CloseTransport();
                return new UlIndication(UlIndicationKind.AssociateRejected, pdu);
            case UlAction.AE6:
                return await AssociateRequestIndicationAsync((AAssociateRq)pdu!).ConfigureAwait(false);
            case UlAction.DT2 or UlAction.AR6:
                return new UlIndication(UlIndicationKind.Data, pdu);
            case UlAction.AR2 or UlAction.AR8:
                return new UlIndication(UlIndicationKind.ReleaseRequested, pdu);
            case UlAction.AR3:
                CloseTransport();
                return new UlIndication(UlIndicationKind.ReleaseConfirmed, pdu);
            case UlAction.AR10:
                return new UlIndication(UlIndicationKind.ReleaseConfirmed, pdu);
            case UlAction.AR5 or UlAction.AA5:
                _artim.Stop();
                CloseTransport();
                return new UlIndication(UlIndicationKind.Closed, null, detail);
            case UlAction.AA1:
                // Evt15 (idle timeout) arrives here too: then it is our own A-ABORT request.
                await TrySendAbortAsync(AAbort.ByServiceUser()).ConfigureAwait(false);
                _artim.Start();
                return new UlIndication(UlIndicationKind.AbortedLocally, pdu, detail ?? $"unexpected {pdu?.Type} before A-ASSOCIATE-RQ");
            case UlAction.AA2:
                _artim.Stop();
                CloseTransport();
                return new UlIndication(UlIndicationKind.Closed, pdu, detail);
            case UlAction.AA3:
                CloseTransport();
                return new UlIndication(UlIndicationKind.AbortedByPeer, pdu, pdu?.ToString());
            case UlAction.AA4:
                CloseTransport();
                return new UlIndication(UlIndicationKind.TransportClosed, null, detail);
            case UlAction.AA6:
                return null;
            case UlAction.AA7:
                await TrySendAbortAsync(AAbort.ByServiceProvider(AbortReason.UnexpectedPdu)).ConfigureAwait(false);
                return null;
            case UlAction.AA8:
                var reason = pdu is AAbort invalid && detail is not null ? invalid.Reason : AbortReason.UnexpectedPdu;
                await TrySendAbortAsync(AAbort.ByServiceProvider(reason)).ConfigureAwait(false);
                _artim.Start();
                return new UlIndication(UlIndicationKind.AbortedLocally, pdu, detail ?? $"unexpected {pdu?.Type} in the current state");
            default:
                throw new UlInvalidTransitionException(UlEvent.Evt19, _machine.State);
        }
    }

    private async ValueTask<UlIndication> AssociateRequestIndicationAsync(AAssociateRq rq)
    {
        _artim.Stop();
        MaxSendPduLength = EffectiveSendLimit(rq.UserInformation.MaximumLength);
        if ((rq.ProtocolVersion & 1) != 0) return new UlIndication(UlIndicationKind.AssociateRequested, rq);
        // AE-6, "otherwise": the provider rejects without asking the user.
        _machine.ProviderRejected();
        await _writer.WriteAsync(AAssociateRj.ProtocolVersionNotSupported(), CancellationToken.None).ConfigureAwait(false);
        _artim.Start();
        return new UlIndication(UlIndicationKind.AbortedLocally, rq, $"protocol version {rq.ProtocolVersion} not supported");
    }

    private uint EffectiveSendLimit(uint? peerMaximum) =>
        peerMaximum is null or 0
            ? _options.MaxSendPduLengthWhenUnlimited
            : Math.Clamp(peerMaximum.Value, (uint)Pdv.Overhead + 1, _options.MaxSendPduLengthWhenUnlimited);

    private async ValueTask TrySendAbortAsync(AAbort abort)
    {
        if (_transportClosed) return;
        try { await _writer.WriteAsync(abort, CancellationToken.None).ConfigureAwait(false); }
        catch (Exception e) when (e is IOException or ObjectDisposedException) { CloseTransport(); }
    }

    private void Execute(UlAction action)
    {
        if (action == UlAction.AE5) _artim.Start(_options.AssociateRequestTimeout);
    }

    private void CloseTransport()
    {
        if (_transportClosed) return;
        _transportClosed = true;
        try { _transport.Dispose(); } catch (IOException) { }
    }

    public ValueTask DisposeAsync()
    {
        _transportClosed = true;
        try { _transport.Dispose(); } catch (IOException) { }
        _reader.Dispose();
        _timeout.Dispose();
        return ValueTask.CompletedTask;
    }
}
