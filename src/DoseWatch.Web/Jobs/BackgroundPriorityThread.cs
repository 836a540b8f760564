using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace DoseWatch.Web.Jobs;

/// <summary>
/// Runs an async loop on a thread of its own whose continuations come back to it (a single-thread
/// <see cref="SynchronizationContext"/>), at a lower CPU priority where the OS lets a thread lower its own (Linux: the
/// thread's nice value). Why: the extraction workers share the machine's cores with the Store SCP, and a modality waits
/// for each C-STORE answer while extraction can wait a moment. On two cores, workers at the receiver's priority halved
/// the rate one association could send CT images at (issue #18); lowered, they still take every idle cycle, so the
/// backlog of a burst is worked off as soon as the burst ends. Continuations that leave the context (library code with
/// <c>ConfigureAwait(false)</c>, a truly asynchronous database driver) run on the pool at normal priority until they come
/// back: the priority is a preference, not a partition. On Linux a thread inherits its creator's nice value, so a pool
/// thread the pool happens to create while a worker queues work runs low too until it retires (the pool usually has idle
/// threads, made earlier by the receiving and the web server; this was not seen in the benchmark runs).
/// </summary>
public static class BackgroundPriorityThread
{
    /// <summary>Starts <paramref name="loop"/> on a new thread at <paramref name="nice"/> (0 = unchanged, 19 = lowest).</summary>
    public static Task Run(string name, int nice, Func<Task> loop, ILogger logger)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            if (nice > 0 && !TryLowerPriority(nice, out var error))
                logger.LogDebug("{Thread}: its priority could not be lowered ({Error}); it runs at normal priority", name, error);
            var context = new SingleThreadContext();
            var previous = SynchronizationContext.Current;
            SynchronizationContext.SetSynchronizationContext(context);
            Task task;
            try
            {
                task = loop();
            }
            catch (Exception e)
            {
                task = Task.FromException(e);
            }
            finally
            {
                SynchronizationContext.SetSynchronizationContext(previous);
            }
            task.ContinueWith(_ => context.Complete(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            context.RunUntilComplete();
            if (task.IsFaulted) done.SetException(task.Exception!.InnerExceptions);
            else if (task.IsCanceled) done.SetCanceled();
            else done.SetResult();
        })
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
        return done.Task;
    }

    /// <summary>Linux only: setpriority(PRIO_PROCESS, gettid(), nice) applies to the calling thread alone.</summary>
    internal static bool TryLowerPriority(int nice, out string? error)
    {
        error = null;
        if (!OperatingSystem.IsLinux())
        {
            error = "not supported on this OS";
            return false;
        }
        try
        {
            if (SetPriority(0, GetTid(), nice) == 0) return true;
            error = $"errno {Marshal.GetLastPInvokeError()}";
        }
        catch (EntryPointNotFoundException e)
        {
            error = e.Message;
        }
        return false;
    }

    /// <summary>The calling thread's nice value (Linux), for tests; null elsewhere.</summary>
    public static int? CurrentNice() => OperatingSystem.IsLinux() ? GetPriority(0, GetTid()) : null;

    [DllImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static extern int SetPriority(int which, int who, int prio);

    [DllImport("libc", EntryPoint = "getpriority", SetLastError = true)]
    private static extern int GetPriority(int which, int who);

    [DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetTid();

    /// <summary>Posts run in order on the thread that called <see cref="RunUntilComplete"/>; a post after the end goes to the pool.</summary>
    private sealed class SingleThreadContext : SynchronizationContext
    {
        private readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> _queue = [];

        public override void Post(SendOrPostCallback d, object? state)
        {
            try
            {
                if (_queue.TryAdd((d, state))) return;
            }
            catch (InvalidOperationException)
            {
                // completed: the loop has ended and nothing waits on this thread any more
            }
            ThreadPool.QueueUserWorkItem(_ => d(state));
        }

        public override void Send(SendOrPostCallback d, object? state) =>
            throw new NotSupportedException("A background-priority thread does not run synchronous sends.");

        public override SynchronizationContext CreateCopy() => this;

        public void RunUntilComplete()
        {
            SetSynchronizationContext(this);
            foreach (var (callback, state) in _queue.GetConsumingEnumerable()) callback(state);
        }

        public void Complete() => _queue.CompleteAdding();
    }
}
