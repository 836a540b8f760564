using System.Diagnostics;

namespace DoseWatch.Dicom.Network.UpperLayer;

/// <summary>
/// The Association Request/Reject/Release timer (PS3.8 §9.1.5). It bounds how long we wait for an
/// A-ASSOCIATE-RQ after a connection opens, and for the peer to close after a reject, release or abort.
/// The connection turns the remaining time into a read timeout; expiry is Evt18.
/// </summary>
public sealed class ArtimTimer(TimeSpan duration, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly TimeSpan _configured = duration;
    private long _startedAt;

    /// <summary>The duration of the current (or last) run.</summary>
    public TimeSpan Duration { get; private set; } = duration;


    public bool IsRunning { get; private set; }

    /// <summary>Starts the timer, or restarts it when already running (AA-1); <paramref name="runFor"/> overrides the duration for this run.</summary>
    public void Start(TimeSpan? runFor = null)
    {
        Duration = runFor ?? _configured;
        _startedAt = _time.GetTimestamp();
        IsRunning = true;
    }

    public void Stop() => IsRunning = false;

    /// <summary>Time left before expiry; <see cref="Timeout.InfiniteTimeSpan"/> when stopped.</summary>
    public TimeSpan Remaining
    {
        get
        {
            if (!IsRunning) return Timeout.InfiniteTimeSpan;
            var left = Duration - _time.GetElapsedTime(_startedAt);
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    public override string ToString() => IsRunning ? $"ARTIM running, {Remaining.TotalMilliseconds:F0} ms left" : "ARTIM stopped";
}
