using System.Security.Claims;
using DoseWatch.Core.Privacy;
using DoseWatch.Data.Repositories;
using DoseWatch.Fhir;
using DoseWatch.Web.Access;
using DoseWatch.Web.Privacy;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using static DoseWatch.Fhir.RadiationDoseSummaryCodes;

namespace DoseWatch.Web.Fhir;

/// <summary>
/// The read-only FHIR R4 endpoint of issue #19 under /fhir: DoseWatch as a Radiation Dose Summary Producer grouped with
/// a FHIR server (the IG's scenario 2). Observation read and search, the resources they reference (ImagingStudy,
/// Patient, Device) and the RadiationSummaryReport Composition, all with the /api/v1 keys and roles (Dashboards);
/// identified patient data is disclosed and audited by <see cref="PatientIdentityDisclosure"/> as for the REST API.
/// </summary>
public static class FhirApi
{
    public const string FhirJson = "application/fhir+json";

    public static IEndpointRouteBuilder MapFhirApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/fhir").WithTags("FHIR").RequireAuthorization(AccessPolicies.Dashboards);
        group.MapGet("/metadata", Metadata).WithName("FhirMetadata").WithSummary("CapabilityStatement: Radiation Dose Summary Producer grouped with a FHIR server.");
        group.MapGet("/Observation", SearchObservationsAsync).WithName("FhirSearchObservation").WithSummary("Radiation dose summaries, one per study, as a searchset Bundle.");
        group.MapGet("/Observation/{id}", (HttpContext http, FhirStudies studies, string id, CancellationToken ct) =>
            ReadAsync(http, studies, id, "Observation", RadiationDoseSummaryMapping.Observation, ct)).WithName("FhirReadObservation");
        group.MapGet("/ImagingStudy/{id}", (HttpContext http, FhirStudies studies, string id, CancellationToken ct) =>
            ReadAsync(http, studies, id, "ImagingStudy", RadiationDoseSummaryMapping.ImagingStudy, ct)).WithName("FhirReadImagingStudy");
        group.MapGet("/Composition/{id}", (HttpContext http, FhirStudies studies, TimeProvider clock, string id, CancellationToken ct) =>
            ReadAsync(http, studies, id, "Composition", s => RadiationDoseSummaryMapping.Report(s, clock.GetUtcNow()), ct)).WithName("FhirReadComposition");
        group.MapGet("/Patient/{id}", ReadPatientAsync).WithName("FhirReadPatient");
        group.MapGet("/Device/{id}", ReadDeviceAsync).WithName("FhirReadDevice");
        return app;
    }

    public static IResult Metadata(HttpContext http, TimeProvider clock)
    {
        var observation = new CapabilityStatement.ResourceComponent
        {
            Type = "Observation",
            Profile = ObservationProfile,
            Interaction =
            [
                new CapabilityStatement.ResourceInteractionComponent { Code = CapabilityStatement.TypeRestfulInteraction.Read },
                new CapabilityStatement.ResourceInteractionComponent { Code = CapabilityStatement.TypeRestfulInteraction.SearchType },
            ],
            SearchParam = ObservationSearch.Parameters.Select(p => new CapabilityStatement.SearchParamComponent
            {
                Name = p.Name,
                Type = Enum.Parse<SearchParamType>(p.Type, ignoreCase: true),
                Documentation = p.Documentation,
            }).ToList(),
        };
        CapabilityStatement.ResourceComponent ReadOnly(string type, string? profile = null) => new()
        {
            Type = type,
            Profile = profile,
            Interaction = [new CapabilityStatement.ResourceInteractionComponent { Code = CapabilityStatement.TypeRestfulInteraction.Read }],
        };
        var capability = new CapabilityStatement
        {
            Status = PublicationStatus.Active,
            DateElement = new FhirDateTime(clock.GetUtcNow()),
            Kind = CapabilityStatementKind.Instance,
            Name = "DoseWatchRadiationDoseSummaryProducer",
            Title = "DoseWatch: Radiation Dose Summary Producer",
            Description = new Markdown("DoseWatch as a Radiation Dose Summary Producer (RDSP) grouped with a FHIR server (the IG's scenario 2): one RadiationDoseSummary Observation per study, read-only."),
            Instantiates = [CanonicalBase + "/CapabilityStatement/RDSP", CanonicalBase + "/CapabilityStatement/FHIRServer-RDSC"],
            Software = new CapabilityStatement.SoftwareComponent { Name = "DoseWatch" },
            Implementation = new CapabilityStatement.ImplementationComponent { Description = "DoseWatch FHIR endpoint", Url = $"{Base(http)}" },
            FhirVersion = FHIRVersion.N4_0_1,
            Format = ["json"],
            ImplementationGuide = [ImplementationGuideUrl],
            Rest =
            [
                new CapabilityStatement.RestComponent
                {
                    Mode = CapabilityStatement.RestfulCapabilityMode.Server,
                    Documentation = new Markdown("Read-only. Authentication as /api/v1 (API key or signed-in session); roles that see patient identity get it, others the pseudonym."),
                    Resource = [observation, ReadOnly("ImagingStudy"), ReadOnly("Patient"), ReadOnly("Device", DeviceProfile), ReadOnly("Composition", CompositionProfile)],
                },
            ],
        };
        return Fhir(capability);
    }

    public static async Task<IResult> SearchObservationsAsync(HttpContext http, FhirStudies studies, PatientPseudonym pseudonyms, ClaimsPrincipal user,
        CancellationToken cancellationToken)
    {
        var (search, error) = ObservationSearch.Parse(http.Request.Query, pseudonyms);
        if (search is null) return Problem(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.NotSupported, error!);
        // Finding a named patient's studies is a use of identity: the same roles that see it (as GET /api/v1/studies?patientId=).
        if (search.NeedsPatientIdentity && !PatientIdentityDisclosure.MaySeeIdentity(user))
            return Problem(StatusCodes.Status403Forbidden, OperationOutcome.IssueType.Forbidden, "Searching by Patient ID needs a role that sees patient identity; search by the pseudonym instead.");
        var (items, total) = search.MatchesNothing
            ? ([], 0)
            : await studies.SearchAsync(user, search.Query, "GET /fhir/Observation", cancellationToken);
        var q = search.Query;
        var bundle = new Bundle { Type = Bundle.BundleType.Searchset, Total = (int)total };
        bundle.Link.Add(new Bundle.LinkComponent { Relation = "self", Url = PageUrl(http, q.Page) });
        if (!search.MatchesNothing && (long)q.Page * q.PageSize < total) bundle.Link.Add(new Bundle.LinkComponent { Relation = "next", Url = PageUrl(http, q.Page + 1) });
        if (q.Page > 1) bundle.Link.Add(new Bundle.LinkComponent { Relation = "previous", Url = PageUrl(http, q.Page - 1) });
        foreach (var s in items)
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = $"{Base(http)}/Observation/{s.Study.StudyInstanceUid}",
                Resource = RadiationDoseSummaryMapping.Observation(s),
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
            });
        return Fhir(bundle);
    }

    private static async Task<IResult> ReadAsync(HttpContext http, FhirStudies studies, string id, string type, Func<StudyDoseSummary, Resource> map,
        CancellationToken cancellationToken)
    {
        var found = await studies.SearchAsync(http.User, new StudyQuery { StudyInstanceUid = id, AnyModality = RadiationDoseSummaryMapping.IonisingModalities, PageSize = 1 },
            $"GET /fhir/{type}/{id}", cancellationToken);
        return found.Items.Count == 0 ? NotFound(type, id) : Fhir(map(found.Items[0]));
    }

    public static async Task<IResult> ReadPatientAsync(HttpContext http, FhirStudies studies, string id, CancellationToken cancellationToken)
    {
        // The patient as their latest study shows them (one pseudonym, one patient).
        var found = await studies.SearchAsync(http.User, new StudyQuery { PatientPseudonym = id, AnyModality = RadiationDoseSummaryMapping.IonisingModalities, PageSize = 1 },
            $"GET /fhir/Patient/{id}", cancellationToken);
        return found.Items.Count > 0 && RadiationDoseSummaryMapping.Patient(found.Items[0]) is { } patient ? Fhir(patient) : NotFound("Patient", id);
    }

    public static async Task<IResult> ReadDeviceAsync(HttpContext http, FhirStudies studies, string id, CancellationToken cancellationToken)
    {
        if (!long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var deviceId)) return NotFound("Device", id);
        var found = await studies.SearchAsync(http.User, new StudyQuery { DeviceId = deviceId, AnyModality = RadiationDoseSummaryMapping.IonisingModalities, PageSize = 1 },
            $"GET /fhir/Device/{id}", cancellationToken);
        return found.Items.Count > 0 && RadiationDoseSummaryMapping.Device(found.Items[0]) is { } device ? Fhir(device) : NotFound("Device", id);
    }

    private static string Base(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/fhir";

    /// <summary>This request's URL with <c>_page</c> set: the other parameters as sent.</summary>
    private static string PageUrl(HttpContext http, int page)
    {
        var parameters = http.Request.Query.Where(p => p.Key != "_page")
            .SelectMany(p => p.Value.Select(v => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(v ?? "")}"))
            .Append($"_page={page}");
        return $"{Base(http)}/Observation?{string.Join("&", parameters)}";
    }

    private static IResult NotFound(string type, string id) =>
        Problem(StatusCodes.Status404NotFound, OperationOutcome.IssueType.NotFound, $"{type}/{id} is not known");

    private static IResult Problem(int status, OperationOutcome.IssueType type, string text) =>
        Fhir(new OperationOutcome
        {
            Issue = [new OperationOutcome.IssueComponent { Severity = OperationOutcome.IssueSeverity.Error, Code = type, Diagnostics = text }],
        }, status);

    private static IResult Fhir(Resource resource, int status = StatusCodes.Status200OK) =>
        Results.Content(new FhirJsonSerializer().SerializeToString(resource), FhirJson, System.Text.Encoding.UTF8, status);
}
