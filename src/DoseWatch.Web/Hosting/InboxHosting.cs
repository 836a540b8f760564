using DoseWatch.Data.Repositories;
using DoseWatch.Web.Dicom;
using DoseWatch.Web.Jobs;
using DoseWatch.Web.Registry;
using Hangfire;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DoseWatch.Web.Hosting;

public static class InboxHosting
{
    /// <summary>
    /// The durable inbox: the Store SCP's received-instance seam queues each durable file for the batched intake, which
    /// writes rows and enqueues extraction jobs (and registers at start any file a stop left without a row), a recurring
    /// sweep catches what a crash left behind, and failures go to quarantine. The dose extractor
    /// (<see cref="Core.Abstractions.IDoseExtraction"/>) reads each file and stores its dose records.
    /// </summary>
    /// <param name="runsJobs">False on a node with <c>DoseWatch:Jobs:WorkerCount</c> 0: it receives and registers, others extract.</param>
    public static IServiceCollection AddDoseWatchInbox(this IServiceCollection services, bool runsJobs = true)
    {
        services.AddOptions<InboxOptions>().BindConfiguration(InboxOptions.Section)
            .Validate(o => o.StaleAfter >= TimeSpan.FromSeconds(10), "DoseWatch:Inbox:StaleAfter must be at least 10 seconds.")
            .Validate(o => o.IntakeBatchWindow >= TimeSpan.Zero, "DoseWatch:Inbox:IntakeBatchWindow cannot be negative.")
            .Validate(o => o.ExtractionWorkers is >= 1 and <= 64, "DoseWatch:Inbox:ExtractionWorkers must be between 1 and 64.")
            .Validate(o => o.ClaimBatch is >= 1 and <= 500, "DoseWatch:Inbox:ClaimBatch must be between 1 and 500.")
            .Validate(o => o.TransientRetryDelay >= TimeSpan.Zero, "DoseWatch:Inbox:TransientRetryDelay cannot be negative.")
            .Validate(o => o.ExtractionDeferral >= TimeSpan.Zero && o.ExtractionDeferral <= TimeSpan.FromMinutes(1),
                "DoseWatch:Inbox:ExtractionDeferral must be between 0 and 1 minute.")
            .ValidateOnStart();
        services.AddOptions<ExtractionOptions>().BindConfiguration(ExtractionOptions.Section)
            .Validate(o => o.IsValid(), "DoseWatch:Extraction:SiteTimeZone is not a time zone this server knows (an IANA id such as Europe/Berlin).")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<InstanceRepository>();
        services.AddSingleton<Quarantine>();
        services.AddSingleton<Dicom.RefusedResends>();
        services.AddSingleton<InstanceRetry>();
        // Before AddDicomStoreScp, whose default sink is registered with TryAdd; and hosted before the SCP's service, so
        // that its start-up scan of the inbox is done before the first association is accepted.
        services.AddSingleton<InboxIntake>();
        services.AddSingleton<IInstanceReceivedSink>(sp => sp.GetRequiredService<InboxIntake>());
        services.AddHostedService(sp => sp.GetRequiredService<InboxIntake>());
        // One extractor: the inbox job's pipeline (a non-dose object is set aside on its inbox row and creates no study).
        services.TryAddSingleton<Core.Abstractions.IDoseExtraction, DoseExtractionPipeline>();
        services.AddTransient<ExtractInstanceJob>();
        // Received dose reports are forwarded from the pipeline to the dose registry when that is configured.
        services.AddDoseWatchRegistry();
        // The extraction work queue's workers, after the intake (started after its start-up scan): only on a node that runs jobs.
        services.AddSingleton<ExtractionWorkers>();
        if (runsJobs) services.AddHostedService(sp => sp.GetRequiredService<ExtractionWorkers>());
        services.AddSingleton<SkinDoseRepository>();
        services.AddSingleton<SkinDoseQueue>();
        services.AddTransient<SkinDoseJob>();
        services.AddTransient<InboxSweepJob>();
        // Back-fills by Query/Retrieve: what they retrieve arrives at the Store SCP and takes this same inbox path.
        services.AddOptions<BackfillOptions>().BindConfiguration(BackfillOptions.Section)
            .Validate(o => o.InstancesPerSecond >= 0 && o.PauseBetweenStudies >= TimeSpan.Zero, "DoseWatch:Backfill limits cannot be negative.")
            .ValidateOnStart();
        services.AddSingleton<BackfillRepository>();
        services.AddTransient<BackfillJob>();
        services.AddOptions<NightlyBackfillOptions>().BindConfiguration(NightlyBackfillOptions.Section)
            .Validate(o => o.Nodes.All(n => n.Host.Length > 0 && n.Port is >= 1 and <= 65535 && n.CalledAeTitle.Length is >= 1 and <= 16),
                "DoseWatch:Backfill:Nightly:Nodes need Host, Port (1-65535) and CalledAeTitle (1-16 characters).")
            .ValidateOnStart();
        services.AddTransient<NightlyBackfillJob>();
        services.AddHostedService<RecurringJobRegistration>();
        return services;
    }

    private sealed class RecurringJobRegistration(IRecurringJobManager recurringJobs, Microsoft.Extensions.Options.IOptions<NightlyBackfillOptions> nightly) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            recurringJobs.AddOrUpdate<InboxSweepJob>(InboxSweepJob.RecurringJobId, job => job.Run(CancellationToken.None), InboxOptions.SweepCron);
            // The nightly catch-up exists only while PACS nodes are configured for it.
            if (nightly.Value.Nodes.Count > 0)
                recurringJobs.AddOrUpdate<NightlyBackfillJob>(NightlyBackfillJob.RecurringJobId, job => job.Run(CancellationToken.None), nightly.Value.Cron,
                    new RecurringJobOptions { TimeZone = TimeZoneInfo.Local });
            else
                recurringJobs.RemoveIfExists(NightlyBackfillJob.RecurringJobId);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
