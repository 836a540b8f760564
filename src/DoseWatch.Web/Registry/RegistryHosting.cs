using DoseWatch.Data.Repositories;
using Hangfire;
using Microsoft.Extensions.Options;

namespace DoseWatch.Web.Registry;

public static class RegistryHosting
{
    /// <summary>Registry submission (issue #19 item 4): options, the delivery log, the job and its sweep. Registered always,
    /// so the DICOM nodes page can show the log and the settings; nothing is queued while <see cref="RegistryOptions.Enabled"/> is off.</summary>
    public static IServiceCollection AddDoseWatchRegistry(this IServiceCollection services)
    {
        services.AddOptions<RegistryOptions>().BindConfiguration(RegistryOptions.Section)
            .Validate(o => o.Problem() is null, "DoseWatch:Registry is not valid: check AeTitle (1-16 characters), Host, Port, MaxAttempts and RetryBackoff.")
            .ValidateOnStart();
        services.AddSingleton<RegistrySubmissionRepository>();
        services.AddSingleton<RegistrySubmissionQueue>();
        services.AddTransient<SubmitToRegistryJob>();
        services.AddTransient<RegistrySweepJob>();
        services.AddHostedService<SweepRegistration>();
        return services;
    }

    /// <summary>The sweep runs while forwarding is on, and is removed when it is turned off.</summary>
    private sealed class SweepRegistration(IRecurringJobManager recurringJobs, IOptions<RegistryOptions> options) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (options.Value.Enabled)
                recurringJobs.AddOrUpdate<RegistrySweepJob>(RegistrySweepJob.RecurringJobId, job => job.Run(CancellationToken.None), RegistrySweepJob.Cron);
            else
                recurringJobs.RemoveIfExists(RegistrySweepJob.RecurringJobId);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>
/// Every five minutes, re-enqueues submissions that are due but have no job: a scheduled retry lost with the job store,
/// or a claim left by a worker that died mid-send. Enqueueing one that does have a job is harmless (the claim decides).
/// </summary>
public sealed class RegistrySweepJob(RegistrySubmissionRepository submissions, IBackgroundJobClient jobs, TimeProvider clock)
{
    public const string RecurringJobId = "registry-sweep";
    public const string Cron = "*/5 * * * *";

    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(timeoutInSeconds: 10)]
    [JobDisplayName("Registry submissions: re-enqueue the due ones")]
    public async Task Run(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        foreach (var id in await submissions.ClaimableAsync(now, now - SubmitToRegistryJob.StaleAfter, cancellationToken: cancellationToken))
            jobs.Enqueue<SubmitToRegistryJob>(job => job.Run(id, CancellationToken.None));
    }
}
