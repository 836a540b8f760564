using DoseWatch.Core.Backfill;
using DoseWatch.Data.Repositories;
using Hangfire;
using Microsoft.Extensions.Options;

namespace DoseWatch.Web.Jobs;

/// <summary>Configuration section <c>DoseWatch:Backfill</c>: how hard a back-fill may load a PACS.</summary>
public sealed class BackfillOptions
{
    public const string Section = "DoseWatch:Backfill";

    /// <summary>Instances asked for per second, averaged over each C-MOVE (0 = no limit). A clinical PACS serves its readers first.</summary>
    public double InstancesPerSecond { get; set; } = 10;

    /// <summary>Pause between two studies (each study is one association to the PACS).</summary>
    public TimeSpan PauseBetweenStudies { get; set; } = TimeSpan.FromMilliseconds(200);
}

/// <summary>
/// The Hangfire job of one back-fill. It takes only the id and is safe to rerun: the runner reads what the journal
/// already holds (studies done, instances stored), so a retry or a restart carries on without asking twice.
/// </summary>
public sealed class BackfillJob(BackfillRepository journal, TimeProvider clock, IOptions<BackfillOptions> options, Dicom.InboxSpool inbox, IOptions<Dicom.DicomScpOptions> dicom)
{
    // What a C-GET brings back is written to the inbox as a push would be (and extracted by the same job).
    public Task Run(long backfillId, CancellationToken cancellationToken) =>
        new BackfillRunner(journal, clock, inbox.Store, dicom.Value.Tls.ClientCredentials()).RunAsync(backfillId, new BackfillThrottle(options.Value.InstancesPerSecond, options.Value.PauseBetweenStudies), cancellationToken);
}

/// <summary>A PACS the nightly catch-up queries (configuration <c>DoseWatch:Backfill:Nightly:Nodes:N</c>).</summary>
public sealed class BackfillNode
{
    public string Host { get; set; } = "";
    public int Port { get; set; } = 104;
    public string CalledAeTitle { get; set; } = "";

    /// <summary>Empty: every modality.</summary>
    public List<string> Modalities { get; set; } = [];
}

/// <summary>Configuration section <c>DoseWatch:Backfill:Nightly</c>.</summary>
public sealed class NightlyBackfillOptions
{
    public const string Section = "DoseWatch:Backfill:Nightly";

    /// <summary>When the catch-up runs (Hangfire cron, server local time); by default 02:00, after the day's studies are archived.</summary>
    public string Cron { get; set; } = "0 2 * * *";

    public List<BackfillNode> Nodes { get; set; } = [];
}

/// <summary>
/// The nightly catch-up: for each PACS configured (<c>DoseWatch:Backfill:Nightly:Nodes</c>) or marked "nightly" on the
/// DICOM nodes page, a back-fill of yesterday's studies, which picks up what a modality failed to send. Run twice on one
/// day it reuses that day's back-fill (whose job skips what is done), so a Hangfire retry costs nothing.
/// </summary>
public sealed class NightlyBackfillJob(BackfillRepository journal, IBackgroundJobClient jobs, TimeProvider clock,
    IOptions<NightlyBackfillOptions> nightly, IOptions<DoseWatch.Web.Dicom.DicomScpOptions> dicom, DicomNodeRepository nodes)
{
    public const string RecurringJobId = "backfill-nightly";

    public async Task<IReadOnlyList<long>> Run(CancellationToken cancellationToken)
    {
        var yesterday = DateOnly.FromDateTime(clock.GetLocalNow().DateTime).AddDays(-1);
        var ae = dicom.Value.AeTitle;
        var ids = new List<long>();
        var requests = nightly.Value.Nodes.Select(node => new BackfillRequest(node.Host, node.Port, node.CalledAeTitle, ae, ae, yesterday, yesterday,
                node.Modalities.Select(m => m.ToUpperInvariant()).Distinct().ToList()))
            .Concat((await nodes.ListAsync(cancellationToken)).Where(n => n.Nightly && n.QueryRetrieve)
                .Select(n => new BackfillRequest(n.Host, n.Port, n.AeTitle, ae, ae, yesterday, yesterday, [], n.RetrieveMethod, n.Tls)));
        foreach (var request in requests)
        {
            var id = await journal.FindSameAsync(request, cancellationToken) ?? await journal.CreateAsync(request, cancellationToken);
            jobs.Enqueue<BackfillJob>(job => job.Run(id, CancellationToken.None));
            ids.Add(id);
        }
        return ids;
    }
}
