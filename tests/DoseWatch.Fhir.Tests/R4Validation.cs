using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;

namespace DoseWatch.Fhir.Tests;

/// <summary>
/// The Firely validator against base R4, offline: profiles from the R4 specification.zip of Hl7.Fhir.Specification.Data.R4
/// (copied beside the test assembly), terminology from the value sets in it. The IG's own package (its profiles) is not
/// served here, so the IG's constraints are checked one by one in RadiationDoseSummaryProfileFacts.
/// </summary>
public static class R4Validation
{
    private static readonly Lazy<Validator> Instance = new(() =>
    {
        var zip = Path.Combine(AppContext.BaseDirectory, "specification.zip");
        if (!File.Exists(zip)) throw new FileNotFoundException("specification.zip (Hl7.Fhir.Specification.Data.R4) is not beside the tests", zip);
        var source = new CachedResolver(new ZipSource(zip));
        return new Validator(source, new LocalTerminologyService(source));
    });

    /// <summary>The errors and fatal issues of validating <paramref name="resource"/> against its base R4 definition.</summary>
    public static IReadOnlyList<string> Errors(Resource resource)
    {
        // Against base R4 only: the IG's profiles named in meta.profile cannot be resolved offline (its package is not
        // served), and the validator reports an unresolvable claimed profile as an error.
        var copy = (Resource)resource.DeepCopy();
        copy.Meta = null;
        if (copy is Bundle bundle)
            foreach (var entry in bundle.Entry) entry.Resource?.Meta = null;
        OperationOutcome outcome;
        lock (Instance) outcome = Instance.Value.Validate(copy);
        return outcome.Issue
            .Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)
            .Select(i => $"{string.Join(",", i.Expression ?? [])}: {i.Details?.Text ?? i.Diagnostics}")
            .ToList();
    }
}
