using Hangfire;

namespace DoseWatch.Web.Alerts;

/// <summary>
/// Starts a delivery run (<see cref="DeliverAlertsJob"/>) after analyses raise alerts: at once when none was queued in the
/// last <see cref="Spacing"/>, else once at the end of it, so every alert raised is followed by a run that starts after it
/// was stored. One Hangfire job per alerting analysis was hundreds of jobs a minute under sustained ingest (issue #18):
/// each a job row, its states and counters in the job store, all waiting on the same delivery lock, and one run sends
/// every due delivery anyway. The trailing run lives in this process only: if it dies first, the recurring run (every
/// minute) sends what it would have.
/// </summary>
public sealed class AlertDeliveryTrigger(IBackgroundJobClient jobs, TimeProvider clock, ILogger<AlertDeliveryTrigger> logger)
{
    /// <summary>The shortest time between two delivery runs queued by this trigger: the longest an alert waits for its run here.</summary>
    public static readonly TimeSpan Spacing = TimeSpan.FromSeconds(2);

    private readonly Lock _gate = new();
    private long _lastQueued; // clock timestamp; 0 = never
    private bool _trailing;

    /// <summary>Delivery runs queued so far (tests).</summary>
    public int Queued { get; private set; }

    /// <summary>Alerts were stored: a delivery run will start after now.</summary>
    public void AlertsRaised()
    {
        lock (_gate)
        {
            if (_trailing) return; // a run is already due after now, and it sends these too
            if (_lastQueued == 0 || clock.GetElapsedTime(_lastQueued) >= Spacing)
            {
                Queue();
                return;
            }
            _trailing = true;
            _ = QueueLaterAsync(Spacing - clock.GetElapsedTime(_lastQueued));
        }
    }

    private async Task QueueLaterAsync(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, clock);
        }
        finally
        {
            lock (_gate)
            {
                _trailing = false;
                try
                {
                    Queue();
                }
                catch (Exception e)
                {
                    // The job store is away: the recurring run sends these within a minute.
                    logger.LogWarning(e, "A delivery run for new alerts could not be queued; the next minute's run sends them");
                }
            }
        }
    }

    private void Queue()
    {
        jobs.Enqueue<DeliverAlertsJob>(job => job.Run(CancellationToken.None));
        _lastQueued = clock.GetTimestamp();
        Queued++;
    }
}
