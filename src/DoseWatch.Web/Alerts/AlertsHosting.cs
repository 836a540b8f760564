using DoseWatch.Core.Analysis;
using DoseWatch.Data;
using DoseWatch.Data.Repositories;
using Hangfire;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace DoseWatch.Web.Alerts;

public static class AlertsHosting
{
    /// <summary>
    /// Analysis and alerts: repositories, <see cref="AnalyzeStudyJob"/> (queued through <see cref="StudyAnalysisQueue"/>),
    /// the delivery job (recurring every minute) with its e-mail and webhook channels, the live feed, and the default
    /// rules stored on first start.
    /// </summary>
    public static WebApplicationBuilder AddDoseWatchAlerts(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AlertsOptions>().BindConfiguration(AlertsOptions.Section)
            .Validate(o => o.MaxDeliveryAttempts >= 1, "DoseWatch:Alerts:MaxDeliveryAttempts must be at least 1.")
            .Validate(o => o.RetryBackoff > TimeSpan.Zero, "DoseWatch:Alerts:RetryBackoff must be positive.")
            .Validate(o => o.HistoryStudies >= 1, "DoseWatch:Alerts:HistoryStudies must be at least 1.")
            .Validate(o => o.Digest.MaxAlerts >= 1 && o.Digest.Window > TimeSpan.Zero, "DoseWatch:Alerts:Digest needs MaxAlerts >= 1 and a positive Window.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new RuleRepository(sp.GetRequiredService<IDbConnectionFactory>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new ProtocolRepository(sp.GetRequiredService<IDbConnectionFactory>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new AlertRepository(sp.GetRequiredService<IDbConnectionFactory>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new RecentStudyRepository(sp.GetRequiredService<IDbConnectionFactory>()));
        services.AddSingleton(sp => new StudyAnalysis(sp.GetRequiredService<IDbConnectionFactory>(), sp.GetRequiredService<RuleRepository>(),
            sp.GetRequiredService<ProtocolRepository>(), sp.GetRequiredService<AlertRepository>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<AlertFeed>();
        services.AddSingleton<AlertActions>();
        services.AddSingleton<Rules.RuleEditing>();
        services.AddSingleton<StudyAnalysisQueue>();
        services.AddTransient<AnalyzeStudyJob>();
        services.AddTransient<DeliverAlertsJob>();
        services.AddSingleton<AlertDeliveryTrigger>();
        services.AddSingleton<IAlertChannel, EmailAlertChannel>();
        services.AddSingleton<IAlertChannel, WebhookAlertChannel>();
        services.AddHttpClient(WebhookAlertChannel.HttpClientName, (sp, client) =>
            client.Timeout = sp.GetRequiredService<IOptions<AlertsOptions>>().Value.WebhookTimeout);
        services.AddHostedService<AlertsStartup>();
        return builder;
    }

    /// <summary>After migrations (registered later than the migration service): default rules once, and the recurring delivery job.</summary>
    private sealed class AlertsStartup(RuleRepository rules, IRecurringJobManager recurringJobs) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await rules.SeedAsync(DefaultRules.All, cancellationToken);
            recurringJobs.AddOrUpdate<DeliverAlertsJob>(DeliverAlertsJob.RecurringJobId, job => job.Run(CancellationToken.None), Cron.Minutely());
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
