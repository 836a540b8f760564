using DoseWatch.Data;
using Hangfire;
using Hangfire.PostgreSql;
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

        services.AddHangfire((sp, configuration) =>
        {
            var database = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            var poll = sp.GetRequiredService<IOptions<JobsOptions>>().Value.QueuePollInterval;
            configuration
                .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings();
            if (database.Provider == DatabaseProvider.PostgreSql)
                configuration.UsePostgreSqlStorage(
                    options => options.UseNpgsqlConnection(database.ConnectionString!),
                    new PostgreSqlStorageOptions { QueuePollInterval = poll, PrepareSchemaIfNecessary = true });
            else
                configuration.UseSQLiteStorage(
                    Path.Combine(sp.GetRequiredService<DataDirectory>().Path, SqliteJobStoreFileName),
                    new SQLiteStorageOptions { QueuePollInterval = poll });
        });
        if (builder.Configuration.GetSection(JobsOptions.Section).Get<JobsOptions>()?.WorkerCount != 0)
            services.AddHangfireServer((sp, server) =>
            {
                var jobs = sp.GetRequiredService<IOptions<JobsOptions>>().Value;
                server.WorkerCount = jobs.WorkerCount;
                server.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}";
            });
        services.AddDoseWatchInbox();
        return builder;
    }
}
