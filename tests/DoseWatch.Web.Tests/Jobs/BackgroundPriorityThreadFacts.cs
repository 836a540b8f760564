using DoseWatch.Web.Jobs;
using Microsoft.Extensions.Logging.Abstractions;

namespace DoseWatch.Web.Tests.Jobs;

/// <summary>
/// Issue #18: the extraction workers yield the CPU to the Store SCP. Each runs on a thread of its own at a lowered
/// priority (Linux nice), and its awaits come back to that thread, so the whole loop, not only its first step, runs low.
/// </summary>
public sealed class BackgroundPriorityThreadFacts
{
    [Fact]
    public async Task A_worker_loop_runs_on_its_own_thread_at_the_lowered_priority_across_its_awaits()
    {
        if (!OperatingSystem.IsLinux()) return;  // elsewhere the priority is left as it is (documented)
        var callerNice = BackgroundPriorityThread.CurrentNice();
        var seen = new List<(int Thread, int? Nice)>();
        void Look() => seen.Add((Environment.CurrentManagedThreadId, BackgroundPriorityThread.CurrentNice()));

        var run = BackgroundPriorityThread.Run("test worker", 10, async () =>
        {
            Look();
            await Task.Delay(20);
            Look();
            await Task.Yield();
            Look();
            await Task.Run(() => Thread.Sleep(5));  // work handed to the pool comes back to the worker's thread
            Look();
        }, NullLogger.Instance);
        Assert.Equal(callerNice, BackgroundPriorityThread.CurrentNice());  // the caller's own priority is untouched
        await run;

        Assert.Equal(4, seen.Count);
        Assert.Single(seen.Select(s => s.Thread).Distinct());
        Assert.NotEqual(Environment.CurrentManagedThreadId, seen[0].Thread);
        if (callerNice < 10) Assert.All(seen, s => Assert.Equal(10, s.Nice));
    }

    [Fact]
    public async Task A_loop_that_fails_hands_its_exception_to_whoever_waits_for_it()
    {
        var run = BackgroundPriorityThread.Run("failing worker", 10, async () =>
        {
            await Task.Yield();
            throw new InvalidOperationException("the worker's own failure");
        }, NullLogger.Instance);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => run);
        Assert.Equal("the worker's own failure", e.Message);
    }
}
