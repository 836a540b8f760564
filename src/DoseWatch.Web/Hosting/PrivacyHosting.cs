using DoseWatch.Core.Privacy;
using DoseWatch.Web.Privacy;
using Microsoft.Extensions.Options;

namespace DoseWatch.Web.Hosting;

public static class PrivacyHosting
{
    /// <summary>Privacy mode and the pseudonym key (configuration, else generated once into the data directory).</summary>
    public static IServiceCollection AddDoseWatchPrivacy(this IServiceCollection services)
    {
        services.AddOptions<PrivacyOptions>().BindConfiguration(PrivacyOptions.Section)
            .Validate(o => Enum.IsDefined(o.Mode), "DoseWatch:Privacy:Mode must be Identified or Pseudonymous.")
            .ValidateOnStart();
        services.AddSingleton(sp => new PatientPseudonym(PseudonymKey.Resolve(
            sp.GetRequiredService<IOptions<PrivacyOptions>>().Value.PseudonymKey, sp.GetRequiredService<DataDirectory>().Path)));
        services.AddSingleton(sp => new PatientIdentification(sp.GetRequiredService<PatientPseudonym>(), sp.GetRequiredService<IOptions<PrivacyOptions>>().Value.Mode));
        services.AddSingleton(sp =>
        {
            var privacy = sp.GetRequiredService<IOptions<PrivacyOptions>>().Value;
            return EncryptionKeyRing.Resolve(privacy.EncryptionKeys, privacy.ResolveKeyDirectory(sp.GetRequiredService<DataDirectory>().Path));
        });
        services.AddSingleton<StoredObjectCipher>();
        services.AddSingleton<PatientIdentityCipher>();
        services.AddSingleton<PatientIdentityDisclosure>();
        services.AddSingleton<Fhir.FhirStudies>();
        return services;
    }
}
