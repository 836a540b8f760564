using DoseWatch.Core.Abstractions;
using DoseWatch.Data;
using DoseWatch.Data.Audit;
using DoseWatch.Data.Migrations;
using DoseWatch.Data.Repositories;
using Microsoft.Extensions.Options;

namespace DoseWatch.Web.Hosting;

public static class DataHosting
{
    /// <summary>Data directory, database connections, and migrations applied before anything else starts.</summary>
    public static WebApplicationBuilder AddDoseWatchData(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<DoseWatchOptions>().BindConfiguration(DoseWatchOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.DataDirectory), "DoseWatch:DataDirectory must not be empty.")
            .ValidateOnStart();
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section)
            .Validate(o => Enum.IsDefined(o.Provider), "DoseWatch:Database:Provider must be Sqlite or PostgreSql.")
            .Validate(o => o.Provider != DatabaseProvider.PostgreSql || !string.IsNullOrWhiteSpace(o.ConnectionString),
                "DoseWatch:Database:ConnectionString is required when DoseWatch:Database:Provider is PostgreSql.")
            .ValidateOnStart();

        services.AddSingleton(sp => DataDirectory.Resolve(sp.GetRequiredService<IOptions<DoseWatchOptions>>().Value, sp.GetRequiredService<IHostEnvironment>()));
        services.AddSingleton(sp => DbConnectionFactory.Create(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value, sp.GetRequiredService<DataDirectory>().Path));
        services.AddSingleton(sp => MigrationCatalog.Embedded(sp.GetRequiredService<IDbConnectionFactory>().Provider));
        services.AddSingleton<MigrationRunner>();
        services.AddSingleton<DeviceRepository>();
        services.AddSingleton<DeviceNameRepository>();
        services.AddSingleton<DoseWatch.Web.Api.DeviceNaming>();
        services.AddSingleton<OverviewRepository>();
        services.AddSingleton<DashboardRepository>();
        services.AddSingleton<ModalityDashboardRepository>();
        // The chain's key is outside the database: configuration or audit.key beside the other keys (issue #22).
        services.AddSingleton(sp => new AuditLog(sp.GetRequiredService<IDbConnectionFactory>(),
            sp.GetRequiredService<IOptions<Core.Privacy.PrivacyOptions>>().Value.ResolveAuditKey(sp.GetRequiredService<DataDirectory>().Path),
            sp.GetService<TimeProvider>()));
        services.AddSingleton<IAuditTrail>(sp => sp.GetRequiredService<AuditLog>());
        services.AddDoseWatchPrivacy();
        // Registered before the job server and the Store SCP, so both start on a migrated schema.
        services.AddHostedService<MigrateOnStartup>();
        return builder;
    }

    private sealed class MigrateOnStartup(MigrationRunner runner, DataDirectory data, IOptions<DoseWatchOptions> options,
        IOptions<DatabaseOptions> database, IDbConnectionFactory connections, Core.Privacy.PatientIdentityCipher identities,
        AuditLog audit, ILogger<MigrateOnStartup> logger) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await runner.MigrateAsync(cancellationToken);
            // Migration 0028's data step: identities stored in plaintext by an older DoseWatch are sealed (the key is not in SQL's reach).
            var sealedRows = await new DoseRecordRepository(connections).SealStoredIdentitiesAsync(identities, alsoOlderKeys: false, cancellationToken);
            if (sealedRows > 0) logger.LogInformation("Sealed the plaintext patient identity of {Count} stored studies (issue #22)", sealedRows);
            // An audit chain from before the key gets its keyed anchor now, not at the next audited action.
            await audit.EnsureKeyedAsync(cancellationToken);
            ReportStorage();
        }

        // Inbox rows keep absolute paths, so nodes sharing a database must see the shared folder at one and the same path.
        private void ReportStorage()
        {
            logger.LogInformation("Data directory {DataDirectory}: received instances in {Inbox}", data.Path, Path.Combine(data.Path, "inbox"));
            if (database.Value.Provider == DatabaseProvider.PostgreSql && !Path.IsPathRooted(options.Value.DataDirectory))
                logger.LogWarning("{Key} is the relative path {Configured} on PostgreSQL: nodes sharing the database must mount one shared folder at the same absolute path (docs/deploy.md)",
                    $"{DoseWatchOptions.Section}:DataDirectory", options.Value.DataDirectory);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
