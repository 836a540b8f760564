using System.Globalization;
using DoseWatch.Core.Presentation;
using DoseWatch.Data;
using DoseWatch.Data.Repositories;
using DoseWatch.Web.Dicom;
using DoseWatch.Web.Hosting;
using Hangfire;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace DoseWatch.Web.Health;

/// <summary>How a part of the installation is doing, in the words the health page uses.</summary>
public enum HealthState { Working, NeedsAttention, NotWorking }

/// <summary>One line of the health page: the part, its state, what it is doing in a sentence, and what to do when it is not.</summary>
public sealed record HealthLine(string Key, string Part, HealthState State, string Summary, string? Advice = null);

/// <summary>
/// The health page's report for people (issue #21): the same checks the JSON probe at <c>/health</c> runs (database,
/// job server) read out in sentences, and what a probe does not judge: the DICOM listener, the job queue's failures, the
/// inbox's failed extractions and the free space where received files are kept.
/// </summary>
public sealed class SystemHealth(HealthCheckService checks, DicomStoreScpService storeScp, IOptions<DicomScpOptions> scpOptions, JobStorage jobs,
    InstanceRepository instances, DataDirectory dataDirectory, IDbConnectionFactory connections)
{
    /// <summary>Below this share of the disk free, the page asks for attention; below <see cref="FreeSpaceNotWorkingBytes"/> it is a failure.</summary>
    public const double FreeSpaceAttentionFraction = 0.10;

    /// <summary>Under 1 GiB free, received files and the SQLite database are about to fail to write.</summary>
    public const long FreeSpaceNotWorkingBytes = 1L << 30;

    public async Task<IReadOnlyList<HealthLine>> ReportAsync(CancellationToken cancellationToken = default)
    {
        var report = await checks.CheckHealthAsync(cancellationToken);
        var lines = new List<HealthLine>
        {
            Database(report.Entries["database"]),
            JobServer(report.Entries["jobServer"]),
            DicomListener(),
            JobQueue(),
            await InboxAsync(cancellationToken),
            DiskSpace(),
        };
        return lines;
    }

    private HealthLine Database(HealthReportEntry entry)
    {
        var engine = connections.Provider == DatabaseProvider.PostgreSql ? "PostgreSQL" : "SQLite";
        if (entry.Status == HealthStatus.Healthy)
            return new("database", "Database", HealthState.Working, $"{engine} answers; its schema is the one this version of DoseWatch expects ({entry.Description?.ToLowerInvariant()}).");
        return entry.Data.TryGetValue("reachable", out var reachable) && reachable is true
            ? new("database", "Database", HealthState.NotWorking, $"{engine} answers, but its schema does not match this version ({entry.Description}).",
                "Restart DoseWatch so that it applies its migrations, or run the version that matches the database.")
            : new("database", "Database", HealthState.NotWorking, $"{engine} does not answer.", "Check that the database server runs and that DoseWatch's connection settings reach it.");
    }

    private static HealthLine JobServer(HealthReportEntry entry)
    {
        if (entry.Status == HealthStatus.Healthy)
        {
            var workers = entry.Data.TryGetValue("workers", out var w) ? Convert.ToInt32(w, CultureInfo.InvariantCulture) : 0;
            return new("jobServer", "Background processing", HealthState.Working,
                $"{entry.Description}, with {workers} worker{(workers == 1 ? "" : "s")}: received files are extracted and checked as they arrive.");
        }
        return new("jobServer", "Background processing", HealthState.NotWorking,
            "No job server has reported in the last 90 seconds: received files wait unprocessed and no alerts are raised.",
            "Check the DoseWatch log; restarting DoseWatch starts the job server again.");
    }

    private HealthLine DicomListener()
    {
        var o = scpOptions.Value;
        if (storeScp.PlainEndpoint is not { } plain)
            return new("dicomListener", "DICOM listener", HealthState.NotWorking,
                $"Not listening: port {o.Port} could not be opened, so modalities and the PACS cannot send dose reports.",
                "Another program may hold the port: free it or change Dicom:Port, then restart DoseWatch.");
        var tls = storeScp.TlsEndpoint is { } secure ? $", and with TLS on port {secure.Port}" : "";
        return new("dicomListener", "DICOM listener", HealthState.Working, $"Receiving as AE title {o.AeTitle} on port {plain.Port}{tls}.");
    }

    private HealthLine JobQueue()
    {
        try
        {
            var statistics = jobs.GetMonitoringApi().GetStatistics();
            var waiting = $"{statistics.Enqueued} waiting, {statistics.Processing} running, {statistics.Scheduled} scheduled";
            return statistics.Failed == 0
                ? new("jobQueue", "Job queue", HealthState.Working, $"{waiting}; no failed jobs.")
                : new("jobQueue", "Job queue", HealthState.NeedsAttention, $"{waiting}; {statistics.Failed} failed job{(statistics.Failed == 1 ? "" : "s")}.",
                    "Administrators see why on the Jobs page and can retry or delete them there.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new("jobQueue", "Job queue", HealthState.NotWorking, "The job storage does not answer.", "Check the database: the job queue is kept there.");
        }
    }

    private async Task<HealthLine> InboxAsync(CancellationToken cancellationToken)
    {
        var failed = await instances.CountAsync([InstanceStatus.Failed], cancellationToken);
        var waiting = await instances.CountAsync([InstanceStatus.Received, InstanceStatus.Extracting], cancellationToken);
        var summary = $"{waiting} received file{(waiting == 1 ? "" : "s")} waiting for extraction; {failed} that could not be read.";
        return failed == 0
            ? new("inbox", "Inbox", HealthState.Working, summary)
            : new("inbox", "Inbox", HealthState.NeedsAttention, summary, "The Inbox page says why each failed and retries it.");
    }

    private HealthLine DiskSpace()
    {
        var drive = new DriveInfo(Path.GetFullPath(dataDirectory.Path));
        var (free, total) = (drive.AvailableFreeSpace, drive.TotalSize);
        var summary = $"{Gigabytes(free)} GB free of {Gigabytes(total)} GB ({DisplayText.Number(100.0 * free / total)} %) where received files and local data are kept.";
        if (free < FreeSpaceNotWorkingBytes)
            return new("diskSpace", "Disk space", HealthState.NotWorking, summary, "Free space now: receiving and storing fail when the disk is full.");
        return free < FreeSpaceAttentionFraction * total
            ? new("diskSpace", "Disk space", HealthState.NeedsAttention, summary, "Free space or enlarge the disk before it fills.")
            : new("diskSpace", "Disk space", HealthState.Working, summary);
    }

    /// <summary>Bytes as gigabytes (10^9) with one decimal, as <c>df -H</c> counts them.</summary>
    public static string Gigabytes(long bytes) => (bytes / 1e9).ToString("N1", CultureInfo.InvariantCulture);
}
