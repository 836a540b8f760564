using DoseWatch.Data.Repositories;
using Microsoft.Extensions.Options;

namespace DoseWatch.Web.Registry;

public static class RegistryHosting
{
    /// <summary>Registry submission (issue #19 item 4): options, the delivery log and the job. Registered always, so the
    /// DICOM nodes page can show the log and the settings; nothing is queued while <see cref="RegistryOptions.Enabled"/> is off.</summary>
    public static IServiceCollection AddDoseWatchRegistry(this IServiceCollection services)
    {
        services.AddOptions<RegistryOptions>().BindConfiguration(RegistryOptions.Section)
            .Validate(o => o.Problem() is null, "DoseWatch:Registry is not valid: check AeTitle (1-16 characters), Host, Port, MaxAttempts and RetryBackoff.")
            .ValidateOnStart();
        services.AddSingleton<RegistrySubmissionRepository>();
        services.AddSingleton<RegistrySubmissionQueue>();
        services.AddTransient<SubmitToRegistryJob>();
        return services;
    }
}
