using DoseWatch.Web.Alerts;
using Hangfire;
using Hangfire.Storage.SQLite;
using Microsoft.Extensions.Logging.Abstractions;

namespace DoseWatch.Web.Tests.Alerts;

/// <summary>
/// Delivery runs after analyses that raised alerts (issue #18): not a Hangfire job per alerting analysis, yet every alert
/// followed by a run queued after it was stored. Jobs go to a real Hangfire SQLite job store (no server processes them)
/// and are counted there.
/// </summary>
public sealed class AlertDeliveryTriggerFacts : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("dosewatch-trigger-");
    private readonly SQLiteStorage _storage;
    private readonly AlertDeliveryTrigger _trigger;

    public AlertDeliveryTriggerFacts()
    {
        _storage = new SQLiteStorage(Path.Combine(_directory.FullName, "hangfire.db"), new SQLiteStorageOptions());
        _trigger = new AlertDeliveryTrigger(new BackgroundJobClient(_storage), TimeProvider.System, NullLogger<AlertDeliveryTrigger>.Instance);
    }

    public void Dispose()
    {
        _storage.Dispose();
        _directory.Delete(recursive: true);
    }

    private long QueuedDeliveryRuns() => _storage.GetMonitoringApi().EnqueuedJobs("default", 0, 1000)
        .Count(j => j.Value.Job.Type == typeof(DeliverAlertsJob));

    [Fact]
    public async Task A_burst_of_alerting_analyses_queues_one_run_at_once_and_one_after_the_burst()
    {
        var burst = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 20; i++)
        {
            _trigger.AlertsRaised();
            await Task.Delay(5);
        }
        Assert.True(burst.Elapsed < AlertDeliveryTrigger.Spacing, "the burst took longer than the spacing: the test proves nothing");
        // The first at once; the other 19 share one run at the end of the spacing (not 19 runs).
        Assert.Equal(1, QueuedDeliveryRuns());
        await WaitForAsync(() => QueuedDeliveryRuns() == 2, AlertDeliveryTrigger.Spacing + TimeSpan.FromSeconds(5));
        await Task.Delay(AlertDeliveryTrigger.Spacing + TimeSpan.FromMilliseconds(500));
        Assert.Equal(2, QueuedDeliveryRuns());
        Assert.Equal(2, _trigger.Queued);
    }

    [Fact]
    public async Task Every_alert_is_followed_by_a_run_queued_after_it()
    {
        _trigger.AlertsRaised();
        Assert.Equal(1, QueuedDeliveryRuns());
        await Task.Delay(300);
        var raised = DateTime.UtcNow;
        _trigger.AlertsRaised(); // within the spacing of the first run: its own comes later
        Assert.Equal(1, QueuedDeliveryRuns());
        await WaitForAsync(() => QueuedDeliveryRuns() == 2, AlertDeliveryTrigger.Spacing + TimeSpan.FromSeconds(5));
        var runs = _storage.GetMonitoringApi().EnqueuedJobs("default", 0, 10).Select(j => j.Value.EnqueuedAt!.Value).Order().ToList();
        Assert.True(runs[1] >= raised.AddMilliseconds(-50), $"the second run was queued at {runs[1]:O}, before the alert it must send ({raised:O})");

        // Once the spacing has passed, the next alert is not held back.
        await Task.Delay(AlertDeliveryTrigger.Spacing + TimeSpan.FromMilliseconds(200));
        _trigger.AlertsRaised();
        Assert.Equal(3, QueuedDeliveryRuns());
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(50);
        }
    }
}
