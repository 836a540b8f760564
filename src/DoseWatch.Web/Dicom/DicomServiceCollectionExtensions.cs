using DoseWatch.Data;
using DoseWatch.Data.Repositories;
using DoseWatch.Web.Dicom;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

// In the DI namespace so that Program.cs needs one line and no using.
namespace Microsoft.Extensions.DependencyInjection;

public static class DicomServiceCollectionExtensions
{
    /// <summary>Registers the Store SCP (section <c>Dicom</c>), validated at start, with a no-op received-instance sink unless one is registered.</summary>
    public static IServiceCollection AddDicomStoreScp(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DicomScpOptions>().Bind(configuration.GetSection(DicomScpOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DicomScpOptions>, DicomScpOptionsValidator>());
        services.TryAddSingleton<IInstanceReceivedSink, NoOpInstanceReceivedSink>();
        services.TryAddSingleton<InboxSpool>();
        // The database journal only where the data layer is registered (the product); a bare host just logs.
        services.AddSingleton<IAssociationJournal>(sp => sp.GetService<IDbConnectionFactory>() is { } db
            ? new DatabaseAssociationJournal(new AssociationRepository(db))
            : new LogOnlyAssociationJournal());
        services.TryAddSingleton<DicomNodeRepository>();
        services.TryAddSingleton<AssociationRepository>();
        services.TryAddSingleton<DicomNodeVerification>();
        services.TryAddSingleton<CallingAeAllowList>();
        services.TryAddSingleton<DicomStoreScpService>();
        services.AddHostedService(sp => sp.GetRequiredService<DicomStoreScpService>());
        return services;
    }
}
