using DoseWatch.Data;
using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.Storage.SQLite;
using Microsoft.Extensions.Options;

namespace DoseWatch.Web.Hosting;

public static class JobsHosting
{
    public const string SqliteJobStoreFileName = "hangfire.db";

    /// <summary>Hangfire with its storage beside the DoseWatch database (SQLite file or the same PostgreSQL), and a server in this process.</summary>
    public static WebApplicationBuilder AddDoseWatchJobs(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<JobsOptions>().BindConfiguration(JobsOptions.Section)
            .Validate(o => o.WorkerCount is >= 0 and <= 256, "DoseWatch:Jobs:WorkerCount must be between 0 and 256.")
            .Validate(o => o.QueuePollInterval > TimeSpan.Zero, "DoseWatch:Jobs:QueuePollInterval must be positive.")
            .ValidateOnStart();

        // AddHangfire's own JobStorage and JobActivator are the statics JobStorage.Current and JobActivator.Current, which
        // the host that configured Hangfire last has set: with several hosts in one process (test apps, in-process nodes)
        // one host would take another's store or container. AddHangfire only adds what is missing, so these come first.
        // JobStorage.Current stays unset: DoseWatch takes the store from the container, and a static call such as
        // BackgroundJob.Enqueue fails instead of reaching another host's store.
        services.AddSingleton(CreateJobStorage);
        services.AddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddSingleton(sp => HangfireLogRouting.Process.Attach(sp.GetRequiredService<ILoggerFactory>()));
        services.AddHangfire((sp, configuration) =>
        {
            configuration
                .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings()
                .UseLogProvider(HangfireLogRouting.Process);
            sp.GetRequiredService<HangfireLogRouting.Attachment>();
        });
        var runsJobs = builder.Configuration.GetSection(JobsOptions.Section).Get<JobsOptions>()?.WorkerCount != 0;
        if (runsJobs)
            services.AddHangfireServer((sp, server) =>
            {
                var jobs = sp.GetRequiredService<IOptions<JobsOptions>>().Value;
                server.WorkerCount = jobs.WorkerCount;
                server.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}";
            });
        services.AddDoseWatchInbox(runsJobs);
        return builder;
    }

    /// <summary>This host's job store: beside the DoseWatch database (the SQLite file's folder, or the same PostgreSQL).</summary>
    private static JobStorage CreateJobStorage(IServiceProvider sp)
    {
        var database = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        var poll = sp.GetRequiredService<IOptions<JobsOptions>>().Value.QueuePollInterval;
        if (database.Provider != DatabaseProvider.PostgreSql)
            return new SQLiteStorage(Path.Combine(sp.GetRequiredService<DataDirectory>().Path, SqliteJobStoreFileName), new SQLiteStorageOptions { QueuePollInterval = poll });
        var options = new PostgreSqlStorageOptions { QueuePollInterval = poll, PrepareSchemaIfNecessary = true };
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(database.ConnectionString!, options), options);
    }
}
