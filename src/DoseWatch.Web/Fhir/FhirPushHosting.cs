using DoseWatch.Data;
using DoseWatch.Data.Repositories;
using Hangfire;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace DoseWatch.Web.Fhir;

public static class FhirPushHosting
{
    /// <summary>
    /// The FHIR push (DoseWatch:FhirPush, off by default): delivery records, the server client, <see cref="PushFhirJob"/>
    /// queued by <see cref="FhirPushQueue"/> from the extraction step, and its catch-up run every minute.
    /// </summary>
    public static WebApplicationBuilder AddDoseWatchFhirPush(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<FhirPushOptions>().BindConfiguration(FhirPushOptions.Section)
            .Validate(o => !o.Enabled || Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps),
                "DoseWatch:FhirPush:BaseUrl must be an absolute http(s) URL when the push is enabled.")
            .Validate(o => o.MaxAttempts >= 1, "DoseWatch:FhirPush:MaxAttempts must be at least 1.")
            .Validate(o => o.RetryBackoff > TimeSpan.Zero && o.Timeout > TimeSpan.Zero && o.SettleDelay >= TimeSpan.Zero,
                "DoseWatch:FhirPush:RetryBackoff and Timeout must be positive, SettleDelay not negative.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new FhirDeliveryRepository(sp.GetRequiredService<IDbConnectionFactory>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<FhirServerClient>();
        services.AddSingleton<FhirPushQueue>();
        services.AddTransient<PushFhirJob>();
        services.AddHttpClient(FhirServerClient.HttpClientName, (sp, client) =>
            client.Timeout = sp.GetRequiredService<IOptions<FhirPushOptions>>().Value.Timeout);
        services.AddHostedService<FhirPushStartup>();
        return builder;
    }

    private sealed class FhirPushStartup(IRecurringJobManager recurringJobs) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            recurringJobs.AddOrUpdate<PushFhirJob>(PushFhirJob.RecurringJobId, job => job.RunDue(CancellationToken.None), Cron.Minutely());
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
