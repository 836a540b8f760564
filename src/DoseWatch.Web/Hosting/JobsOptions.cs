namespace DoseWatch.Web.Hosting;

/// <summary>Configuration section <c>DoseWatch:Jobs</c>: the in-process Hangfire server.</summary>
public sealed class JobsOptions
{
    public const string Section = "DoseWatch:Jobs";

    /// <summary>
    /// Concurrent jobs on this node; extraction is CPU-bound, so a small multiple of the cores. 0 runs no job server here:
    /// a node that only receives DICOM and leaves extraction to the others sharing its job store.
    /// </summary>
    public int WorkerCount { get; set; } = Math.Max(2, Environment.ProcessorCount * 2);

    /// <summary>How often idle workers look for new jobs: bounds the delay between receipt and extraction.</summary>
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(1);
}
